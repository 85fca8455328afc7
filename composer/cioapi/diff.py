"""The field-by-field difference between a webhook action in Customer.io and a request.

:func:`diff_content` compares the four parts a push sends — method, URL, headers and
body — and returns one :class:`FieldDiff` per part that differs, in that order. "Theirs"
is the action as it is in Customer.io, "ours" the local request (or what a push would
send). Methods compare without regard to case (the App API writes them in lower case);
headers compare as the ordered list of ``name: value`` lines they are.

``mask`` replaces texts in what is *shown* (secret values), never in what is compared.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from composer.cioapi.models import ActionContent

__all__ = ["FIELDS", "FieldDiff", "diff_content"]

FIELDS = ("method", "url", "headers", "body")
"""The parts of a webhook action a push changes, in the order they are compared."""


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One part that differs."""

    field: str
    """``method``, ``url``, ``headers`` or ``body``."""
    theirs: str
    """The part as it is in Customer.io (headers as ``Name: value`` lines)."""
    ours: str
    """The part as it is locally (or as a push would send it)."""

    def unified(self) -> list[str]:
        """A unified diff of the part: ``-`` lines are Customer.io's, ``+`` lines ours."""
        return list(
            difflib.unified_diff(
                self.theirs.splitlines(),
                self.ours.splitlines(),
                f"{self.field} in Customer.io",
                f"{self.field} here",
                lineterm="",
            )
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"field", "theirs", "ours"}`` for ``--json``."""
        return {"field": self.field, "theirs": self.theirs, "ours": self.ours}


def _parts(content: ActionContent) -> dict[str, str]:
    return {
        "method": content.method.upper(),
        "url": content.url,
        "headers": "\n".join(f"{h.name}: {h.value}" for h in content.headers),
        "body": content.body,
    }


def diff_content(
    theirs: ActionContent, ours: ActionContent, mask: Callable[[str], str] | None = None
) -> tuple[FieldDiff, ...]:
    """The parts of ``ours`` that differ from ``theirs``, in :data:`FIELDS` order."""
    show = mask or (lambda text: text)
    left, right = _parts(theirs), _parts(ours)
    return tuple(
        FieldDiff(name, show(left[name]), show(right[name]))
        for name in FIELDS
        if left[name] != right[name]
    )
