"""Who would receive different bytes after switching a request's Liquid version.

Customer.io lets an older account move a message from legacy Liquid to latest one
message at a time, and back; it offers no way to see beforehand whom the switch changes.
:func:`upgrade_check` renders a request for every person (and event, when a template
uses one) with both versions, exactly as :func:`composer.rendering.render.render_both` does, and
reports every rendering whose method, URL, headers or body differ, grouped by the place
in the templates where the two versions first part ways. It runs on the same machinery
as the per-person check (:func:`composer.check.sweep.sweep`): equal contexts render once, and
many people are shared between worker processes.

"From" is the request's own version and "to" the other one, so for a legacy request it
answers "what would upgrading change" and for a latest one "what would a downgrade
change". Secrets render masked (their values cannot differ between versions), ``now`` is
fixed for the whole run.

``upgrade-check --json`` prints ``{"request", "from", "to", "people", "renderings",
"different", "groups": [{"where", "line", "column", "example", "people": [{"person",
"event"}, …]}, …]}``; the command exits 1 when anyone's bytes differ.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from composer.check.plan import Plan
from composer.check.shared_render import render_both_bodies, render_both_many
from composer.check.sweep import sweep
from composer.liquid import DEFAULT_VERSION, VERSIONS, LiquidVersion, other_version
from composer.model import Event, Person, Request
from composer.rendering.diagnostics import Diagnostic
from composer.rendering.render import MASK, VersionComparison, render_both

__all__ = ["UpgradeGroup", "UpgradeReport", "upgrade_check"]


class _Compare:
    """The job run per context: the first difference between the versions, or None.

    When the URL and headers do not use the person (``fixed_head``), they are rendered
    in both versions once, with the first context, and only the body per context
    (:func:`composer.check.shared_render.render_both_bodies`); when the URL or a header
    already differs, that is the first difference for everybody and no body is rendered.
    Otherwise whole requests are rendered (:func:`composer.check.shared_render.render_both_many`).
    :meth:`many` takes a chunk of contexts at a time (:class:`composer.check.workers.Runner`
    hands them so), so that each engine renders a run of them before the other does.
    """

    def __init__(
        self,
        request: Request,
        secrets: dict[str, str],
        zone: dt.tzinfo,
        now: dt.datetime,
        fixed_head: bool = False,
    ) -> None:
        self.request = request
        self.secrets = secrets
        self.zone = zone
        self.now = now
        self.fixed_head = fixed_head
        self._head: VersionComparison | None = None

    def __call__(self, context: dict[str, Any]) -> Diagnostic | None:
        return self.many([context])[0]

    def many(self, contexts: list[dict[str, Any]]) -> list[Diagnostic | None]:
        """The first difference for each of ``contexts``, rendered as a run per version."""
        if not self.fixed_head:
            compared = render_both_many(
                self.request, contexts, secrets=self.secrets, zone=self.zone, now=self.now
            )
            return [_first(both) for both in compared]
        if self._head is None:
            headless = dataclasses.replace(self.request, body="")
            self._head = render_both(
                headless, contexts[0], secrets=self.secrets, zone=self.zone, now=self.now
            )
        if self._head.differences:
            return [self._head.differences[0]] * len(contexts)
        compared = render_both_bodies(
            self.request, contexts, self._head, secrets=self.secrets, zone=self.zone, now=self.now
        )
        return [_first(both) for both in compared]


def _first(both: VersionComparison) -> Diagnostic | None:
    """The first difference between the two renderings, or None."""
    if both.differences:
        return both.differences[0]
    if both.rendered.method != both.other.method:  # not a template: cannot differ today
        return Diagnostic("warning", "method", 1, 1, "the method differs")
    return None


@dataclass(frozen=True, slots=True)
class UpgradeGroup:
    """The renderings whose bytes first differ at one place in the templates."""

    where: str
    """The part of the request: ``url``, ``headers[i]`` or ``body``."""
    line: int
    """Line in that part's template (of the request's own version's rendering)."""
    column: int
    """Column in that line."""
    example: str
    """What differs, for the first rendering in the group."""
    people: tuple[tuple[str, str | None], ...]
    """``(person id, event name)`` of every rendering in the group, in people's order."""

    def to_dict(self) -> dict[str, Any]:
        """The group as ``upgrade-check --json`` prints it."""
        return {
            "where": self.where,
            "line": self.line,
            "column": self.column,
            "example": self.example,
            "people": [{"person": person, "event": event} for person, event in self.people],
        }


@dataclass(frozen=True, slots=True)
class UpgradeReport:
    """What switching a request's Liquid version would change, person by person."""

    request_name: str
    """The request checked."""
    source: LiquidVersion
    """The request's own version."""
    target: LiquidVersion
    """The version it would switch to."""
    people: int
    """How many people were rendered."""
    renderings: int
    """How many renderings (people × events) that took, in each version."""
    groups: tuple[UpgradeGroup, ...]
    """The renderings that differ, grouped by place; the biggest group first."""
    cancelled: bool
    """Whether the run stopped early."""
    elapsed_s: float
    """Wall-clock seconds it took."""

    @property
    def different(self) -> int:
        """How many renderings would change."""
        return sum(len(group.people) for group in self.groups)

    def to_json(self) -> dict[str, Any]:
        """The object ``upgrade-check --json`` prints."""
        return {
            "request": self.request_name,
            "from": self.source,
            "to": self.target,
            "people": self.people,
            "renderings": self.renderings,
            "different": self.different,
            "groups": [group.to_dict() for group in self.groups],
        }


def upgrade_check(
    request: Request,
    people: Iterable[Person],
    events_for: Callable[[str], Sequence[Event]],
    secret_names: Iterable[str] = (),
    *,
    events_for_many: Callable[[list[str]], Mapping[str, Sequence[Event]]] | None = None,
    progress: Callable[[int, int | None], object] | None = None,
    cancelled: Callable[[], bool] | None = None,
    total: int | None = None,
    workers: int | None = None,
    zone: dt.tzinfo = dt.UTC,
    now: dt.datetime | None = None,
) -> UpgradeReport:
    """Render ``request`` for everyone with both versions; report who gets other bytes.

    The arguments are those of :func:`composer.check.sweep.check_request`.
    """
    started = time.monotonic()
    source = request.liquid_version or DEFAULT_VERSION
    plan = Plan.of(request, VERSIONS)
    job = _Compare(
        request,
        {name: MASK for name in secret_names},
        zone,
        now or dt.datetime.now(dt.UTC),
        plan.fixed_head,
    )
    done = sweep(
        plan,
        job,
        people,
        events_for,
        events_for_many=events_for_many,
        progress=progress,
        cancelled=cancelled,
        total=total,
        workers=workers,
    )
    grouped: dict[tuple[str, int, int], tuple[str, list[tuple[str, str | None]]]] = {}
    for person_id, _, event_name, slot in done.rows:
        found: Diagnostic | None = done.found.get(slot)
        if found is None:
            continue
        key = (found.where, found.line, found.column)
        entry = grouped.setdefault(key, (found.message, []))
        entry[1].append((person_id, event_name))
    groups = [
        UpgradeGroup(where, line, column, example, tuple(who))
        for (where, line, column), (example, who) in grouped.items()
    ]
    groups.sort(key=lambda g: (-len(g.people), g.where, g.line, g.column))
    return UpgradeReport(
        request_name=request.name,
        source=source,
        target=other_version(source),
        people=done.people,
        renderings=done.renderings,
        groups=tuple(groups),
        cancelled=done.cancelled,
        elapsed_s=time.monotonic() - started,
    )
