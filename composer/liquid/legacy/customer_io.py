"""Customer.io's tags (:class:`~composer.liquid.cio.api.CioTag`) as tags of legacy Liquid.

A Customer.io tag is a tag without a body, ``{% name markup %}``, registered in
``Template.tags`` after 2.5.3's own. It renders through its ``render(call, markup)``
with a :class:`~composer.liquid.cio.api.Call` lent by this engine (Ruby's text of
values, 2.5.3's ``to_number``, expressions evaluated in the current scope, Liquid text
rendered in the current scope for ``render_liquid``), and writes what it returns at the
tag's place. Whatever it raises for bad input becomes an inline ``Liquid error``
(``Liquid syntax error`` for Liquid text that does not parse), as a failing 2.5.3 tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from composer.liquid.cio.api import CioTag
from composer.liquid.errors import LiquidError, LiquidSyntaxError, RenderLimitError
from composer.liquid.legacy.block import LegacyBuffer, Tag
from composer.liquid.legacy.context import Context
from composer.liquid.legacy.expression import compile_key
from composer.liquid.legacy.lexer import Markup
from composer.liquid.legacy.ruby import RubyError
from composer.liquid.legacy.strainer import make_call

if TYPE_CHECKING:
    from composer.liquid.legacy.parsing import Parser

__all__ = ["CioTagNode"]

_SPACE = " \t\n\v\f\r"


class CioTagNode(Tag):
    """One of Customer.io's tags: ``{% name markup %}`` writes what the tag renders."""

    __slots__ = ("cio",)

    def __init__(self, cio: CioTag, markup: str, index: int, at: int, parser: Parser) -> None:
        super().__init__(cio.name, markup, index, at, parser)
        self.cio = cio
        if cio.name == "render_liquid":
            parser.dynamic = True
        text = Markup(markup, at)
        pos = text.search_fragment(0)
        while pos >= 0:  # what the markup may read, for the analysis
            end = text.fragment(pos)
            compile_key(markup[pos:end], at + pos, parser)
            pos = text.search_fragment(end)

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.state.step()
        call = make_call(ctx, self.tag_name, self.index)
        try:
            text = self.cio.render(call, self.markup.strip(_SPACE))
        except (RubyError, RenderLimitError):
            raise
        except LiquidSyntaxError as error:
            raise RubyError("Liquid::SyntaxError", error.message, error.message) from error
        except LiquidError as error:
            raise RubyError("StandardError", error.message, error.message) from error
        except (ValueError, TypeError) as error:
            raise RubyError(
                "StandardError", str(error), f"the tag '{self.tag_name}' failed: {error}"
            ) from error
        out.write(text, self.index)
