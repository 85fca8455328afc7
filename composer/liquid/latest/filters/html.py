"""HTML filters (``src/filters/html.ts``): ``escape``, ``xml_escape``, ``escape_once``,
``newline_to_br``, ``strip_html``.

``escape`` writes ``&amp; &lt; &gt; &#34; &#39;``; ``escape_once`` leaves an existing
entity (``&amp;``, ``&#39;``) alone; ``strip_html`` removes ``<script>``, ``<style>``
and comment blocks whole, then every ``<…>``, scanning forward only, as LiquidJS does.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from composer.liquid.latest.jsvalues import stringify

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context

__all__ = ["HTML_FILTERS"]

_ESCAPE = re.compile(r"[&<>\"']")
_ESCAPE_ONCE = re.compile(r"&(?!(?:[a-zA-Z]+|#[0-9]+);)|[<>\"']")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
_NEWLINE = re.compile(r"\r?\n")


def _entity(match: re.Match[str]) -> str:
    return _ENTITIES[match.group()]


def escape(ctx: Context, value: object) -> str:
    """``escape``: HTML-escape the text."""
    return _ESCAPE.sub(_entity, stringify(value))


def escape_once(ctx: Context, value: object) -> str:
    """``escape_once``: HTML-escape, keeping entities already there."""
    return _ESCAPE_ONCE.sub(_entity, stringify(value))


def newline_to_br(ctx: Context, value: object) -> str:
    """``newline_to_br``: ``<br />`` before each newline (``\\r\\n`` becomes ``<br />\\n``)."""
    return _NEWLINE.sub("<br />\n", stringify(value))


def strip_html(ctx: Context, value: object) -> str:
    """``strip_html``: remove tags, and script, style and comment blocks whole."""
    text = stringify(value)
    blocks = {"<script": "</script>", "<style": "</style>", "<!--": "-->", "<": ">"}
    out: list[str] = []
    i = 0
    while i < len(text):
        less = text.find("<", i)
        if less < 0:
            return "".join(out) + text[i:]
        out.append(text[i:less])
        for opener in list(blocks):
            if not text.startswith(opener, less):
                continue
            closer = blocks[opener]
            end = text.find(closer, less + len(opener))
            if end >= 0:
                i = end + len(closer)
                break
            del blocks[opener]
        if i <= less:
            return "".join(out) + text[less:]
    return "".join(out)


HTML_FILTERS: dict[str, Any] = {
    "escape": escape,
    "xml_escape": escape,
    "escape_once": escape_once,
    "newline_to_br": newline_to_br,
    "strip_html": strip_html,
}
"""These filters by name."""
