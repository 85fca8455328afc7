"""JavaScript's strings in Python: UTF-16 lengths, white space, case, URI coding.

A JavaScript string is a sequence of UTF-16 code units; a Python ``str`` is one of code
points. They agree until a character lies outside the Basic Multilingual Plane (an
emoji), which JavaScript counts as two units. LiquidJS mixes both views (``size`` and
``first`` see units, ``slice`` and ``truncate`` see code points), so each filter here
asks for the one LiquidJS uses. A unit cut out of a pair is a lone surrogate, kept as
such in the ``str`` (what JavaScript holds); the engine writes U+FFFD for it, as Node
does when it encodes the text as UTF-8.

Follows ECMA-262 for ``String.prototype.trim`` (white space and line terminators),
``toUpperCase``/``toLowerCase`` (Python's full case mappings are the same Unicode
rules), ``encodeURIComponent``, ``encodeURI`` and ``decodeURIComponent`` (``URIError:
URI malformed`` for text that is not UTF-8 or holds a lone surrogate), and the
relational comparison of two strings (by UTF-16 code units).
"""

from __future__ import annotations

import re

from composer.liquid.escapes import percent_encoded
from composer.liquid.latest.jsnumber import JS_SPACE

__all__ = [
    "JS_SPACE",
    "JS_SPACE_CLASS",
    "JsError",
    "decode_uri_component",
    "encode_uri",
    "encode_uri_component",
    "has_astral",
    "js_lower",
    "js_upper",
    "string_less",
    "to_utf8",
    "units",
    "utf16_at",
    "utf16_len",
    "well_formed",
]

JS_SPACE_CLASS = (
    "\\t\\n\\v\\f\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
"""The characters of JavaScript's ``\\s``, for a regular expression's character class."""
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_URI_COMPONENT_SAFE = "-_.!~*'()"
_URI_SAFE = _URI_COMPONENT_SAFE + ";,/?:@&=+$#"


class JsError(Exception):
    """A JavaScript exception: ``TypeError``, ``RangeError``, ``URIError`` or LiquidJS's own.

    The engine turns it into a render error at the tag or output being rendered, as
    LiquidJS wraps it in a ``RenderError``.
    """

    def __init__(self, name: str, message: str, explanation: str = "") -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        """The JavaScript error's class name."""
        self.message = message
        """Its message, as JavaScript writes it."""
        self.explanation = explanation
        """What went wrong, for the author, following the filter's name
        (``takes exactly one argument …``); empty when the message says it."""


def has_astral(text: str) -> bool:
    """Whether ``text`` holds a character JavaScript counts as two code units."""
    return not text.isascii() and _ASTRAL.search(text) is not None


def utf16_len(text: str) -> int:
    """``text.length`` in JavaScript: the number of UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))


def units(text: str) -> list[str]:
    """The UTF-16 code units of ``text``, each as a one-character string."""
    if not has_astral(text):
        return list(text)
    found: list[str] = []
    for char in text:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            found.append(chr(0xD800 + (code >> 10)))
            found.append(chr(0xDC00 + (code & 0x3FF)))
        else:
            found.append(char)
    return found


def utf16_at(text: str, index: int) -> str | None:
    """``text[index]`` in JavaScript (one code unit), or None past the end."""
    if not has_astral(text):
        return text[index] if 0 <= index < len(text) else None
    found = units(text)
    return found[index] if 0 <= index < len(found) else None


def well_formed(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (as UTF-8 encoders do)."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return joined


def to_utf8(text: str) -> bytes:
    """The UTF-8 bytes Node writes for ``text`` (a lone surrogate as U+FFFD)."""
    return well_formed(text).encode("utf-8")


def js_upper(text: str) -> str:
    """``String.prototype.toUpperCase``."""
    return text.upper()


def js_lower(text: str) -> str:
    """``String.prototype.toLowerCase``."""
    return text.lower()


def string_less(left: str, right: str) -> bool:
    """``left < right`` for two JavaScript strings (UTF-16 code unit order)."""
    if has_astral(left) or has_astral(right):
        return left.encode("utf-16-be", "surrogatepass") < right.encode(
            "utf-16-be", "surrogatepass"
        )
    return left < right


def _encode(text: str, safe: str) -> str:
    if not text.isascii() and _SURROGATE.search(text) is not None:
        joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        if _SURROGATE.search(joined) is not None:
            raise JsError("URIError", "URI malformed", "got text with a lone surrogate")
        text = joined
    return percent_encoded(text, safe)


def encode_uri_component(text: str) -> str:
    """``encodeURIComponent``: all but ``A-Z a-z 0-9 - _ . ! ~ * ' ( )`` percent-encoded."""
    return _encode(text, _URI_COMPONENT_SAFE)


def encode_uri(text: str) -> str:
    """``encodeURI``: like :func:`encode_uri_component`, keeping ``;,/?:@&=+$#``."""
    return _encode(text, _URI_SAFE)


def decode_uri_component(escapes: str) -> str:
    """``decodeURIComponent`` of a run of ``%XX`` escapes (``URIError`` when not UTF-8)."""
    data = bytes(int(escapes[i + 1 : i + 3], 16) for i in range(0, len(escapes), 3))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise JsError(
            "URIError",
            "URI malformed",
            f"got {escapes!r}, which is not UTF-8 in %-escapes (JavaScript: URI malformed)",
        ) from None
