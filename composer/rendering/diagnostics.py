"""Diagnostics: what the linter says about a rendered request, and where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Diagnostic", "Severity", "line_column"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding. An ``error`` means the request cannot be sent as it is."""

    severity: Severity
    """``error`` blocks sending; ``warning`` explains a wart Customer.io would send as is."""
    where: str
    """The part of the request: ``url``, ``headers[i]``, ``body`` or ``response_mappings[i]``."""
    line: int
    """1-based line in that part's template (1 when the part has no position)."""
    column: int
    """1-based column in characters (code points) in that line."""
    message: str
    """A plain sentence for a person."""

    def to_dict(self) -> dict[str, object]:
        """The shape ``render --json`` prints."""
        return {
            "severity": self.severity,
            "where": self.where,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"{self.where}:{self.line}:{self.column}: {self.severity}: {self.message}"


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``index`` in ``text`` (clamped to the text)."""
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column
