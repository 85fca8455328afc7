"""The kept differences: LiquidJS does what the table says, and so do we."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from latest_check import STANDARD
from oracles import HERE

from composer.liquid.latest import ENGINE, KEPT_DIFFERENCES, KeptDifference

ROOT = HERE.parent.parent


def _id(entry: KeptDifference) -> str:
    return entry.reason.split(" ")[0] + ":" + entry.template[:30]


@pytest.mark.parametrize("entry", KEPT_DIFFERENCES, ids=_id)
def test_liquidjs_does_what_the_table_says(latest_oracle: Any, entry: KeptDifference) -> None:
    """The real engine's side of the entry."""
    answer = latest_oracle.render(entry.template, entry.context)
    if entry.liquidjs == "error":
        assert answer.error is not None
    elif entry.liquidjs.startswith("the text of "):
        assert answer.output == (ROOT / entry.liquidjs.removeprefix("the text of ")).read_text()
    else:
        assert answer.error is None
        assert answer.output == entry.liquidjs


@pytest.mark.parametrize("entry", KEPT_DIFFERENCES, ids=_id)
@pytest.mark.parametrize("engine", [STANDARD, ENGINE], ids=["standard", "with-customerio"])
def test_we_do_what_the_table_says(entry: KeptDifference, engine: Any) -> None:
    """Our side of the entry."""
    outcome = engine.render(entry.template, entry.context)
    if entry.ours == "error":
        assert outcome.error is not None
    else:
        assert outcome.error is None
        assert outcome.text == entry.ours


def test_every_difference_is_explained() -> None:
    """Each entry says why, and differs from LiquidJS."""
    for entry in KEPT_DIFFERENCES:
        assert entry.reason and entry.liquidjs != entry.ours
    assert Path(ROOT / "tests/oracles/js/package.json").exists()
