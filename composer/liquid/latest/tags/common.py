"""What LiquidJS's tags share: hash arguments (``src/template/hash.ts``) and checks.

:class:`Hash` reads ``name: value`` arguments (``limit: 2``, ``reversed``); a name
without a value is ``true``. :func:`assert_empty` is LiquidJS's ``assertEmpty``: the
markup after ``else`` or ``endif`` must be empty (``unexpected "junk"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from composer.liquid.latest.jsjson import quote_json
from composer.liquid.latest.parser import Parser, TagError, where
from composer.liquid.latest.tokenizer import Tokenizer
from composer.liquid.latest.tokens import TagToken

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context
    from composer.liquid.latest.expression import Evaluator

__all__ = ["Hash", "assert_empty", "note_args", "note_extra"]


class Hash:
    """A tag's ``name: value`` arguments, compiled."""

    __slots__ = ("items",)

    def __init__(self, tokenizer: Tokenizer, parser: Parser, separator: str = ":") -> None:
        self.items: dict[str, Evaluator | None] = {}
        """Each name and its value's evaluator (None: written without a value)."""
        for token in tokenizer.read_hashes(separator):
            self.items[token.name] = None if token.value is None else parser.value(token.value)

    def render(self, ctx: Context) -> dict[str, Any]:
        """Each name and its value (``true`` for a bare name)."""
        return {name: True if value is None else value(ctx) for name, value in self.items.items()}


def assert_empty(token: TagToken) -> None:
    """LiquidJS's ``assertEmpty(tag.args)``: ``unexpected "…"`` unless nothing follows."""
    args = token.args
    if args:
        raise TagError(f"unexpected {quote_json(args)}")


def note_args(parser: Parser, token: TagToken) -> None:
    """Note markup after a tag that takes none (``{% else junk %}`` in ``case``)."""
    if token.args.strip():
        parser.lax(
            token.begin,
            f"LiquidJS ignores `{token.args.strip()}` after '{token.name}' at "
            f"{where(parser.source, token.begin)}",
        )


def note_extra(parser: Parser, token: TagToken, tokenizer: Tokenizer, what: str) -> None:
    """Note markup a tag leaves unread (LiquidJS ignores it without a word)."""
    tokenizer.skip_blank()
    if not tokenizer.end():
        text = tokenizer.input[tokenizer.p : tokenizer.N].strip()
        parser.lax(
            tokenizer.p,
            f"LiquidJS ignores `{text}` after {what} in the '{token.name}' tag at "
            f"{where(parser.source, token.begin)}",
        )
