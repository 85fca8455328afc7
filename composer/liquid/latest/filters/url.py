"""URL filters (``src/filters/url.ts``): ``url_decode``, ``url_encode``, ``cgi_escape``,
``uri_escape``, ``slugify``.

``url_encode`` is ``encodeURIComponent`` with spaces as ``+``; ``cgi_escape`` also
escapes ``! ' ( ) *``; ``uri_escape`` is ``encodeURI`` keeping ``[`` and ``]``;
``url_decode`` turns ``+`` into spaces and decodes each run of ``%XX`` as UTF-8
(``URIError: URI malformed`` when it is not, which stops the render as in LiquidJS).
``slugify`` replaces each run of characters outside its mode's set with ``-``: by
default anything but letters, marks and decimal digits (Unicode categories L, M, Nd).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from composer.liquid.latest.jsstring import (
    JS_SPACE_CLASS,
    decode_uri_component,
    encode_uri,
    encode_uri_component,
    js_lower,
)
from composer.liquid.latest.jsvalues import UNDEFINED, js_truthy, property_key, stringify

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context

__all__ = ["URL_FILTERS"]

_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_CGI_EXTRA = re.compile(r"[!'()*]")
_SPACE_RUN = re.compile(f"[{JS_SPACE_CLASS}]+")
_ASCII_RUN = re.compile(r"[^A-Za-z0-9]+")
_PRETTY_EXTRA = frozenset("._~!$&'()+,;=@")
_ACCENTS = [
    ("àáâãäå", "a"),
    ("æ", "ae"),
    ("ç", "c"),
    ("èéêë", "e"),
    ("ìíîï", "i"),
    ("ð", "d"),
    ("ñ", "n"),
    ("òóôõöø", "o"),
    ("ùúûü", "u"),
    ("ýÿ", "y"),
    ("ß", "ss"),
    ("œ", "oe"),
    ("þ", "th"),
    ("ẞ", "SS"),
    ("Œ", "OE"),
    ("Þ", "TH"),
]
_MODES = ("raw", "default", "pretty", "ascii", "latin", "none")


def url_decode(ctx: Context, value: object) -> str:
    """``url_decode``."""
    text = stringify(value).replace("+", " ")
    return _PERCENT_RUN.sub(lambda match: decode_uri_component(match.group()), text)


def url_encode(ctx: Context, value: object) -> str:
    """``url_encode``."""
    return encode_uri_component(stringify(value)).replace("%20", "+")


def cgi_escape(ctx: Context, value: object) -> str:
    """``cgi_escape``."""
    encoded = encode_uri_component(stringify(value)).replace("%20", "+")
    return _CGI_EXTRA.sub(lambda match: f"%{ord(match.group()):X}", encoded)


def uri_escape(ctx: Context, value: object) -> str:
    """``uri_escape``."""
    return encode_uri(stringify(value)).replace("%5B", "[").replace("%5D", "]")


def _kept(char: str, extra: frozenset[str]) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd" or char in extra


def _replace_runs(text: str, extra: frozenset[str]) -> str:
    out: list[str] = []
    in_run = False
    for char in text:
        if _kept(char, extra):
            out.append(char)
            in_run = False
        elif not in_run:
            out.append("-")
            in_run = True
    return "".join(out)


def _remove_accents(text: str) -> str:
    for accented, plain in _ACCENTS:
        for char in accented:
            text = text.replace(char, plain)
    return text


def slugify(
    ctx: Context, value: object, mode: object = UNDEFINED, cased: object = UNDEFINED
) -> str:
    """``slugify: mode, cased`` (modes: raw, default, pretty, ascii, latin, none)."""
    text = stringify(value)
    name = "default" if mode is UNDEFINED else property_key(mode)
    if name in _MODES and name != "none":
        if name == "latin":
            text = _remove_accents(text)
        if name == "raw":
            text = _SPACE_RUN.sub("-", text)
        elif name == "ascii":
            text = _ASCII_RUN.sub("-", text)
        else:
            text = _replace_runs(text, _PRETTY_EXTRA if name == "pretty" else frozenset())
        if text.startswith("-"):
            text = text[1:]
        if text.endswith("-"):
            text = text[:-1]
    return text if js_truthy(cased) else js_lower(text)


URL_FILTERS: dict[str, Any] = {
    "url_decode": url_decode,
    "url_encode": url_encode,
    "cgi_escape": cgi_escape,
    "uri_escape": uri_escape,
    "slugify": slugify,
}
"""These filters by name."""
