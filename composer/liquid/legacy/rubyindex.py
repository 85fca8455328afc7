"""Ruby's ``[]``, ``length``, ``+`` and a few methods, as ``sort``, ``map`` and ``truncate``
call them on whatever value they are given (``lib/liquid/standardfilters.rb``).

``map: 'name'`` calls ``element['name']`` on each element that has a ``[]``: a hash looks
the key up, a string looks for the text (``'abc'['b']`` is ``b``), an integer answers a
bit (``5[0]`` is 1) — and each raises Ruby's ``TypeError`` for a key it cannot use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from composer.liquid.legacy.ruby import (
    RubyError,
    RubyRange,
    RubySymbol,
    describe,
    is_blank,
    is_empty,
    is_special,
    no_conversion,
    no_method,
    str_to_f,
    to_i,
    to_s,
)

__all__ = ["index", "length", "plus_text", "responds_to_index", "send"]


def responds_to_index(value: object) -> bool:
    """Whether Ruby's ``value.respond_to?(:[])``: hashes, arrays, strings, integers, symbols."""
    if isinstance(value, bool):
        return False
    return isinstance(value, Mapping | list | tuple | str | int | RubySymbol)


def _integer_key(key: object) -> int:
    """The integer an index is, or Ruby's TypeError."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, float):
        return to_i(key)
    if key is None:
        raise RubyError("TypeError", "no implicit conversion from nil to integer")
    raise no_conversion(key, "Integer")


def _range_slice(size: int, span: RubyRange) -> slice | None:
    start = span.first + size if span.first < 0 else span.first
    last = span.last + size if span.last < 0 else span.last
    if start < 0 or start > size:
        return None
    return slice(start, max(start, last + 1))


def index(obj: object, key: object) -> object:
    """``obj[key]`` for a value that has ``[]`` (see :func:`responds_to_index`)."""
    if isinstance(obj, Mapping):
        try:
            return obj.get(key)
        except TypeError:
            return None
    if isinstance(obj, RubySymbol):
        obj = obj.name
    if isinstance(obj, str | list | tuple):
        if isinstance(obj, str) and isinstance(key, str):
            return key if key in obj else None
        if isinstance(key, RubyRange):
            span = _range_slice(len(obj), key)
            return None if span is None else obj[span]
        if isinstance(obj, str) and key is None:
            raise RubyError("TypeError", "no implicit conversion from nil to integer")
        position = _integer_key(key)
        try:
            return obj[position] if -len(obj) <= position < len(obj) else None
        except IndexError:  # pragma: no cover - guarded above
            return None
    if isinstance(obj, int) and not isinstance(obj, bool):
        if key is None and is_special(obj):
            raise no_conversion(None, "Integer")
        if isinstance(key, RubyRange):
            width = max(0, key.last - key.first + 1)
            return (obj >> key.first) & ((1 << width) - 1) if key.first >= 0 else 0
        bit = _integer_key(key)
        return (obj >> bit) & 1 if bit >= 0 else 0
    raise no_method("[]", obj)


def length(value: object, filter_name: str, what: str) -> int:
    """``value.length``, or Ruby's NoMethodError."""
    if isinstance(value, str | list | tuple | Mapping):
        return len(value)
    if isinstance(value, RubySymbol):
        return len(value.name)
    raise no_method(
        "length",
        value,
        f"the filter '{filter_name}' needs text for its {what}, not {describe(value)}",
    )


def plus_text(left: object, right: object, filter_name: str) -> object:
    """``left + right`` where ``left`` is a string (or an array)."""
    if isinstance(left, list | tuple):
        if isinstance(right, list | tuple):
            return [*left, *right]
        raise no_conversion(right, "Array", f"the filter '{filter_name}' cannot shorten an array")
    if not isinstance(right, str):
        raise no_conversion(
            right,
            "String",
            f"the filter '{filter_name}' needs text for its ending, not {describe(right)}",
        )
    return f"{left}{right}"


def send(value: object, method: str, *, probe: bool = False) -> object:
    """``value.send(method)`` for the few methods ``sort`` by a property may name
    (``size``, ``length``, ``to_s``, ``first`` …); with ``probe``, whether it answers."""
    answer = _METHODS.get(method)
    if answer is None:
        if probe:
            return False
        raise no_method(method, value)
    result = answer(value)
    if probe:
        return result is not _NO
    if result is _NO:
        raise no_method(method, value)
    return result


_NO = object()


def _size(value: object) -> object:
    if isinstance(value, str | list | tuple | Mapping | RubyRange):
        return len(value)
    return len(value.name) if isinstance(value, RubySymbol) else _NO


def _text(method: str) -> Callable[[object], object]:
    def call(value: object) -> object:
        if not isinstance(value, str):
            return _NO
        return {"upcase": value.upper(), "downcase": value.lower(), "reverse": value[::-1]}[method]

    return call


def _to_i(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, str | int | float | None):
        return _NO
    return to_i(value)


def _to_f(value: object) -> object:
    if isinstance(value, bool):
        return _NO
    if isinstance(value, str):
        return str_to_f(value)
    if value is None or isinstance(value, int | float):
        return float(value or 0)
    return _NO


def _empty(value: object) -> object:
    result = is_empty(value)
    return _NO if result is None else result


_METHODS: dict[str, Callable[[object], object]] = {
    "size": _size,
    "length": _size,
    "to_s": to_s,
    "to_i": _to_i,
    "to_f": _to_f,
    "upcase": _text("upcase"),
    "downcase": _text("downcase"),
    "reverse": _text("reverse"),
    "empty?": _empty,
    "blank?": is_blank,
    "present?": lambda value: not is_blank(value),
    "nil?": lambda value: value is None,
}
