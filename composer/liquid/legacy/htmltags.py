"""``Liquid::TableRow`` (``lib/liquid/htmltags.rb``): ``{% tablerow item in collection %}``.

Writes Ruby's exact rows (``<tr class="row1">\n<td class="col1">…</td>…</tr>\n``),
counting columns with ``cols`` (0 when not given: one row), slicing with ``limit`` and
``offset`` and giving ``tablerowloop`` (``length``, ``index``, ``col``, ``col0``,
``index0``, ``rindex``, ``rindex0``, ``first``, ``last``, ``col_first``, ``col_last``).
Unlike ``for`` it has no ``break``/``continue`` handling: an interrupt empties the
remaining cells and stops what follows the table. A collection that cannot be iterated
(a number, an empty text) is Ruby's ``undefined method `each'``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from composer.liquid.errors import LiquidSyntaxError
from composer.liquid.legacy.block import Block, LegacyBuffer, Node, render_all
from composer.liquid.legacy.context import Context
from composer.liquid.legacy.expression import compile_key
from composer.liquid.legacy.flow import loop_syntax, slice_collection
from composer.liquid.legacy.lexer import Markup
from composer.liquid.legacy.ruby import no_method, to_i, truthy
from composer.liquid.legacy.tags import attributes

if TYPE_CHECKING:
    from composer.liquid.legacy.parsing import Parser

__all__ = ["HTML_TAGS", "TableRow"]


class TableRow(Block):
    """``{% tablerow item in collection cols:2 limit:3 offset:1 %}…{% endtablerow %}``."""

    __slots__ = ("collection", "cols", "limit", "offset", "variable")

    def __init__(self, tag_name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        text = Markup(markup, at)
        found = loop_syntax(text)
        if found is None:
            raise LiquidSyntaxError(
                "Syntax Error in 'table_row loop' - Valid syntax: table_row [item] in "
                "[collection] cols=3",
                parser.at(index),
            )
        super().__init__(tag_name, markup, index, at, parser)
        variable, collection, start, _ = found
        self.variable = variable
        self.collection = compile_key(collection, at + start, parser)
        found_attributes = attributes(text)
        self.offset, self.limit, self.cols = (
            None
            if found_attributes.get(key) is None
            else compile_key(found_attributes[key][0], at + found_attributes[key][1], parser)
            for key in ("offset", "limit", "cols")
        )
        parser.bind(variable)
        parser.bind("tablerowloop")

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.state.step()
        collection = self.collection(ctx)
        if not truthy(collection):
            return
        first = to_i(self.offset(ctx)) if self.offset is not None else 0
        stop = first + to_i(self.limit(ctx)) if self.limit is not None else None
        if isinstance(collection, str) and collection == "":
            raise no_method("each", collection, "tablerow needs an array, a hash or a range")
        segment = slice_collection(collection, first, stop)
        length = len(segment)
        cols = to_i(self.cols(ctx) if self.cols is not None else None)
        ctx.state.loop_ahead(length)
        where = self.index
        out.write('<tr class="row1">\n', where)
        ctx.push()
        try:
            scope = ctx.scopes[-1]
            row, col = 1, 0
            for index, item in enumerate(segment):
                ctx.state.loop_step()
                scope[self.variable] = item
                scope["tablerowloop"] = {
                    "length": length,
                    "index": index + 1,
                    "col": col + 1,
                    "col0": col,
                    "index0": index,  # Ruby's literal names index0 twice: the last place wins
                    "rindex": length - index,
                    "rindex0": length - index - 1,
                    "first": index == 0,
                    "last": index == length - 1,
                    "col_first": col == 0,
                    "col_last": col == cols - 1,
                }
                col += 1
                out.write(f'<td class="col{col}">', where)
                render_all(self.nodelist, ctx, out)
                out.write("</td>", where)
                if col == cols and index != length - 1:
                    col, row = 0, row + 1
                    out.write(f'</tr>\n<tr class="row{row}">', where)
        finally:
            ctx.pop()
        out.write("</tr>\n", where)


HTML_TAGS: dict[str, type[Node]] = {"tablerow": TableRow}
"""The tags of ``htmltags.rb``."""
