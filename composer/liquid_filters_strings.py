"""Ruby Liquid's string filters, following ``Liquid::StandardFilters`` line by line.

Part of :mod:`composer.liquid_filters` (which registers these). Values become text
through :func:`composer.rubyfmt.ruby_to_s`, so the quirks come along: ``replace`` obeys
``gsub``'s backslash rules (``\\\\`` in the replacement writes one backslash, ``\\0`` the
match, ``\\1`` nothing since a string pattern has no groups); ``split`` drops trailing
empty strings and splits on runs of Ruby's white space for ``" "``; ``strip`` removes
Ruby's white space and NUL; ``truncatewords`` gives back the input untouched when it is
short enough; ``escape`` writes ``&#39;``; ``url_decode`` refuses bytes that are not UTF-8.
Python's own behaviour is used only where it is provably the same (``str.capitalize``,
``urllib.parse.quote_plus``).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus, unquote_to_bytes

from composer.liquid_filters_arrays import is_nil
from composer.rubyfmt import RUBY_SPACE, ruby_to_s, to_integer

__all__ = ["STRING_FILTERS"]

_STRIP = RUBY_SPACE + "\0"
_HTML_ESCAPE = {"&": "&amp;", ">": "&gt;", "<": "&lt;", '"': "&quot;", "'": "&#39;"}
_ESCAPE = re.compile(r"[&><\"']")
_ESCAPE_ONCE = re.compile(r"[\"><']|&(?!(?:[a-zA-Z]+|#[0-9]+);)")
_STRIP_HTML_BLOCKS = re.compile(r"<script.*?</script>|<!--.*?-->|<style.*?</style>", re.S)
_STRIP_HTML_TAGS = re.compile(r"<.*?>", re.S)
_NEWLINE = re.compile(r"\r?\n")
_AWK_SPACE = re.compile(f"[{RUBY_SPACE}]+")
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _escape(value: object) -> str | None:
    if is_nil(value):
        return None
    return _ESCAPE.sub(lambda m: _HTML_ESCAPE[m.group(0)], ruby_to_s(value))


def _escape_once(value: object) -> str:
    return _ESCAPE_ONCE.sub(lambda m: _HTML_ESCAPE[m.group(0)], ruby_to_s(value))


def _url_encode(value: object) -> str | None:
    if is_nil(value):
        return None
    text = ruby_to_s(value)
    if _UNRESERVED.fullmatch(text):
        return text  # what quote_plus leaves as it is, without its encoding round trip
    return quote_plus(text, safe="")


def _url_decode(value: object) -> str | None:
    if is_nil(value):
        return None
    raw = unquote_to_bytes(ruby_to_s(value).replace("+", " "))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("invalid byte sequence in UTF-8") from None


def _b64_decode(text: str, name: str, url_safe: bool) -> str:
    if url_safe:
        if not text.endswith("=") and len(text) % 4:
            text += "=" * (-len(text) % 4)
        text = text.replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"invalid base64 provided to {name}") from None
    return raw.decode("utf-8", errors="replace")


def _expand(replacement: str, text: str, start: int, end: int) -> str:
    """A ``gsub`` replacement string with its backslash sequences applied."""
    out: list[str] = []
    i = 0
    while i < len(replacement):
        ch = replacement[i]
        nxt = replacement[i + 1 : i + 2]
        if ch != "\\" or not nxt:
            out.append(ch)
            i += 1
            continue
        if nxt in "0&":
            out.append(text[start:end])
        elif nxt == "`":
            out.append(text[:start])
        elif nxt == "'":
            out.append(text[end:])
        elif nxt == "\\":
            out.append("\\")
        elif not (nxt.isdigit() or nxt == "+"):  # \1..\9 and \+ name groups there are none of
            out.append(ch + nxt)
        i += 2
    return "".join(out)


def _gsub(value: object, pattern: object, replacement: object, limit: int | None) -> str:
    """``String#gsub``/``sub`` with a string pattern."""
    text, find, repl = ruby_to_s(value), ruby_to_s(pattern), ruby_to_s(replacement)
    pieces: list[str] = []
    pos = search = count = 0
    while limit is None or count < limit:
        at = text.find(find, search)
        if at < 0:
            break
        pieces.append(text[pos:at])
        pieces.append(_expand(repl, text, at, at + len(find)) if "\\" in repl else repl)
        pos = search = at + len(find)
        count += 1
        if not find:
            if at >= len(text):
                break
            pieces.append(text[at])
            pos = search = at + 1
    pieces.append(text[pos:])
    return "".join(pieces)


def _replace_last(value: object, pattern: object, replacement: object) -> str:
    text, find = ruby_to_s(value), ruby_to_s(pattern)
    at = text.rfind(find)
    if at < 0:
        return text
    return text[:at] + ruby_to_s(replacement) + text[at + len(find) :]


def _slice(value: object, offset: object, length: object = None) -> object:
    start = to_integer(offset)
    count = 1 if is_nil(length) or length is False else to_integer(length)
    seq: Any = list(value) if isinstance(value, list | tuple) else ruby_to_s(value)
    if start < 0:
        start += len(seq)
    if start < 0 or start > len(seq) or count < 0:
        return [] if isinstance(seq, list) else ""
    return seq[start : start + count]


def _truncate(value: object, length: object = 50, ellipsis: object = "...") -> str | None:
    if is_nil(value):
        return None
    text, size, end = ruby_to_s(value), to_integer(length), ruby_to_s(ellipsis)
    keep = max(size - len(end), 0)
    return text[:keep] + end if len(text) > size else text


def _truncatewords(value: object, words: object = 15, ellipsis: object = "...") -> str | None:
    if is_nil(value):
        return None
    text = ruby_to_s(value)
    count = max(to_integer(words), 1)
    wordlist = _AWK_SPACE.split(text.lstrip(RUBY_SPACE), maxsplit=count) if text else []
    if len(wordlist) <= count:
        return text
    return " ".join(wordlist[:count]) + ruby_to_s(ellipsis)


def _split(value: object, pattern: object) -> list[str]:
    text, sep = ruby_to_s(value), ruby_to_s(pattern)
    if sep == " ":
        parts = _AWK_SPACE.split(text.lstrip(RUBY_SPACE))
    elif sep == "":
        parts = list(text)
    else:
        parts = text.split(sep)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def _strip_html(value: object) -> str:
    return _STRIP_HTML_TAGS.sub("", _STRIP_HTML_BLOCKS.sub("", ruby_to_s(value)))


STRING_FILTERS: dict[str, Callable[..., Any]] = {
    "append": lambda v, s: ruby_to_s(v) + ruby_to_s(s),
    "base64_decode": lambda v: _b64_decode(ruby_to_s(v), "base64_decode", False),
    "base64_encode": lambda v: base64.b64encode(ruby_to_s(v).encode()).decode(),
    "base64_url_safe_decode": lambda v: _b64_decode(ruby_to_s(v), "base64_url_safe_decode", True),
    "base64_url_safe_encode": lambda v: base64.urlsafe_b64encode(ruby_to_s(v).encode()).decode(),
    "capitalize": lambda v: ruby_to_s(v).capitalize(),
    "downcase": lambda v: ruby_to_s(v).lower(),
    "escape": _escape,
    "escape_once": _escape_once,
    "h": _escape,
    "lstrip": lambda v: ruby_to_s(v).lstrip(_STRIP),
    "newline_to_br": lambda v: _NEWLINE.sub("<br />\n", ruby_to_s(v)),
    "prepend": lambda v, s: ruby_to_s(s) + ruby_to_s(v),
    "remove": lambda v, s: _gsub(v, s, "", None),
    "remove_first": lambda v, s: _gsub(v, s, "", 1),
    "remove_last": lambda v, s: _replace_last(v, s, ""),
    "replace": lambda v, s, r="": _gsub(v, s, r, None),
    "replace_first": lambda v, s, r="": _gsub(v, s, r, 1),
    "replace_last": _replace_last,
    "rstrip": lambda v: ruby_to_s(v).rstrip(_STRIP),
    "slice": _slice,
    "split": _split,
    "strip": lambda v: ruby_to_s(v).strip(_STRIP),
    "strip_html": _strip_html,
    "strip_newlines": lambda v: _NEWLINE.sub("", ruby_to_s(v)),
    "truncate": _truncate,
    "truncatewords": _truncatewords,
    "upcase": lambda v: ruby_to_s(v).upper(),
    "url_decode": _url_decode,
    "url_encode": _url_encode,
}
"""The string filters by name, unwrapped (:mod:`composer.liquid_filters` registers them)."""
