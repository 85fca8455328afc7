"""Customer.io's number and money filters, and the math filters legacy gains from it.

From Customer.io's "Liquid syntax list" (docs.customer.io/messaging/liquid/tag-list,
"Number and Currency Filters"):

* ``format_number[: locale]``: ``{{ 10000 | format_number }}`` → ``10,000``;
  ``{{ 123456.78 | format_number: 'fr' }}`` → ``123 456,78``.
* ``currency[: locale]`` (latest: ``[: locale[, code]]``): ``{{ 1234567.896 | currency }}``
  → ``$1,234,567.90``; ``currency: 'en-GB'`` → ``£1,234,567.90``; ``{{ 10 | currency:
  "en-us" }}`` → ``$10.00``; latest ``currency: 'en', 'EUR'`` → ``€1,234,567.90``. The
  "Liquid upgrade" page (docs.customer.io/messaging/liquid/upgrade) names the code as the
  one difference between the versions.
* ``rounded_currency``: as ``currency``, to whole units: ``rounded_currency: 'en', 'EUR'``
  → ``€1,234,568``.
* ``random``: listed among the number filters; see :func:`random_number`.

Decisions where the docs are silent (docs/customerio-liquid.md says why):

* Both versions write numbers the same way (the upgrade page names no difference but the
  code argument), with CLDR's conventions (:mod:`composer.liquid.cio.locales`): the
  standard decimal pattern (up to three decimals for ``format_number``), the currency's
  own digits for money (two; none for yen), rounding half away from zero on the number's
  shortest decimal text, which is what ``Intl.NumberFormat`` does (``1.005`` → ``1.01``,
  ``0.125`` → ``0.13``). A negative amount that rounds to zero keeps its minus (``-0``),
  as ``Intl`` writes it.
* Nothing (a missing attribute) formats as nothing, as Rails' number helpers answer
  ``nil``; the missing variable is reported anyway.
* An unknown locale is written as ``en-US`` with a warning (``Intl`` falls back the same
  way); text that is not a locale at all, or a currency code that is not three letters,
  is an error naming the filter and the argument.

Legacy also gains Shopify Liquid 5's ``abs``, ``ceil``, ``floor``, ``round``,
``at_least`` and ``at_most`` (Liquid 2.5.3 has none of them; Customer.io's legacy list
documents them), written as ``standardfilters.rb`` of Liquid 5 writes them with Ruby's
numbers: ``round`` rounds half away from zero on the decimal text (``Float#round``),
``ceil``/``floor`` give integers.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from composer.liquid.cio.api import Call
from composer.liquid.cio.locales import Locale, currency_digits, find_locale
from composer.liquid.cio.values import arg_count, describe, whole_arg

__all__ = ["LATEST_NUMBER_FILTERS", "LEGACY_NUMBER_FILTERS", "format_amount"]

_DIGITS_LIMIT = 4_000
_CODE_HINT = "a three-letter ISO 4217 currency code such as EUR"


def _decimal(number: int | float | Decimal) -> Decimal:
    """A number as the decimal its shortest text shows (``0.1`` is 0.1, not 0.1000…0555)."""
    if isinstance(number, float):
        return Decimal(repr(number))
    return Decimal(number)


def _group(digits: str, locale: Locale, separator: str) -> str:
    if len(digits) < 3 + locale.min_grouping:
        return digits
    head, groups = digits[:-3], [digits[-3:]]
    size = locale.secondary
    while len(head) > size:
        groups.append(head[-size:])
        head = head[:-size]
    if head:
        groups.append(head)
    return separator.join(reversed(groups))


def _digits(value: Decimal, most: int, least: int, locale: Locale, separator: str) -> str:
    """The unsigned number rounded to ``most`` decimals (at least ``least``), grouped."""
    if value.is_nan():
        return "NaN"
    if value.is_infinite():
        return "∞"
    if value.adjusted() > _DIGITS_LIMIT:
        raise ValueError(f"a number of more than {_DIGITS_LIMIT:,} digits cannot be formatted")
    with localcontext() as context:
        context.prec = max(28, value.adjusted() + most + 3)
        rounded = abs(value).quantize(Decimal(1).scaleb(-most), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded:f}".partition(".")
    fraction = fraction.rstrip("0").ljust(least, "0")
    text = _group(whole, locale, separator)
    return f"{text}{locale.decimal}{fraction}" if fraction else text


def _money(value: Decimal, locale: Locale, code: str, digits: int) -> str:
    number = _digits(value, digits, digits, locale, locale.money_group or locale.group)
    symbol = locale.symbols.get(code, code)
    pattern = locale.pattern[1 if value.is_signed() and not value.is_nan() else 0]
    at = pattern.index("¤")
    before, after = pattern[at - 1 : at], pattern[at + 1 : at + 2]
    if after == "#" and not _is_symbol(symbol[-1]) and number[0].isdigit():
        symbol += "\u00a0"
    elif before == "#" and not _is_symbol(symbol[0]) and number[-1].isdigit():
        symbol = "\u00a0" + symbol
    return pattern.replace("-", locale.minus).replace("¤", symbol).replace("#", number)


def _is_symbol(char: str) -> bool:
    return unicodedata.category(char).startswith("S")


def format_amount(
    value: int | float | Decimal, locale: Locale, code: str | None, digits: int | None
) -> str:
    """``value`` written for ``locale``: as money in ``code`` when given, else as a number.

    ``digits`` fixes the decimals (money: the currency's own when None); a plain number
    gets up to three.
    """
    number = _decimal(value)
    if code is None:
        text = _digits(number, 3 if digits is None else digits, 0, locale, locale.group)
        sign = locale.minus if number.is_signed() and not number.is_nan() else ""
        return sign + text
    return _money(number, locale, code, currency_digits(code) if digits is None else digits)


def _locale(call: Call, args: tuple[object, ...]) -> tuple[Locale, str | None]:
    if not args or call.is_nil(args[0]):
        locale, region_currency, known = find_locale("en-US")
        return locale, region_currency
    name = args[0]
    if not isinstance(name, str):
        raise ValueError(
            f"the filter '{call.name}' got {describe(name)} for its locale; "
            "it takes a locale such as 'en-US' or 'fr'"
        )
    try:
        locale, region_currency, known = find_locale(name)
    except ValueError as error:
        raise ValueError(f"the filter '{call.name}' got {name!r} for its locale; {error}") from None
    if not known:
        hint = ""
        if call.name != "format_number" and len(name) == 3 and name.isupper():
            hint = f" (a currency code goes after a locale: {call.name}: 'en', '{name}'"
            hint += ", in latest only)" if call.version == "latest" else "; legacy takes no code)"
        call.warn(
            f"the filter '{call.name}' does not know the locale {name!r} and previewed it as "
            f"en-US; Customer.io may write it otherwise{hint}",
            "locale",
        )
    return locale, region_currency


def _number(call: Call, value: object) -> int | float | Decimal | None:
    """The engine's number for the input (its ``to_number``), or None for nothing."""
    return None if call.is_nil(value) else call.to_number(value)


def format_number(call: Call, value: object, *args: object) -> str | None:
    """``format_number[: locale]``: grouped digits, up to three decimals."""
    arg_count(call, args, 0, 1, "at most one argument, a locale")
    number = _number(call, value)
    if number is None:
        return None
    locale, _ = _locale(call, args)
    return format_amount(number, locale, None, None)


def _currency(rounded: bool) -> Callable[..., str | None]:
    def currency(call: Call, value: object, *args: object) -> str | None:
        if call.version == "latest":
            arg_count(call, args, 0, 2, "at most two arguments, a locale and a currency code")
        else:
            arg_count(
                call, args, 0, 1, "at most one argument, a locale (a currency code needs latest)"
            )
        number = _number(call, value)
        if number is None:
            return None
        locale, code = _locale(call, args)
        if len(args) == 2 and not call.is_nil(args[1]):
            given = args[1]
            if not (
                isinstance(given, str) and len(given) == 3 and given.isascii() and given.isalpha()
            ):
                raise ValueError(
                    f"the filter '{call.name}' got {describe(given)} for its currency code; "
                    f"it takes {_CODE_HINT}"
                )
            code = given.upper()
        return format_amount(number, locale, code or "USD", 0 if rounded else None)

    return currency


def random_number(call: Call, value: object, *args: object) -> object:
    """``{{ N | random }}``: a whole number from 0 up to N - 1; ``{{ list | random }}``: an item.

    The docs list ``random`` among the number filters without an example; this reads it
    as the ``{% random N %}`` tag reads N. The value changes on every send, so the
    filter says so; with a fixed 'now' (a check, a retried delivery) it is the same each
    time (:func:`composer.liquid.cio.tags.seeded`).
    """
    from composer.liquid.cio.tags import seeded

    arg_count(call, args, 0, 0, "no arguments")
    call.warn(
        f"'{call.name}' gives a different value on every send; the preview shows one of them",
        "per_send",
    )
    chooser = seeded(call, "random-filter")
    if isinstance(value, list):
        return chooser.choice(value) if value else None
    limit = whole_arg(call, value, "its input", low=1)
    call.state.check_integer(limit)
    return chooser.randrange(limit)


# -- Shopify Liquid 5's math filters, for legacy ---------------------------------------


def _finite(call: Call, number: int | float | Decimal) -> int | float | Decimal:
    if isinstance(number, float | Decimal) and not math.isfinite(number):
        raise ValueError(
            f"the filter '{call.name}' cannot make a whole number of {describe(number)}"
        )
    return number


def _to_float(number: int | float | Decimal) -> int | float:
    return float(number) if isinstance(number, Decimal) else number


def _abs(call: Call, value: object) -> int | float:
    number = call.to_number(value)
    if isinstance(number, float):
        return math.fabs(number)
    if isinstance(number, Decimal):
        return float(number.copy_abs())
    return -number if number < 0 else number


def _whole(rounding: str) -> Callable[[Call, object], int]:
    def whole(call: Call, value: object) -> int:
        number = _finite(call, call.to_number(value))
        if isinstance(number, int):
            return number
        return int(_decimal(number).to_integral_value(rounding=rounding))

    return whole


def ruby_round(call: Call, value: object, digits: object = 0) -> int | float:
    """Liquid 5's ``round`` with Ruby's ``Float#round``: half away from zero."""
    number = call.to_number(value)
    places = call.to_number(digits)
    places = int(places)
    if isinstance(number, int):
        if places >= 0:
            return number
        unit: int = 10 ** min(-places, _DIGITS_LIMIT)
        magnitude: int = (-number if number < 0 else number) + unit // 2
        return magnitude // unit * unit * (1 if number >= 0 else -1)
    _finite(call, number)
    places = max(min(places, 400), -400)
    with localcontext() as context:
        context.prec = 800
        result = _decimal(number).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if places <= 0:
        return int(result)
    return float(result)


def _bound(low: bool) -> Callable[[Call, object, object], int | float]:
    def bound(call: Call, value: object, other: object) -> int | float:
        limit, number = call.to_number(other), call.to_number(value)
        if (limit > number) if low else (limit < number):
            number = limit
        return _to_float(number)

    return bound


_FORMAT: dict[str, Callable[..., Any]] = {
    "format_number": format_number,
    "currency": _currency(False),
    "rounded_currency": _currency(True),
    "random": random_number,
}

LEGACY_NUMBER_FILTERS: dict[str, Callable[..., Any]] = {
    **_FORMAT,
    "abs": _abs,
    "ceil": _whole(ROUND_CEILING),
    "floor": _whole(ROUND_FLOOR),
    "round": ruby_round,
    "at_least": _bound(True),
    "at_most": _bound(False),
}
"""The number filters Customer.io adds to legacy (Liquid 2.5.3)."""

LATEST_NUMBER_FILTERS: dict[str, Callable[..., Any]] = dict(_FORMAT)
"""The number filters Customer.io adds to latest (LiquidJS has the math filters)."""
