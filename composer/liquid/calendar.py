"""The proleptic Gregorian calendar as day numbers, shared by both Liquid versions.

Ruby's ``Time`` and JavaScript's ``Date`` both count days from 1970-01-01 over the
proleptic Gregorian calendar, for any year (Python's :mod:`datetime` stops at 1 and
9999). These are Howard Hinnant's ``days_from_civil`` and ``civil_from_days``, exact for
every integer year.
"""

from __future__ import annotations

__all__ = ["MONTH_NAMES", "civil_from_days", "days_from_civil", "is_leap"]

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
"""The months' English names, January first (Ruby's, JavaScript's and Customer.io's)."""


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (month 1-12)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """The proleptic Gregorian (year, month 1-12, day) of a day count since 1970-01-01."""
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (month <= 2), month, day


def is_leap(year: int) -> bool:
    """Whether ``year`` is a Gregorian leap year."""
    return (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
