"""The retry policy as tables: which outcomes are retried, and the waits between tries."""

from __future__ import annotations

import email.utils
import itertools

import pytest

from composer.delivery.retry import (
    DEFAULT_BASE,
    RETRY_AFTER_CAP_S,
    RetryPolicy,
    is_retryable,
    is_success,
    parse_retry_after,
)

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("status", "error_kind", "retry", "success"),
    [
        (200, None, False, True),
        (201, None, False, True),
        (204, None, False, True),
        (299, None, False, True),
        (301, None, False, False),
        (302, None, False, False),
        (304, None, False, False),
        (400, None, False, False),
        (401, None, False, False),
        (403, None, False, False),
        (404, None, False, False),
        (408, None, True, False),
        (409, None, True, False),
        (410, None, False, False),
        (422, None, False, False),
        (429, None, True, False),
        (500, None, True, False),
        (502, None, True, False),
        (503, None, True, False),
        (504, None, True, False),
        (599, None, True, False),
        (None, "timeout", True, False),
        (None, "refused", True, False),
        (None, "reset", True, False),
        (None, "dns", True, False),
        (None, "interrupted", True, False),
        (None, "tls", False, False),
        (None, "invalid_response", False, False),
        (None, "other", False, False),
    ],
)
def test_outcomes(status: int | None, error_kind: str | None, retry: bool, success: bool) -> None:
    assert is_success(status) is success
    assert is_retryable(status, error_kind) is retry


def test_default_schedule_doubles_and_spans_three_hours() -> None:
    delays = RetryPolicy().schedule()
    assert len(delays) == 10
    assert delays[0] == pytest.approx(10.557, abs=0.001)
    assert all(b == pytest.approx(2 * a) for a, b in itertools.pairwise(delays))
    assert sum(delays) == pytest.approx(3 * 3600)
    assert delays[-1] == pytest.approx(1.5 * 3600, rel=0.001)
    assert pytest.approx(10800 / 1023) == DEFAULT_BASE


@pytest.mark.parametrize(
    ("base", "max_retries", "expected"),
    [
        (0.05, 3, (0.05, 0.1, 0.2)),
        (1.0, 4, (1.0, 2.0, 4.0, 8.0)),
        (0.0, 2, (0.0, 0.0)),
        (2.0, 0, ()),
    ],
)
def test_backoff_base_scales(base: float, max_retries: int, expected: tuple[float, ...]) -> None:
    policy = RetryPolicy(max_retries=max_retries, base=base)
    assert policy.schedule() == pytest.approx(expected)


def test_times_are_cumulative() -> None:
    assert RetryPolicy(max_retries=3, base=1.0).times(100.0) == (101.0, 103.0, 107.0)


def _http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(NOW + seconds_from_now, usegmt=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("120", 120.0),
        (" 5 ", 5.0),
        ("0", 0.0),
        (_http_date(90), 90.0),
        (_http_date(-30), None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


@pytest.mark.parametrize(
    ("retry_number", "retry_after", "expected"),
    [
        (1, None, 1.0),  # the schedule
        (3, None, 4.0),
        (1, "3", 3.0),  # longer Retry-After wins
        (3, "3", 4.0),  # shorter Retry-After is ignored
        (1, "100000", 5400.0),  # capped at 1.5 h, whatever the base
        (1, "9" * 5000, 5400.0),  # too large to be a number: the cap
        (1, "١٢", 1.0),  # only ASCII digits are a delay
        (1, _http_date(5), 5.0),  # HTTP date
        (1, "garbage", 1.0),
    ],
)
def test_delay_honours_retry_after_within_cap(
    retry_number: int, retry_after: str | None, expected: float
) -> None:
    policy = RetryPolicy(max_retries=4, base=1.0)
    assert policy.delay(retry_number, retry_after, NOW) == pytest.approx(expected)


def test_explicit_cap() -> None:
    policy = RetryPolicy(max_retries=4, base=1.0, cap_retry_after=60.0)
    assert policy.delay(1, "3600", NOW) == 60.0


@pytest.mark.parametrize("base", [DEFAULT_BASE, 1.0, 0.05, 0.01, 0.0])
def test_the_retry_after_cap_does_not_shrink_with_the_base(base: float) -> None:
    policy = RetryPolicy(max_retries=3, base=base)
    assert policy.cap == RETRY_AFTER_CAP_S == 90 * 60
    assert policy.delay(1, "1", NOW) == pytest.approx(max(1.0, base))
    assert policy.delay(3, "7200", NOW) == RETRY_AFTER_CAP_S
    assert policy.delay(1, _http_date(2 * 3600), NOW) == RETRY_AFTER_CAP_S


def test_a_hostile_http_date_changes_nothing() -> None:
    assert parse_retry_after("Wed, 21 Oct 99999 07:28:00 GMT", NOW) is None


@pytest.mark.parametrize(
    ("attempts_made", "max_retries", "left"),
    [(1, 10, True), (10, 10, True), (11, 10, False), (1, 0, False), (2, 1, False)],
)
def test_retries_left(attempts_made: int, max_retries: int, left: bool) -> None:
    assert RetryPolicy(max_retries=max_retries).retries_left(attempts_made) is left


@pytest.mark.parametrize(("kwargs"), [{"max_retries": -1}, {"base": -0.5}])
def test_invalid_policy(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
