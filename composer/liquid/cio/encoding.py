"""Customer.io's encoding and hashing filters, and its legacy ``escape``.

From Customer.io's "Liquid syntax list" (docs.customer.io/messaging/liquid/tag-list,
string filters), its Liquid tutorial "Encoding, hashing, and encryption schemes"
(customer.io/liquid-tutorial/encoding-hashing-and-encryption-schemes) and the "Liquid
upgrade" page (docs.customer.io/messaging/liquid/upgrade):

* ``md5``, ``sha1``, ``sha256``: the digest of the text, in lower-case hex.
* ``hmac_sha1: key``, ``hmac_sha256: key``: ``{{ 'Customer.io' | hmac_sha256: 'some_key' }}``
  → ``6dddb773…``, lower-case hex.
* ``hex_base64``: a hex digest's bytes in base64: ``… | hmac_sha256: 'some_key' |
  hex_base64`` → ``bd23cyOCFrzicxM7w/ahKoJPQd0YTQlFLwXHZZ2ufVc=``.
* ``base64`` (the tutorial: ``{{ "I love dogs." | base64 }}`` → ``SSBsb3ZlIGRvZ3Mu``),
  ``base64_encode``, ``base64_decode``, ``base64_url_safe_encode``,
  ``base64_url_safe_decode``.
* ``url_encode``/``cgi_escape`` (``{{ 'overview: account' | cgi_escape }}`` →
  ``overview%3A+account``), ``url_decode``, ``uri_escape``, ``xml_escape``.
* ``htmlencode`` (legacy; the upgrade page says latest deprecates it for ``escape``).
* ``escape`` in **legacy** percent-encodes (the upgrade page: in latest "escape" no longer
  URL-encodes, "to encode a URL, use url_encode instead"; the tutorial: escape "replaces
  special characters … with percent-encoded, URL-safe characters"). It is written here as
  Ruby's ``CGI.escape`` of the text, the same encoding as ``url_encode``: space → ``+``,
  ``A–Z a–z 0–9 _ . - ~`` kept, every other byte of the UTF-8 text → ``%XX`` (upper case).
  ``h``, 2.5.3's other name for its HTML escape, stays the HTML escape. In latest,
  ``escape`` is LiquidJS's HTML escape, untouched.

Legacy (Liquid 2.5.3) has none of these but ``escape``; latest (LiquidJS) has
``base64_encode``, ``base64_decode``, ``cgi_escape``, ``uri_escape``, ``url_encode``,
``url_decode``, ``xml_escape``, ``sha256`` and ``hmac_sha256`` already, and gains the rest.

Legacy's versions follow the Ruby each is built on: ``CGI.escape``/``CGI.unescape``
(Liquid 5's ``url_encode``/``url_decode``), ``CGI.escapeHTML`` (``htmlencode``), Jekyll's
``xml_escape`` (``encode(xml: :attr)``: ``'`` → ``&apos;``), ``Base64.strict_*64``
(Liquid 5: ``invalid base64 provided to base64_decode``) and ``urlsafe_*64``, Digest and
OpenSSL HMAC. ``uri_escape`` is written in both versions as LiquidJS writes it
(``encodeURI`` keeping ``[`` and ``]``). ``hex_base64`` refuses text that is not an even
number of hex digits (the docs only ever feed it a digest). A decoded text that is not
UTF-8 keeps U+FFFD in place of the bad bytes, as Node's ``Buffer`` does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from composer.liquid.cio.api import Call
from composer.liquid.cio.values import arg_count
from composer.liquid.escapes import percent_encoded

__all__ = ["LATEST_ENCODING_FILTERS", "LEGACY_ENCODING_FILTERS"]

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_XML = {**_HTML, "'": "&apos;"}
_HTML_RE = re.compile("[&<>\"']")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})*")
_URL_SAFE_JUNK = re.compile(r"[^A-Za-z0-9+/=_-]")
_URI_SAFE = ";,/?:@&=+$-_.!~*'()#[]"


def _text(call: Call, value: object) -> str:
    return call.to_text(value)


def _escape_form(call: Call, value: object) -> str:
    """``CGI.escape``: what legacy's ``escape``, ``url_encode`` and ``cgi_escape`` write."""
    return call.state.check_text(percent_encoded(_text(call, value), "", plus=True))


def _url_encode(call: Call, value: object) -> str | None:
    return None if call.is_nil(value) else _escape_form(call, value)


def _url_decode(call: Call, value: object) -> str | None:
    if call.is_nil(value):
        return None
    raw = unquote_to_bytes(_text(call, value).replace("+", " "))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            f"the filter '{call.name}' got text that decodes to bytes that are not UTF-8"
        ) from None


def _html(table: dict[str, str]) -> Callable[[Call, object], str]:
    def escape(call: Call, value: object) -> str:
        return _HTML_RE.sub(lambda match: table[match.group(0)], _text(call, value))

    return escape


def _uri_escape(call: Call, value: object) -> str:
    return call.state.check_text(percent_encoded(_text(call, value), _URI_SAFE))


def _encode64(url_safe: bool) -> Callable[[Call, object], str]:
    def encode(call: Call, value: object) -> str:
        raw = _text(call, value).encode("utf-8", "surrogatepass")
        out = base64.urlsafe_b64encode(raw) if url_safe else base64.b64encode(raw)
        return call.state.check_text(out.decode("ascii"))

    return encode


def _decode64(url_safe: bool) -> Callable[[Call, object], str]:
    def decode(call: Call, value: object) -> str:
        text = _text(call, value)
        if call.version == "latest":
            # Node's Buffer: characters outside the alphabet are skipped, padding optional.
            text = _URL_SAFE_JUNK.sub("", text).rstrip("=").replace("-", "+").replace("_", "/")
            text = text[: len(text) - (len(text) % 4 == 1)]
            text += "=" * (-len(text) % 4)
        elif url_safe:
            if not text.endswith("=") and len(text) % 4:
                text += "=" * (-len(text) % 4)  # Ruby's urlsafe_decode64 pads a short text
            text = text.replace("-", "+").replace("_", "/")
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"invalid base64 provided to {call.name}") from None
        return raw.decode("utf-8", errors="replace")

    return decode


def _hex_base64(call: Call, value: object) -> str:
    text = _text(call, value).strip()
    if not _HEX.fullmatch(text):
        raise ValueError(
            f"the filter '{call.name}' got text that is not hexadecimal digits in pairs; "
            "it takes a hex digest such as the output of hmac_sha256"
        )
    return base64.b64encode(bytes.fromhex(text)).decode("ascii")


def _digest(algorithm: str) -> Callable[[Call, object], str]:
    def digest(call: Call, value: object) -> str:
        return hashlib.new(
            algorithm, _text(call, value).encode("utf-8", "surrogatepass")
        ).hexdigest()

    return digest


def _hmac(algorithm: str) -> Callable[..., str]:
    def sign(call: Call, value: object, *args: object) -> str:
        arg_count(call, args, 1, 1, "one argument, the secret key")
        key = _text(call, args[0]).encode("utf-8", "surrogatepass")
        message = _text(call, value).encode("utf-8", "surrogatepass")
        return hmac.new(key, message, algorithm).hexdigest()

    return sign


_BOTH: dict[str, Callable[..., Any]] = {
    "base64": _encode64(False),
    "base64_url_safe_encode": _encode64(True),
    "base64_url_safe_decode": _decode64(True),
    "hex_base64": _hex_base64,
    "md5": _digest("md5"),
    "sha1": _digest("sha1"),
    "hmac_sha1": _hmac("sha1"),
}

LEGACY_ENCODING_FILTERS: dict[str, Callable[..., Any]] = {
    **_BOTH,
    "escape": _escape_form,
    "url_encode": _url_encode,
    "cgi_escape": _escape_form,
    "url_decode": _url_decode,
    "uri_escape": _uri_escape,
    "xml_escape": _html(_XML),
    "htmlencode": _html(_HTML),
    "base64_encode": _encode64(False),
    "base64_decode": _decode64(False),
    "sha256": _digest("sha256"),
    "hmac_sha256": _hmac("sha256"),
}
"""The encoding filters Customer.io adds to (or changes in) legacy."""

LATEST_ENCODING_FILTERS: dict[str, Callable[..., Any]] = dict(_BOTH)
"""The encoding filters Customer.io adds to latest (LiquidJS has the others)."""
