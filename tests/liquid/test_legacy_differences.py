"""The differences from Ruby Liquid 2.5.3 kept on purpose, each checked both ways.

For every row of :data:`composer.liquid.legacy.KEPT_DIFFERENCES`: the real engine renders
what the row says it renders, and ours renders what the row says (stopping with a
guard's error where the row says so).
"""

from __future__ import annotations

from typing import Any

import pytest
from legacy_compare import NOW_TEXT

from composer.liquid.errors import RenderLimitError
from composer.liquid.legacy import ENGINE, KEPT_DIFFERENCES, KeptDifference
from composer.liquid.legacy.differences import NOW


@pytest.mark.parametrize("row", KEPT_DIFFERENCES, ids=lambda row: row.template[:40])
def test_ruby_does_what_the_row_says(legacy_oracle: Any, row: KeptDifference) -> None:
    assert NOW.isoformat().replace("+00:00", "Z") == NOW_TEXT
    answer = legacy_oracle.render(row.template, row.context, now=NOW_TEXT)
    assert answer.error is None
    assert answer.output == row.ruby


@pytest.mark.parametrize("row", KEPT_DIFFERENCES, ids=lambda row: row.template[:40])
def test_we_do_what_the_row_says(row: KeptDifference) -> None:
    outcome = ENGINE.render(row.template, row.context, now=NOW)
    assert outcome.text == row.ours
    if row.stopped:
        assert isinstance(outcome.error, RenderLimitError)
    else:
        assert outcome.error is None
    assert row.ours != row.ruby or row.stopped
    assert row.reason
