"""docs/liquid-differences.md lists every difference the engines keep from the real ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.liquid import latest, legacy

DOC = Path(__file__).resolve().parents[2] / "docs" / "liquid-differences.md"


def _doc_text() -> str:
    # Table cells escape the pipe; the reasons in the code do not.
    return DOC.read_text(encoding="utf-8").replace("\\|", "|")


@pytest.mark.parametrize(
    "reason",
    sorted(
        {row.reason for row in legacy.KEPT_DIFFERENCES}
        | {row.reason for row in latest.KEPT_DIFFERENCES}
    ),
)
def test_every_kept_difference_is_explained_in_the_docs(reason: str) -> None:
    # Rows that share a reason ("…; 'today' likewise") share one line of the document,
    # so the reason's first clause is what must be there.
    first_clause = reason.split(";")[0].split(", in any case")[0]
    assert first_clause in _doc_text()
