"""Counting in plain English, one way everywhere (composer.wording)."""

from __future__ import annotations

import pytest

from composer.wording import counted, plural


@pytest.mark.parametrize(
    ("n", "one", "many", "grouped", "said"),
    [
        (0, "person", "people", False, "0 people"),
        (1, "person", "people", False, "1 person"),
        (2, "person", "people", False, "2 people"),
        (1000, "person", "people", True, "1,000 people"),
        (1000, "person", "people", False, "1000 people"),
        (1, "match", "matches", False, "1 match"),
        (3, "attempt", None, False, "3 attempts"),
        (1, "attempt", None, False, "1 attempt"),
        (-1, "item", None, False, "-1 items"),
    ],
)
def test_counted(n: int, one: str, many: str | None, grouped: bool, said: str) -> None:
    assert counted(n, one, many, grouped=grouped) == said


def test_plural_is_the_word_alone() -> None:
    assert [plural(n, "differs", "differ") for n in (0, 1, 2)] == ["differ", "differs", "differ"]
