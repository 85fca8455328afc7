"""Customer.io's legacy Liquid: Shopify's Ruby Liquid 2.5.3 with ActiveSupport, in Python.

Customer.io's legacy version (accounts created before 28 Nov 2023; its tag list says
"Our version of Liquid is currently 2.5.3") runs Ruby Liquid inside a Rails app. This
package is a port of that library, module by module, each citing the Ruby file it
follows (``tests/oracles/ruby/liquid-2.5.3/lib``):

======================  ==================================================================
module                  Ruby
======================  ==================================================================
``lexer``               ``liquid.rb`` (the regular expressions), ``template.rb#tokenize``
``block``               ``block.rb``, ``document.rb``, ``tag.rb``
``variable``            ``variable.rb``
``context``             ``context.rb`` (scopes, registers, errors)
``expression``          ``context.rb`` (``resolve``, ``variable``), compiled
``condition``           ``condition.rb``, ``tags/if.rb``'s expression parsing
``flow``                ``tags/if.rb``, ``unless.rb``, ``case.rb``, ``for.rb``, ``utils.rb``
``htmltags``            ``htmltags.rb`` (``tablerow``)
``tags``                ``tags/assign.rb`` … ``tags/raw.rb``, ``extensions.rb``
``customer_io``         Customer.io's tags, registered after 2.5.3's
``strainer``            ``strainer.rb``
``filters``             ``standardfilters.rb`` (``numbers``, ``dates`` for the rest)
``ruby`` …              Ruby's own semantics the library leans on (``rubystring``,
                        ``rubyindex``, ``compare``, ``rubytime``, ``dateparse``)
``template``            ``template.rb``: the engine
======================  ==================================================================

It renders byte for byte what the real engine renders (the tests compare with it), with
the differences kept on purpose listed in :data:`KEPT_DIFFERENCES`.
"""

from __future__ import annotations

from composer.liquid.legacy.differences import KEPT_DIFFERENCES, KeptDifference
from composer.liquid.legacy.template import LegacyEngine, Template

__all__ = ["ENGINE", "KEPT_DIFFERENCES", "KeptDifference", "LegacyEngine", "Template"]

ENGINE = LegacyEngine()
"""The legacy engine, with Customer.io's filters and tags for legacy."""
