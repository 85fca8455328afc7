"""Liquid's standard filters as Shopify's Ruby Liquid 5 runs them, plus Customer.io's.

Each function follows the Ruby source of ``Liquid::StandardFilters`` line by line, so
the quirks come along: ``InputIterator`` flattens arrays and wraps a hash or a scalar in
a one-item array; ``item[property]`` on a string is a substring test; ``replace`` obeys
``gsub``'s backslash rules (``\\\\`` in the replacement writes one backslash, ``\\0`` the
match); ``split`` drops trailing empty strings; ``truncatewords`` gives back the input
untouched when it is short enough; ``sort`` raises on values Ruby cannot compare; numbers
go through :func:`composer.rubyfmt.to_number`. Python's own behaviour is used only where
it is provably the same (``str.capitalize``, ``urllib.parse.quote_plus``).

``date`` follows ``Utils.to_date``: ``'now'``/``'today'``, integers and digit strings as
Unix timestamps, other strings through ``Time.parse`` (here dateutil, with Ruby's zone
abbreviations), anything else back unchanged; the render's zone plays Ruby's local zone
and :func:`composer.rubyfmt.ruby_strftime` formats.

Ruby's ``sort`` is not stable and Python's is, so items that compare equal may come out
in another order than in Ruby; nothing else is knowingly different. ``reject``, ``has``,
``find`` and ``find_index`` (Liquid 5.7 and later) stay python-liquid's own.

Customer.io's additions: ``json`` (alias ``to_json``), ``sha256``, ``sha1``, ``md5``,
``hmac_sha256``, ``hmac_sha1``. python-liquid's extras that Ruby Liquid lacks
(``escapejs``, ``safe``, ``squish``) are removed so that a template that previews here
cannot fail in Customer.io for an unknown filter.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import hmac
import math
import re
import warnings
from collections.abc import Callable, Mapping
from decimal import Decimal, localcontext
from typing import Any
from urllib.parse import quote_plus, unquote_to_bytes

from dateutil import parser as date_parser
from liquid import Undefined
from liquid.exceptions import FilterArgumentError, LoopIterationLimitError

from composer.rubyfmt import (
    RUBY_SPACE,
    arith,
    flatten,
    ruby_float,
    ruby_int_size,
    ruby_json,
    ruby_round,
    ruby_strftime,
    ruby_to_s,
    to_integer,
    to_number,
)

__all__ = ["FILTERS", "REMOVED"]

Filter = Callable[..., Any]
_NO_INDEX = object()  # the item has no ``[]`` at all (nil, true, a Float)
_STRIP = RUBY_SPACE + "\0"
_MAX_ITEMS = 1_000_000  # a range a filter may expand (the loop limit)


def _nil(value: object) -> bool:
    return value is None or isinstance(value, Undefined)


def _truthy(value: object) -> bool:
    return not (_nil(value) or value is False)


def _ruby(func: Filter) -> Filter:
    """Turn Ruby's ``ArgumentError``-like failures into a Liquid filter error."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (TypeError, ValueError, ArithmeticError, LookupError) as err:
            raise FilterArgumentError(str(err), token=None) from err

    return wrapper


def _items(value: object) -> list[Any]:
    """``InputIterator``: arrays flattened, a hash or a scalar as a one-item array."""
    if _nil(value):
        return []
    if isinstance(value, list | tuple):
        return list(flatten(value))
    if isinstance(value, range):
        if len(value) > _MAX_ITEMS:
            raise LoopIterationLimitError("range is too large for a filter", token=None)
        return list(value)
    return [value]


def _index(item: object, prop: object) -> object:
    """Ruby's ``item[property]``."""
    if _nil(item) or isinstance(item, bool | float | Decimal):
        return _NO_INDEX
    try:
        if isinstance(item, Mapping):
            return item.get(prop)
        if isinstance(prop, int) and not isinstance(prop, bool):
            if isinstance(item, list | tuple | str):
                return item[prop] if -len(item) <= prop < len(item) else None
            if isinstance(item, int):
                return (item >> prop) & 1 if prop >= 0 else 0
        if isinstance(item, str) and isinstance(prop, str):
            return prop if prop in item else None
    except TypeError:
        return None
    if isinstance(item, list | tuple | str | int):
        raise ValueError(f"cannot select the property '{ruby_to_s(prop)}'")
    return _NO_INDEX


def _eq(left: object, right: object) -> bool:
    """Ruby's ``==``: ``true`` is not 1, 1 is 1.0."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return bool(left == right)


def _key(value: object) -> object:
    """A key that makes Python's equality Ruby's ``eql?`` (1, 1.0 and true differ)."""
    if _nil(value):
        return ("nil",)
    if isinstance(value, bool | int | float | str):
        return (type(value).__name__, value)
    return ("other", repr(value))


def _cmp(left: object, right: object) -> int | None:
    """Ruby's ``<=>``, or None where Ruby has no order."""
    if _nil(left) or _nil(right) or isinstance(left, bool) or isinstance(right, bool):
        return 0 if _eq(left, right) or (_nil(left) and _nil(right)) else None
    numbers = int | float | Decimal
    if isinstance(left, numbers) and isinstance(right, numbers):
        return None if left != left or right != right else (left > right) - (left < right)
    if isinstance(left, str) and isinstance(right, str):
        return (left > right) - (left < right)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        for a, b in zip(left, right, strict=False):
            found = _cmp(a, b)
            if found != 0:
                return found
        return (len(left) > len(right)) - (len(left) < len(right))
    return 0 if left == right else None


def _nil_safe_compare(left: object, right: object) -> int:
    found = _cmp(left, right)
    if found is not None:
        return found
    if _nil(left):
        return 1
    if _nil(right):
        return -1
    raise ValueError("cannot sort values of incompatible types")


def _nil_safe_casecmp(left: object, right: object) -> int:
    if _nil(left) or _nil(right):
        return 0 if _nil(left) and _nil(right) else (1 if _nil(left) else -1)
    a, b = (ruby_to_s(v).translate(_ASCII_LOWER) for v in (left, right))
    return (a > b) - (a < b)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# -- strings -----------------------------------------------------------------------------

_HTML_ESCAPE = {"&": "&amp;", ">": "&gt;", "<": "&lt;", '"': "&quot;", "'": "&#39;"}
_ESCAPE = re.compile(r"[&><\"']")
_ESCAPE_ONCE = re.compile(r"[\"><']|&(?!(?:[a-zA-Z]+|#[0-9]+);)")
_STRIP_HTML_BLOCKS = re.compile(r"<script.*?</script>|<!--.*?-->|<style.*?</style>", re.S)
_STRIP_HTML_TAGS = re.compile(r"<.*?>", re.S)
_NEWLINE = re.compile(r"\r?\n")
_AWK_SPACE = re.compile(f"[{RUBY_SPACE}]+")


def _escape(value: object) -> str | None:
    if _nil(value):
        return None
    return _ESCAPE.sub(lambda m: _HTML_ESCAPE[m.group(0)], ruby_to_s(value))


def _escape_once(value: object) -> str:
    return _ESCAPE_ONCE.sub(lambda m: _HTML_ESCAPE[m.group(0)], ruby_to_s(value))


def _url_encode(value: object) -> str | None:
    return None if _nil(value) else quote_plus(ruby_to_s(value), safe="")


def _url_decode(value: object) -> str | None:
    if _nil(value):
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
    count = 1 if _nil(length) or length is False else to_integer(length)
    seq: Any = list(value) if isinstance(value, list | tuple) else ruby_to_s(value)
    if start < 0:
        start += len(seq)
    if start < 0 or start > len(seq) or count < 0:
        return [] if isinstance(seq, list) else ""
    return seq[start : start + count]


def _truncate(value: object, length: object = 50, ellipsis: object = "...") -> str | None:
    if _nil(value):
        return None
    text, size, end = ruby_to_s(value), to_integer(length), ruby_to_s(ellipsis)
    keep = max(size - len(end), 0)
    return text[:keep] + end if len(text) > size else text


def _truncatewords(value: object, words: object = 15, ellipsis: object = "...") -> str | None:
    if _nil(value):
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


# -- arrays ------------------------------------------------------------------------------


def _size(value: object) -> int:
    if isinstance(value, bool) or _nil(value):
        return 0
    if isinstance(value, int):
        return ruby_int_size(value)
    if isinstance(value, str | list | tuple | Mapping | range):
        return len(value)
    return 0


def _first(value: object) -> object:
    if isinstance(value, list | tuple | range):
        return value[0] if len(value) else None
    if isinstance(value, Mapping) and not isinstance(value, Undefined):
        return next(([k, v] for k, v in value.items()), None)
    return None


def _last(value: object) -> object:
    if isinstance(value, list | tuple | range):
        return value[-1] if len(value) else None
    return None


def _join(value: object, glue: object = " ") -> str:
    return ruby_to_s(glue).join(ruby_to_s(item) for item in _items(value))


def _concat(value: object, other: object) -> list[object]:
    if not isinstance(other, list | tuple):
        raise ValueError("concat filter requires an array argument")
    return _items(value) + list(other)


def _by_property(
    value: object, prop: object, keep: Callable[[object], bool], none: object
) -> object:
    """``filter_array`` and friends: items whose ``item[prop]`` passes ``keep``."""
    found = []
    for item in _items(value):
        got = _index(item, prop)
        if got is _NO_INDEX:
            return none
        if keep(got):
            found.append(item)
    return found


def _where(value: object, prop: object, target: object = None) -> object:
    if _nil(target):
        return _by_property(value, prop, _truthy, None)
    return _by_property(value, prop, lambda got: _eq(got, target), None)


def _compact(value: object, prop: object = None) -> object:
    if _nil(prop):
        return [item for item in _items(value) if not _nil(item)]
    return _by_property(value, prop, lambda got: not _nil(got), None)


def _uniq(value: object, prop: object = None) -> object:
    items = _items(value)
    keys: list[object] = []
    for item in items:
        got = item if _nil(prop) else _index(item, prop)
        if got is _NO_INDEX:
            return None
        keys.append(_key(got))
    seen: set[object] = set()
    unique = []
    for item, key in zip(items, keys, strict=True):
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _map(value: object, prop: object) -> list[object]:
    found = []
    for item in _items(value):
        got = item if prop == "to_liquid" else _index(item, prop)
        found.append(None if got is _NO_INDEX else got)
    return found


def _sorted(value: object, prop: object, compare: Callable[[object, object], int]) -> object:
    items = _items(value)
    if not items:
        return []
    if _nil(prop):
        return sorted(items, key=functools.cmp_to_key(compare))
    keyed: list[tuple[object, object]] = [(_index(item, prop), item) for item in items]
    if any(got is _NO_INDEX for got, _ in keyed):
        return None

    def by_key(a: tuple[object, object], b: tuple[object, object]) -> int:
        return compare(a[0], b[0])

    keyed.sort(key=functools.cmp_to_key(by_key))
    return [item for _, item in keyed]


def _sum(value: object, prop: object = None) -> int | float:
    values = []
    for item in _items(value):
        got = item if _nil(prop) else _index(item, prop)
        values.append(0 if got is _NO_INDEX else got)
    with localcontext() as ctx:
        ctx.prec = 400
        total: int | Decimal = sum((to_number(v) for v in _items(values)), 0)
    return float(total) if isinstance(total, Decimal) else total


# -- numbers -----------------------------------------------------------------------------


def _as_float(value: int | Decimal) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


def _abs(number: int | Decimal) -> int | Decimal:
    return number.copy_abs() if isinstance(number, Decimal) else abs(number)


def _ceil_floor(value: object, up: bool) -> int:
    number = to_number(value)
    if isinstance(number, Decimal) and not number.is_finite():
        raise ValueError(ruby_float(float(number)))
    return math.ceil(number) if up else math.floor(number)


def _at_least(value: object, other: object) -> int | float:
    low, number = to_number(other), to_number(value)
    return _as_float(low if low > number else number)


def _at_most(value: object, other: object) -> int | float:
    high, number = to_number(other), to_number(value)
    return _as_float(high if high < number else number)


def _default(value: object, fallback: object = "", **options: object) -> object:
    empty = isinstance(value, str | list | tuple | Mapping) and not value
    if _truthy(options.get("allow_false")):
        return fallback if _nil(value) or empty else value
    return fallback if not _truthy(value) or empty else value


# -- dates -------------------------------------------------------------------------------

_TIMESTAMP = re.compile(r"-?[0-9]+")
# The zone abbreviations Ruby's Date._parse knows beyond UTC/GMT/Z, in seconds east.
_ZONE_TABLE = (
    "EST=-5 EDT=-4 CST=-6 CDT=-5 MST=-7 MDT=-6 PST=-8 PDT=-7 AKST=-9 AKDT=-8 HST=-10 "
    "BST=1 CET=1 CEST=2 EET=2 EEST=3 IST=5.5 JST=9"
)
_ZONE_NAMES = {
    name: int(float(hours) * 3600) for name, hours in (p.split("=") for p in _ZONE_TABLE.split())
}


def _to_date(value: object, zone: dt.tzinfo, now: dt.datetime | None) -> dt.datetime | None:
    """``Utils.to_date`` with ``zone`` as the local time zone."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, zone)
    text = value if isinstance(value, str) else ""
    if isinstance(value, str):
        if not value:
            return None
        value = value.lower()
    if now is None:
        now = dt.datetime.now(dt.UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)  # a naive 'now' is taken as UTC
    if value in ("now", "today"):
        return now.astimezone(zone)
    try:
        if (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and _TIMESTAMP.fullmatch(value)
        ):
            return dt.datetime.fromtimestamp(int(value), zone)
        if isinstance(value, str):
            today = now.astimezone(zone)
            start = today.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = date_parser.parse(text, default=start, tzinfos=_ZONE_NAMES)
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=zone)
            offset = parsed.utcoffset()
            if offset is not None and not offset and parsed.tzname() in ("UTC", "Z", None):
                return parsed.replace(tzinfo=dt.UTC)
            return parsed.replace(tzinfo=dt.timezone(offset or dt.timedelta(0)))
    except (OverflowError, OSError, ValueError, TypeError, date_parser.ParserError):
        return None
    return None


def _date(value: object, fmt: object, *, context: Any) -> object:
    text = ruby_to_s(fmt)
    if not text:
        return value
    state = getattr(context, "render_state", None)
    zone = state.zone if state is not None else dt.UTC
    moment = _to_date(value, zone, state.now if state is not None else None)
    return value if moment is None else ruby_strftime(moment, text)


_date.with_context = True  # type: ignore[attr-defined]


# -- Customer.io's additions -------------------------------------------------------------


def _digest(name: str) -> Filter:
    return lambda value: hashlib.new(name, ruby_to_s(value).encode("utf-8")).hexdigest()


def _hmac(name: str) -> Filter:
    def sign(value: object, key: object) -> str:
        secret = ruby_to_s(key).encode("utf-8")
        return hmac.new(secret, ruby_to_s(value).encode("utf-8"), name).hexdigest()

    return sign


_TABLE: dict[str, Filter] = {
    "abs": lambda v: _as_float(_abs(to_number(v))),
    "append": lambda v, s: ruby_to_s(v) + ruby_to_s(s),
    "at_least": _at_least,
    "at_most": _at_most,
    "base64_decode": lambda v: _b64_decode(ruby_to_s(v), "base64_decode", False),
    "base64_encode": lambda v: base64.b64encode(ruby_to_s(v).encode()).decode(),
    "base64_url_safe_decode": lambda v: _b64_decode(ruby_to_s(v), "base64_url_safe_decode", True),
    "base64_url_safe_encode": lambda v: base64.urlsafe_b64encode(ruby_to_s(v).encode()).decode(),
    "capitalize": lambda v: ruby_to_s(v).capitalize(),
    "ceil": lambda v: _ceil_floor(v, True),
    "compact": _compact,
    "concat": _concat,
    "date": _date,
    "default": _default,
    "divided_by": lambda v, o: arith("/", v, o),
    "downcase": lambda v: ruby_to_s(v).lower(),
    "escape": _escape,
    "escape_once": _escape_once,
    "first": _first,
    "floor": lambda v: _ceil_floor(v, False),
    "h": _escape,
    "join": _join,
    "json": lambda v: ruby_json(v),
    "last": _last,
    "lstrip": lambda v: ruby_to_s(v).lstrip(_STRIP),
    "map": _map,
    "minus": lambda v, o: arith("-", v, o),
    "modulo": lambda v, o: arith("%", v, o),
    "newline_to_br": lambda v: _NEWLINE.sub("<br />\n", ruby_to_s(v)),
    "plus": lambda v, o: arith("+", v, o),
    "prepend": lambda v, s: ruby_to_s(s) + ruby_to_s(v),
    "remove": lambda v, s: _gsub(v, s, "", None),
    "remove_first": lambda v, s: _gsub(v, s, "", 1),
    "remove_last": lambda v, s: _replace_last(v, s, ""),
    "replace": lambda v, s, r="": _gsub(v, s, r, None),
    "replace_first": lambda v, s, r="": _gsub(v, s, r, 1),
    "replace_last": _replace_last,
    "reverse": lambda v: _items(v)[::-1],
    "round": ruby_round,
    "rstrip": lambda v: ruby_to_s(v).rstrip(_STRIP),
    "size": _size,
    "slice": _slice,
    "sort": lambda v, p=None: _sorted(v, p, _nil_safe_compare),
    "sort_natural": lambda v, p=None: _sorted(v, p, _nil_safe_casecmp),
    "split": _split,
    "strip": lambda v: ruby_to_s(v).strip(_STRIP),
    "strip_html": _strip_html,
    "strip_newlines": lambda v: _NEWLINE.sub("", ruby_to_s(v)),
    "sum": _sum,
    "times": lambda v, o: arith("*", v, o),
    "truncate": _truncate,
    "truncatewords": _truncatewords,
    "uniq": _uniq,
    "upcase": lambda v: ruby_to_s(v).upper(),
    "url_decode": _url_decode,
    "url_encode": _url_encode,
    "where": _where,
    # Customer.io's
    "to_json": lambda v: ruby_json(v),
    "sha256": _digest("sha256"),
    "sha1": _digest("sha1"),
    "md5": _digest("md5"),
    "hmac_sha256": _hmac("sha256"),
    "hmac_sha1": _hmac("sha1"),
}


def _register(name: str, func: Filter) -> Filter:
    wrapped = _ruby(func)
    if getattr(func, "with_context", False):
        wrapped.with_context = True  # type: ignore[attr-defined]
    wrapped.__name__ = name
    return wrapped


FILTERS: dict[str, Filter] = {name: _register(name, func) for name, func in _TABLE.items()}
"""Every filter this environment defines, by name, as Ruby Liquid (and Customer.io) run it."""

REMOVED = ("escapejs", "safe", "squish")
"""python-liquid's filters that Ruby Liquid does not have."""
