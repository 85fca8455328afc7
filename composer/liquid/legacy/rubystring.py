"""Ruby's ``String`` methods that 2.5.3's filters call, with Ruby's answers.

* ``gsub``/``sub`` with a string pattern: the replacement's backslash escapes (``\\0``
  and ``\\&`` the match, ``\\1``…``\\9`` empty, ``\\``` and ``\\'`` the text before and
  after, ``\\\\`` one backslash), a hash as the replacement, and Ruby's ``TypeError`` for
  a pattern or replacement that is not a string. The result's size is known before it
  is built, so a runaway ``replace`` stops at the output limit instead of filling memory.
* ``split``: ``" "`` (and nil) splits on runs of ASCII white space, ``""`` into
  characters; trailing empty strings are dropped.
* ``downcase``/``upcase``/``capitalize``: full Unicode case mapping, without Python's
  final-sigma rule (Ruby's ``"ΣΑΣ".downcase`` is ``σασ``).
* ``strip_html``'s three lazy regular expressions, in one pass each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from composer.liquid.errors import RenderLimitError
from composer.liquid.legacy.lexer import Finder
from composer.liquid.legacy.ruby import RubyError, conversion_name, no_conversion, to_s
from composer.liquid.state import OUTPUT_LIMIT

__all__ = [
    "capitalize",
    "downcase",
    "escape_html",
    "gsub",
    "split",
    "strip_html",
    "upcase",
]

_AWK_SPACE = re.compile(r"[ \t\n\v\f\r]+")
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def downcase(text: str) -> str:
    """``String#downcase``."""
    if "Σ" in text:  # Ruby has no final-sigma rule
        return "".join(ch.lower() for ch in text)
    return text.lower()


def upcase(text: str) -> str:
    """``String#upcase``."""
    return text.upper()


def capitalize(text: str) -> str:
    """``String#capitalize``: the first character in title case, the rest lower case."""
    return text[:1].title() + downcase(text[1:])


def escape_html(text: str) -> str:
    """``CGI.escapeHTML``."""
    return text.translate(_HTML_ESCAPES)


def _check_size(size: int) -> None:
    if size > OUTPUT_LIMIT:
        raise RenderLimitError(
            f"a value is larger than {OUTPUT_LIMIT // (1024 * 1024)} MiB of text"
        )


def _pattern(pattern: object, filter_name: str) -> str:
    if isinstance(pattern, str):
        return pattern
    shown = "nil" if pattern is None else conversion_name(pattern)
    raise RubyError(
        "TypeError",
        f"wrong argument type {shown} (expected Regexp)",
        f"the filter '{filter_name}' needs text to look for, not {to_s(pattern)[:40] or shown}",
    )


def gsub(
    text: str, pattern: object, replacement: object, *, first_only: bool, filter_name: str
) -> str:
    """``text.gsub(pattern, replacement)`` (``sub`` when ``first_only``)."""
    table = replacement if isinstance(replacement, Mapping) else None
    if table is None and not isinstance(replacement, str):
        raise no_conversion(
            replacement,
            "String",
            f"the filter '{filter_name}' needs text to put in, not {to_s(replacement)[:40]}",
        )
    needle = _pattern(pattern, filter_name)
    if table is None and "\\" not in replacement:  # type: ignore[operator]
        assert isinstance(replacement, str)
        if first_only:
            return text.replace(needle, replacement, 1)
        count = text.count(needle) if needle else len(text) + 1
        _check_size(len(text) + count * (len(replacement) - len(needle)))
        return text.replace(needle, replacement)
    pieces: list[str] = []
    size = 0
    pos = 0
    while pos <= len(text):
        at = text.find(needle, pos)
        if at < 0:
            break
        end = at + len(needle)
        if table is not None:
            try:
                piece = to_s(table[needle])
            except (KeyError, TypeError):
                piece = ""
        else:
            piece = _expand(replacement, text, at, end)  # type: ignore[arg-type]
        pieces.append(text[pos:at])
        pieces.append(piece)
        size += at - pos + len(piece)
        _check_size(size)
        if not needle:  # an empty match: keep the next character and move on
            if at < len(text):
                pieces.append(text[at])
                size += 1
            pos = at + 1
        else:
            pos = end
        if first_only:
            break
    pieces.append(text[pos:])
    return "".join(pieces)


def _expand(replacement: str, text: str, start: int, end: int) -> str:
    """Ruby's ``rb_reg_regsub`` for a match of a plain string (no groups)."""
    out: list[str] = []
    i = 0
    size = len(replacement)
    while i < size:
        slash = replacement.find("\\", i)
        if slash < 0 or slash == size - 1:
            out.append(replacement[i:])
            break
        out.append(replacement[i:slash])
        code = replacement[slash + 1]
        if code in "0&":
            out.append(text[start:end])
        elif code.isdigit() and code.isascii():
            pass  # a group the string pattern does not have: empty
        elif code == "`":
            out.append(text[:start])
        elif code == "'":
            out.append(text[end:])
        elif code == "\\":
            out.append("\\")
        elif code == "k" and replacement.startswith("<", slash + 2):
            close = replacement.find(">", slash + 3)
            if close > slash + 3:
                name = replacement[slash + 3 : close]
                raise RubyError(
                    "IndexError",
                    f"undefined group name reference: {name}",
                    f"the replacement names a group, `\\k<{name}>`, that plain text has not",
                )
            out.append(replacement[slash : slash + 2])
        else:
            out.append(replacement[slash : slash + 2])
        i = slash + 2
    return "".join(out)


def awk_split(text: str) -> list[str]:
    """``split(" ")``: the words between runs of ASCII white space."""
    return [word for word in _AWK_SPACE.split(text) if word]


def split(text: str, pattern: object) -> list[str]:
    """``String#split(pattern)`` with a string (or nil) pattern."""
    if pattern is None or pattern == " ":
        return awk_split(text)
    needle = _pattern(pattern, "split")
    if not needle:
        return list(text)
    parts = text.split(needle)
    while parts and not parts[-1]:
        parts.pop()
    return parts


def _remove_lazy(text: str, opener: str, closer: str) -> str:
    """``gsub(/opener.*?closer/, '')``: ``.`` stops at a newline."""
    find = text.find
    next_close = Finder(text, closer)
    next_newline = Finder(text, "\n")
    pieces: list[str] = []
    pos = 0
    search = 0
    while True:
        at = find(opener, search)
        if at < 0:
            break
        close = next_close(at + len(opener))
        newline = next_newline(at + len(opener))
        if close < 0:
            break  # no closer after this opener: none after a later one either
        if newline < 0 or close < newline:
            pieces.append(text[pos:at])
            pos = search = close + len(closer)
        else:
            search = newline + 1  # every opener before the newline meets it first
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


def strip_html(text: str) -> str:
    """``strip_html``: remove ``<script…</script>``, ``<!--…-->``, then every ``<…>``."""
    if "<" not in text:
        return text
    text = _remove_lazy(text, "<script", "</script>")
    text = _remove_lazy(text, "<!--", "-->")
    return _remove_lazy(text, "<", ">")
