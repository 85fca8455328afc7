"""Customer.io's **latest** Liquid: a pure-Python port of LiquidJS 10.31.0 (default options).

Customer.io's latest Liquid (every account since 28 Nov 2023) behaves like LiquidJS; the
test oracle is ``new Liquid()`` of LiquidJS 10.31.0 under ``TZ=UTC``. The port keeps
LiquidJS's structure, one module per part, each citing the source it follows:

* reading: :mod:`.toplevel` and :mod:`.tokenizer` (``src/parser/tokenizer.ts``),
  :mod:`.tokens`, :mod:`.parser` (``src/parser/parser.ts``);
* rendering: :mod:`.template` (``src/render/render.ts``, ``src/template/*``),
  :mod:`.expression` (``src/render/expression.ts``, ``operator.ts``), :mod:`.context`
  (``src/context/context.ts``), :mod:`.drops` (``src/drop/*``);
* JavaScript itself: :mod:`.jsvalues`, :mod:`.jsnumber`, :mod:`.jsstring`,
  :mod:`.jsjson`, :mod:`.jsdate` (V8's date parser);
* :mod:`.tags` and :mod:`.filters` (``src/tags/*``, ``src/filters/*``), :mod:`.strftime`
  and :mod:`.liquiddate` (``src/util/strftime.ts``, ``liquid-date.ts``);
* :mod:`.cio`: Customer.io's filters and tags for latest;
* :mod:`.differences`: where this engine differs from LiquidJS on purpose.

:data:`ENGINE` is the engine with Customer.io's additions, as the program uses it.
"""

from __future__ import annotations

from composer.liquid.latest.differences import KEPT_DIFFERENCES, KeptDifference
from composer.liquid.latest.engine import LatestEngine

__all__ = ["ENGINE", "KEPT_DIFFERENCES", "KeptDifference", "LatestEngine"]

ENGINE = LatestEngine()
"""Customer.io's latest Liquid: LiquidJS with Customer.io's filters and tags."""
