"""The golden-liquid suite through the real Ruby Liquid 2.5.3 and through legacy Liquid.

golden-liquid (``tests/oracles/golden-liquid``) was written against Ruby Liquid 5, so
its expected results are not 2.5.3's (no ``echo``, no whitespace control, other
filters): the real 2.5.3 engine is the reference, and every case must render here as it
renders there (a case 2.5.3 refuses to parse must raise ``LiquidSyntaxError`` here).
Cases with several templates (partials) are rendered as their main template: 2.5.3's
``include``/``render`` have no file system in Customer.io's setup either.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from legacy_compare import differences
from oracles import GOLDEN

CASES: list[dict[str, Any]] = [
    case for case in json.loads(GOLDEN.read_text(encoding="utf-8"))["tests"] if "template" in case
]
CHUNK = 100


@pytest.mark.parametrize("start", range(0, len(CASES), CHUNK))
def test_golden_liquid_renders_as_ruby_liquid_2_5_3(legacy_oracle: Any, start: int) -> None:
    chunk = CASES[start : start + CHUNK]
    assert (
        differences(legacy_oracle, [(case["template"], case.get("data", {})) for case in chunk])
        == []
    )


def test_golden_liquid_is_all_there() -> None:
    assert len(CASES) == 1054
