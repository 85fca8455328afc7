"""``format_number``, ``currency`` and ``rounded_currency`` against ``Intl.NumberFormat``.

The locale table (:mod:`composer.liquid.cio.locales`) claims CLDR's conventions as
JavaScript's ``Intl.NumberFormat`` applies them, which is what latest plausibly runs and
what every documented example agrees with; legacy writes the same (docs/customerio-
liquid.md says why). So every locale and currency of the table, and a spread of awkward
numbers, is formatted here and by node, and the texts must be equal byte for byte. The
test is skipped where node is missing and fails when ``CI`` is set.
"""

from __future__ import annotations

import pytest
from cio_calls import make_call, run_node

from composer.liquid.cio import filters_for
from composer.liquid.cio.locales import LOCALES

CURRENCIES = [
    "USD",
    "EUR",
    "GBP",
    "JPY",
    "INR",
    "CAD",
    "AUD",
    "BRL",
    "SEK",
    "DKK",
    "NOK",
    "PLN",
    "CHF",
    "MXN",
    "NZD",
    "CNY",
    "KRW",
    "ZAR",
    "HKD",
    "SGD",
    "XYZ",
    "BHD",
]
NUMBERS = [
    1234567.896,
    -1234.5,
    0,
    1.005,
    0.125,
    -0.001,
    12,
    1234,
    12345,
    999.9995,
    -0.0,
    100000000,
    7,
]
TAGS = sorted(locale.tag for locale in LOCALES.values())

_NODE = """
output = input.map(([locale, options, value]) =>
  new Intl.NumberFormat(locale, options).format(value));
"""


def _cases() -> list[tuple[str, str, str | None, float, dict[str, object]]]:
    cases: list[tuple[str, str, str | None, float, dict[str, object]]] = []
    for tag in TAGS:
        for number in NUMBERS:
            cases.append(("format_number", tag, None, number, {}))
        for code in CURRENCIES:
            for number in (1234567.896, -1234.5, 0.125, -0.001):
                cases.append(
                    ("currency", tag, code, number, {"style": "currency", "currency": code})
                )
            cases.append(
                (
                    "rounded_currency",
                    tag,
                    code,
                    1234567.5,
                    {
                        "style": "currency",
                        "currency": code,
                        "maximumFractionDigits": 0,
                        "minimumFractionDigits": 0,
                    },
                )
            )
    return cases


def test_cio_locales_match_intl() -> None:
    """Latest (locale and code) for every locale × currency × number equals node's Intl."""
    cases = _cases()
    expected = run_node(_NODE, [[tag, options, number] for _, tag, _, number, options in cases])
    mismatches = []
    for (name, tag, code, number, _), wanted in zip(cases, expected, strict=True):
        args = (tag,) if code is None else (tag, code)
        got = filters_for("latest")[name](make_call("latest", name), number, *args)
        if got != wanted:
            mismatches.append((name, tag, code, number, got, wanted))
    assert not mismatches, mismatches[:10]


def test_cio_legacy_formats_like_latest() -> None:
    """Legacy (a locale, its country's currency) writes what Intl writes for that currency."""
    cases = [(tag, LOCALES[tag.lower()].currency, number) for tag in TAGS for number in NUMBERS]
    options = [{"style": "currency", "currency": code} for _, code, _ in cases]
    expected = run_node(
        _NODE, [[tag, opts, n] for (tag, _, n), opts in zip(cases, options, strict=True)]
    )
    for (tag, _, number), wanted in zip(cases, expected, strict=True):
        assert (
            filters_for("legacy")["currency"](make_call("legacy", "currency"), number, tag)
            == wanted
        )


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("format_number", ("en_us",), "1,234,567.896"),
        ("format_number", ("EN-GB",), "1,234,567.896"),
        ("format_number", ("fr-BE",), "1\u202f234\u202f567,896"),
        ("format_number", ("no",), "1\u00a0234\u00a0567,896"),
        ("currency", ("fr-BE",), "1\u202f234\u202f567,90\u00a0€"),
        ("currency", ("de-LU",), "1.234.567,90\u00a0€"),
        ("currency", ("en-NZ",), "NZ$1,234,567.90"),
    ],
)
def test_cio_locale_names(name: str, args: tuple[str, ...], expected: str) -> None:
    """Locales are read without regard to case or ``_``; a region falls back to its language
    with its own country's currency, without a warning."""
    call = make_call("latest", name)
    assert filters_for("latest")[name](call, 1234567.896, *args) == expected
    assert not call.state.notices


@pytest.mark.parametrize("version", ["legacy", "latest"])
def test_cio_unknown_locale_warns(version: str) -> None:
    """An unknown language is written as en-US, with a warning that names it."""
    call = make_call(version, "currency")
    assert filters_for(version)["currency"](call, 5, "xx") == "$5.00"
    assert [n.kind for n in call.state.notices] == ["locale"]
    assert "'xx'" in call.state.notices[0].message


def test_cio_currency_code_given_as_locale_hints() -> None:
    """``currency: 'EUR'`` (a code where the locale goes) warns and says where a code goes."""
    call = make_call("latest", "currency")
    filters_for("latest")["currency"](call, 5, "EUR")
    assert "currency: 'en', 'EUR'" in call.state.notices[0].message


@pytest.mark.parametrize(
    ("version", "name", "args", "message"),
    [
        ("latest", "currency", ("en", "EURO"), "currency code"),
        ("latest", "currency", ("en", 5), "currency code"),
        ("legacy", "currency", ("en", "EUR"), "at most one argument"),
        ("latest", "currency", ("en", "EUR", "x"), "at most two arguments"),
        ("latest", "format_number", ("en", "x"), "at most one argument"),
        ("latest", "format_number", ("!!",), "not a locale"),
        ("legacy", "format_number", (5,), "for its locale"),
    ],
)
def test_cio_money_bad_arguments(
    version: str, name: str, args: tuple[object, ...], message: str
) -> None:
    """Wrong arguments raise an error naming the filter and what it takes."""
    with pytest.raises((ValueError, TypeError), match=message) as caught:
        filters_for(version)[name](make_call(version, name), 5, *args)
    assert f"'{name}'" in str(caught.value)


@pytest.mark.parametrize("version", ["legacy", "latest"])
def test_cio_money_of_nothing_and_text(version: str) -> None:
    """Nothing formats as nothing; text is read as the engine reads a number."""
    filters = filters_for(version)
    assert filters["currency"](make_call(version, "currency"), None) is None
    assert filters["format_number"](make_call(version, "format_number"), "1234.5") == "1,234.5"
    huge = 10**3000
    text = filters["format_number"](make_call(version, "format_number"), huge)
    assert text.startswith("1,000,") and len(text) == 3001 + 1000


def test_cio_money_of_non_numbers_in_latest() -> None:
    """Latest reads ``Number('abc')`` as NaN, which Intl writes as ``NaN``; legacy reads 0."""
    assert filters_for("latest")["currency"](make_call("latest", "currency"), "abc") == "$NaN"
    assert filters_for("legacy")["currency"](make_call("legacy", "currency"), "abc") == "$0.00"
