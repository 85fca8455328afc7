"""How numbers and money are written in each locale ``format_number`` and ``currency`` take.

Customer.io's "Liquid syntax list" (docs.customer.io/messaging/liquid/tag-list, section
"Number and Currency Filters") says ``currency`` and ``format_number`` take "an optional
localization parameter" written like ``{{ 10 | currency: "en-us" }}`` (``$10.00``), and
its examples are ``{{ 123456.78 | format_number: 'fr' }}`` → ``123 456,78`` and
``{{ 1234567.896 | currency: 'en-GB' }}`` → ``£1,234,567.90``. It does not publish its
locale data; the conventions below are CLDR's (Unicode's Common Locale Data Repository),
which is what JavaScript's ``Intl.NumberFormat`` applies and every documented example
agrees with. ``tests/liquid/test_cio_locales.py`` compares every locale and currency of
this table with ``Intl.NumberFormat`` in node (CLDR 43/44 as shipped with Node 20).

Each :class:`Locale` holds the decimal and group separators (Austria groups money with
``.`` and other numbers with a no-break space), the group sizes (``3`` or
India's ``3`` then ``2``: 12,34,567), the fewest digits before grouping starts (2 in
Spanish, Italian, European Portuguese and Polish: ``1234`` but ``12.345``), the minus
sign (U+2212 in Swedish, Norwegian and Finnish), where the currency symbol goes, the
currency of the locale's country, and the symbols the locale writes for currencies
(any other currency is written with its ISO code, as ``Intl`` does).

Patterns use ``¤`` for the symbol, ``#`` for the digits and ``-`` for the minus sign.
Where a pattern puts the symbol against the digits and the symbol ends (or starts) with
a letter, a no-break space is put between them (CLDR's "currency spacing": ``SEK 5.00``
but ``CA$5.00``).

A locale is looked up without regard to case and with ``_`` read as ``-``
(``en_us`` = ``en-US``); a region this table lacks falls back to its language
(``fr-BE`` → ``fr``, keeping Belgium's euro); a language it lacks is written as
``en-US``, and the filter says so in a warning.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

__all__ = ["LOCALES", "Locale", "currency_digits", "find_locale"]

NBSP = "\u00a0"
NNBSP = "\u202f"
MINUS = "\u2212"


@dataclass(frozen=True, slots=True)
class Locale:
    """One locale's conventions for writing numbers and money."""

    tag: str
    """The locale's name as CLDR writes it (``en-US``)."""
    decimal: str
    """The decimal separator."""
    group: str
    """The group (thousands) separator."""
    currency: str
    """The ISO 4217 code of the locale's country's currency."""
    pattern: tuple[str, str]
    """Money patterns for positive and negative amounts (``¤``, ``#``, ``-``)."""
    symbols: dict[str, str] = field(default_factory=dict)
    """The symbol written for each currency that is not written as its code."""
    minus: str = "-"
    """The minus sign."""
    secondary: int = 3
    """The size of the groups after the first (2 in India)."""
    min_grouping: int = 1
    """Digits the integer must have beyond the first group before it is grouped."""
    money_group: str = ""
    """The group separator in money, when it is not :attr:`group` (Austria: ``.``)."""


def _symbols(text: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in text.split(" ") if pair)


_PREFIX = ("¤#", "-¤#")
_PREFIX_SPACED = (f"¤{NBSP}#", f"-¤{NBSP}#")
_SUFFIX = (f"#{NBSP}¤", f"-#{NBSP}¤")

# The symbols, as Node 20's Intl writes them, for USD EUR GBP JPY INR CAD AUD BRL SEK DKK
# NOK PLN CHF MXN NZD CNY KRW ZAR HKD SGD (the rest are written as their codes).
_ASIA_PACIFIC = "MXN=MX$ NZD=NZ$ CNY=CN¥ KRW=₩ HKD=HK$"
_EN = f"USD=$ EUR=€ GBP=£ JPY=¥ INR=₹ CAD=CA$ AUD=A$ BRL=R$ {_ASIA_PACIFIC}"
_EN_INTL = f"USD=US$ EUR=€ GBP=£ JPY=JP¥ INR=₹ CAD=CA$ AUD=A$ BRL=R$ {_ASIA_PACIFIC}"
_DE = f"USD=$ EUR=€ GBP=£ JPY=¥ INR=₹ CAD=CA$ AUD=AU$ BRL=R$ {_ASIA_PACIFIC}"
_PT = f"USD=US$ EUR=€ GBP=£ JPY=JP¥ INR=₹ CAD=CA$ AUD=AU$ BRL=R$ {_ASIA_PACIFIC}"


def _locales() -> dict[str, Locale]:
    en = _symbols(_EN)
    en_intl = _symbols(_EN_INTL)
    de = _symbols(_DE)
    pt = _symbols(_PT)
    table = [
        Locale("en", ".", ",", "USD", _PREFIX, en),
        Locale("en-US", ".", ",", "USD", _PREFIX, en),
        Locale("en-GB", ".", ",", "GBP", _PREFIX, en_intl),
        Locale("en-IN", ".", ",", "INR", _PREFIX, {**en_intl, "USD": "$"}, secondary=2),
        Locale("en-CA", ".", ",", "CAD", _PREFIX, {**en_intl, "CAD": "$"}),
        Locale("en-AU", ".", ",", "AUD", _PREFIX, {"AUD": "$"}),
        Locale(
            "fr",
            ",",
            NNBSP,
            "EUR",
            _SUFFIX,
            _symbols(
                "USD=$US EUR=€ GBP=£GB INR=₹ CAD=$CA AUD=$AU BRL=R$ MXN=$MX NZD=$NZ KRW=₩ SGD=$SG"
            ),
        ),
        Locale(
            "fr-CA",
            ",",
            NBSP,
            "CAD",
            _SUFFIX,
            _symbols(
                "USD=$\u00a0US EUR=€ GBP=£ JPY=¥ CAD=$ AUD=$\u00a0AU BRL=R$ "
                "NZD=$\u00a0NZ CNY=CN¥ HKD=$\u00a0HK SGD=$\u00a0SG"
            ),
        ),
        Locale("de", ",", ".", "EUR", _SUFFIX, de),
        Locale("de-AT", ",", NBSP, "EUR", _PREFIX_SPACED, de, money_group="."),
        Locale(
            "de-CH",
            ".",
            "'",
            "CHF",
            (f"¤{NBSP}#", "¤-#"),
            {k: v for k, v in de.items() if k != "EUR"},
        ),
        Locale("es", ",", ".", "EUR", _SUFFIX, _symbols("USD=US$ EUR=€"), min_grouping=2),
        Locale("es-MX", ".", ",", "MXN", _PREFIX, {"MXN": "$"}),
        Locale(
            "it",
            ",",
            ".",
            "EUR",
            _SUFFIX,
            _symbols("EUR=€ GBP=£ CAD=CA$ AUD=A$ NZD=NZ$ CNY=CN¥"),
            min_grouping=2,
        ),
        Locale("nl", ",", ".", "EUR", (f"¤{NBSP}#", f"¤{NBSP}-#"), {**pt, "CAD": "C$"}),
        Locale("pt", ",", ".", "BRL", _PREFIX_SPACED, pt),
        Locale("pt-BR", ",", ".", "BRL", _PREFIX_SPACED, pt),
        Locale("pt-PT", ",", NBSP, "EUR", _SUFFIX, pt, min_grouping=2),
        Locale("ja", ".", ",", "JPY", _PREFIX, {**en, "JPY": "￥", "CNY": "元"}),
        Locale(
            "sv",
            ",",
            NBSP,
            "SEK",
            _SUFFIX,
            _symbols("USD=US$ EUR=€ CAD=CA$ BRL=BR$ SEK=kr DKK=Dkr NOK=Nkr MXN=MX$"),
            minus=MINUS,
        ),
        Locale("da", ",", ".", "DKK", _SUFFIX, {**pt, "DKK": "kr."}),
        Locale("nb", ",", NBSP, "NOK", _SUFFIX, _symbols("EUR=€ GBP=£ NOK=kr"), minus=MINUS),
        Locale("pl", ",", NBSP, "PLN", _SUFFIX, _symbols("EUR=€ BRL=R$ PLN=zł"), min_grouping=2),
        Locale("fi", ",", NBSP, "EUR", _SUFFIX, _symbols("USD=$ EUR=€ GBP=£ JPY=¥"), minus=MINUS),
    ]
    return {locale.tag.lower(): locale for locale in table}


LOCALES: dict[str, Locale] = _locales()
"""Every locale this table knows, by its lower-case name."""

ALIASES = {"no": "nb", "nb-no": "nb", "nn": "nb"}
"""Names CLDR reads as another locale (Norwegian is written as Bokmål)."""

REGION_CURRENCY = {
    "us": "USD", "gb": "GBP", "uk": "GBP", "in": "INR", "ca": "CAD", "au": "AUD",
    "nz": "NZD", "ie": "EUR", "fr": "EUR", "be": "EUR", "lu": "EUR", "de": "EUR",
    "at": "EUR", "ch": "CHF", "li": "CHF", "es": "EUR", "mx": "MXN", "it": "EUR",
    "nl": "EUR", "pt": "EUR", "br": "BRL", "jp": "JPY", "se": "SEK", "dk": "DKK",
    "no": "NOK", "pl": "PLN", "fi": "EUR", "za": "ZAR", "sg": "SGD", "hk": "HKD",
    "cn": "CNY", "kr": "KRW",
}  # fmt: skip
"""The currency of a country, for a locale whose region this table has no entry for."""

_CURRENCY_DIGITS = {
    **dict.fromkeys(("JPY", "KRW", "CLP", "ISK", "VND", "PYG", "UGX", "XAF", "XOF", "HUF"), 0),
    **dict.fromkeys(("IQD", "IDR", "COP", "RWF", "KMF", "GNF", "DJF", "VUV", "XPF", "BIF"), 0),
    **dict.fromkeys(("BHD", "KWD", "OMR", "JOD", "TND", "LYD"), 3),
}
_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")


def currency_digits(code: str) -> int:
    """The digits after the decimal point a currency is written with (``Intl``'s)."""
    return _CURRENCY_DIGITS.get(code, 2)


@functools.lru_cache(maxsize=256)
def find_locale(name: str) -> tuple[Locale, str | None, bool]:
    """The locale for ``name``, the currency of its region (or None), and whether it is known.

    Raises ``ValueError`` when ``name`` is not written like a locale at all.
    """
    key = name.strip().replace("_", "-").lower()
    if not _TAG.fullmatch(key):
        raise ValueError(f"{name!r} is not a locale (write it like en-US or fr)")
    key = ALIASES.get(key, key)
    found = LOCALES.get(key)
    if found is not None:
        return found, found.currency, True
    language, _, rest = key.partition("-")
    region = rest.rsplit("-", 1)[-1] if rest else ""
    region_currency = REGION_CURRENCY.get(region)
    base = LOCALES.get(ALIASES.get(language, language))
    if base is not None:
        return base, region_currency or base.currency, True
    return LOCALES["en-us"], region_currency, False
