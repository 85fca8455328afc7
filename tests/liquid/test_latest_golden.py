"""The golden-liquid corpus, rendered by LiquidJS and by us, compared.

Each case renders with the real LiquidJS and with this engine; the outputs (or the
failures) must agree as :func:`latest_check.mismatch` defines. The golden expectations
themselves describe Shopify's Liquid, so they are not used: LiquidJS is the reference.
Cases that need partial templates (``templates``: a file system) are not applicable,
since a webhook template has none and LiquidJS here has none either.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from latest_check import mismatch
from oracles import GOLDEN

CASES = json.loads(GOLDEN.read_text(encoding="utf-8"))["tests"]
APPLICABLE = [case for case in CASES if "templates" not in case]
NOT_APPLICABLE = [case["name"] for case in CASES if "templates" in case]


@pytest.mark.parametrize("case", APPLICABLE, ids=[case["name"] for case in APPLICABLE])
def test_golden_case_matches_liquidjs(latest_oracle: Any, case: dict[str, Any]) -> None:
    """We render the case as LiquidJS does."""
    found = mismatch(latest_oracle, case["template"], case.get("data") or {})
    assert found is None, found


def test_only_partials_are_left_out() -> None:
    """Only the cases with partial templates are skipped, and they are few."""
    assert len(APPLICABLE) + len(NOT_APPLICABLE) == len(CASES)
    assert len(NOT_APPLICABLE) < 50
