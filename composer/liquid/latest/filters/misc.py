"""The other filters: ``src/filters/misc.ts`` (``default``, ``json``, ``jsonify``,
``inspect``, ``to_integer``, ``raw``), ``base64.ts`` and ``crypto.ts``.

* ``default: fallback, allow_false: true``: the fallback for nil, false and an empty
  string or array (``0`` and ``{}`` are kept); with ``allow_false`` a ``false`` stays.
  Its further arguments are read as a JavaScript ``Map``'s entries, so a plain value
  there fails (``Iterator value 2 is not an entry object``) when the value is false.
* ``json: indent`` (and ``jsonify``, ``inspect``): ``JSON.stringify`` (see
  :mod:`~composer.liquid.latest.jsjson`); an undefined value (a missing variable)
  writes nothing, not ``null``, and a ``json_missing`` warning says so.
* ``to_integer``: JavaScript's ``Number(value)`` (``NaN`` for text that is no number).
* ``base64_encode`` / ``base64_decode``: UTF-8 text (``invalid base64 provided to
  base64_decode`` for text that is not base64; bytes that are not UTF-8 become U+FFFD).
* ``sha256``, ``hmac_sha256: key``: hexadecimal digests of the UTF-8 text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from composer.liquid.latest.jsjson import json_stringify
from composer.liquid.latest.jsstring import JsError, to_utf8
from composer.liquid.latest.jsvalues import (
    UNDEFINED,
    Drop,
    is_array,
    is_falsy,
    js_number,
    js_string,
    js_truthy,
    own_property,
    same_value_key,
    stringify,
    to_value,
)
from composer.liquid.state import Notice

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context

__all__ = ["MISC_FILTERS"]

_BASE64_SPACE = re.compile(r"[\t\n\f\r ]")
_BASE64_BODY = re.compile(r"[A-Za-z0-9+/]*")


def _entry(value: object) -> tuple[object, object]:
    """A JavaScript ``Map`` entry read from ``value`` (its ``0`` and ``1`` properties)."""
    if is_array(value):
        items: Any = value
        return (items[0] if items else UNDEFINED, items[1] if len(items) > 1 else UNDEFINED)
    if isinstance(value, Mapping):
        return own_property(value, "0"), own_property(value, "1")
    if isinstance(value, Drop):
        return UNDEFINED, UNDEFINED
    raise JsError(
        "TypeError",
        f"Iterator value {js_string(value)} is not an entry object",
        f"takes its fallback and then only options such as allow_false: true, not "
        f"{js_string(value)!r} (LiquidJS: Iterator value {js_string(value)} is not an entry "
        "object)",
    )


def default(ctx: Context, value: object, fallback: object = UNDEFINED, *options: object) -> object:
    """``default: fallback, allow_false: true``."""
    value = to_value(value)
    if type(value) is str or is_array(value):
        return value if len(value) else fallback  # type: ignore[arg-type]
    if value is False:
        entries: dict[object, object] = {}
        for option in options:
            key, found = _entry(option)
            entries[same_value_key(key)] = found
        if js_truthy(entries.get(same_value_key("allow_false"), UNDEFINED)):
            return False
    return fallback if is_falsy(value) else value


def json(ctx: Context, value: object, space: object = UNDEFINED) -> object:
    """``json: indent`` (``JSON.stringify``); nothing at all for a missing value.

    The warning is left out when a ``default`` later in the chain fills the gap
    (``{{ x | json | default: "null" }}``).
    """
    if value is UNDEFINED and not ctx.fallback_after:
        ctx.state.notice(
            Notice(
                "warning",
                ctx.filter_index,
                f"the filter '{ctx.filter_name}' got a missing value, and LiquidJS writes "
                "nothing for it (not null), which leaves a gap in JSON; give it a fallback, "
                'such as | default: "" before it or | default: "null" after it',
                "json_missing",
                ctx.filter_name,
            )
        )
    return json_stringify(value, 0 if space is UNDEFINED else space)


def to_integer(ctx: Context, value: object) -> float:
    """``to_integer``: ``Number(value)``."""
    return js_number(value)


def raw(ctx: Context, value: object) -> object:
    """``raw``: the value as it is."""
    return value


def base64_encode(ctx: Context, value: object) -> str:
    """``base64_encode`` of the UTF-8 text."""
    return base64.b64encode(to_utf8(stringify(value))).decode("ascii")


def _is_base64(text: str) -> bool:
    text = _BASE64_SPACE.sub("", text)
    if len(text) % 4 == 0:
        if text.endswith("=="):
            text = text[:-2]
        elif text.endswith("="):
            text = text[:-1]
    return len(text) % 4 != 1 and _BASE64_BODY.fullmatch(text) is not None


def base64_decode(ctx: Context, value: object) -> str:
    """``base64_decode`` to UTF-8 text."""
    text = stringify(value)
    if not _is_base64(text):
        raise JsError(
            "AssertionError",
            "invalid base64 provided to base64_decode",
            f"got {text[:40]!r}, which is not base64",
        )
    body = _BASE64_SPACE.sub("", text).rstrip("=")
    data = base64.b64decode(body + "=" * (-len(body) % 4))
    return data.decode("utf-8", "replace")


def sha256(ctx: Context, value: object) -> str:
    """``sha256``: the hexadecimal digest."""
    return hashlib.sha256(to_utf8(stringify(value))).hexdigest()


def hmac_sha256(ctx: Context, value: object, key: object = UNDEFINED) -> str:
    """``hmac_sha256: key``: the hexadecimal HMAC."""
    secret = to_utf8(stringify(key))
    return hmac.new(secret, to_utf8(stringify(value)), hashlib.sha256).hexdigest()


MISC_FILTERS: dict[str, Any] = {
    "default": default,
    "raw": raw,
    "jsonify": json,
    "to_integer": to_integer,
    "json": json,
    "inspect": json,
    "base64_encode": base64_encode,
    "base64_decode": base64_decode,
    "sha256": sha256,
    "hmac_sha256": hmac_sha256,
}
"""These filters by name."""
