"""Render for every person: which people (and events) a request breaks for, grouped by why.

:func:`check_request` renders a request against every person given (and against each of
their events when a template uses ``event`` or ``event_name``), exactly as
:func:`composer.rendering.render.render` would, and reports those whose rendering has an error or a
warning. It is plain Python with plain-callable hooks (``progress(done, total)``,
``cancelled() -> bool``), so the window runs it off the GUI thread and the command line
runs it directly.

Decisions:

* **Failing** means having an *error* diagnostic (the request would not be sent, or would
  be sent broken, such as JSON that does not parse). People with warnings only are
  listed too, but do not fail; ``webhook-composer check`` exits 1 only when someone fails
  (``--strict`` makes warnings fail too).
* **Events.** Whether the request uses the event is decided by the Liquid engine's static
  analysis of every template (a regular expression when a template does not parse).
  When it does, each of a person's events is one rendering; a person without events is
  rendered once with no event, as a trigger without one would be.
* **Grouping.** Diagnostics are grouped by severity, part, template position and message,
  with the person-specific bits of the message (positions in the rendered text, quoted
  form fields) replaced by ``…``, so "a quote in the name breaks the JSON" is one group
  however many people have one.
* **Speed.** Templates are parsed once (each Liquid engine caches parses). People
  whose values for the variables the templates use are the same render the same, so
  each distinct combination is rendered once (:mod:`composer.check.plan`); when the
  first thousand renderings are nearly all different, the rest are not compared, since
  making the keys would cost more than it saves. When the URL and headers do not use the
  person, they are rendered once for everybody and only the body is rendered per person,
  through the same functions :func:`~composer.rendering.render.render` uses. Secrets are rendered
  masked; only their names matter. ``now`` is fixed for the whole check, so
  ``{{ 'now' | date: … }}`` is worked out once. Events are read a few hundred people at
  a time when the caller offers ``events_for_many`` (one query each instead of one per
  person).
* **Worker processes.** With a thousand people or more (or an unknown number), chunks of
  renderings go to worker processes started with ``fork`` (:mod:`composer.check.workers`;
  Linux only); the calling thread reads people and events, hands out the chunks and
  collects the results in order, so progress and cancellation keep working. Elsewhere,
  or with ``workers=1``, everything runs in the calling thread.

``check --json`` prints ``[{"person": ID, "event": NAME | null, "diagnostics": [{"severity",
"where", "line", "column", "message"}, ...]}, ...]`` for every person with a diagnostic,
in the order people were given; ``"event"`` is present only when the request uses the
event (``null`` for a person rendered without one).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from composer.check.plan import Plan
from composer.check.workers import CHUNK, PARALLEL_FROM, Renderer, Runner, default_workers
from composer.model import Event, Person, Request, context_for
from composer.rendering.diagnostics import Diagnostic
from composer.rendering.render import MASK
from composer.wording import counted

__all__ = [
    "CheckReport",
    "DiagnosticGroup",
    "PersonResult",
    "Sweep",
    "check_request",
    "default_workers",
    "normalise",
    "sweep",
]

_EVERY = 200
_KEY_TRIAL = 1000  # renderings after which keys that never match are no longer made
_RENDERED_AT = re.compile(r"rendered line \d+, column \d+")
_FORM_FIELD = re.compile(r"form field '.*?' has")


@dataclass(frozen=True, slots=True)
class PersonResult:
    """One rendering that has diagnostics."""

    person_id: str
    """The person's id."""
    event_index: int | None
    """Which of the person's events (0-based, oldest first), or None when rendered without."""
    event_name: str | None
    """That event's name, or None."""
    diagnostics: tuple[Diagnostic, ...]
    """What the linter found, as :func:`composer.rendering.render.render` reports it."""

    @property
    def failed(self) -> bool:
        """Whether a diagnostic is an error."""
        return any(d.severity == "error" for d in self.diagnostics)

    def to_dict(self, with_event: bool) -> dict[str, Any]:
        """The ``check --json`` item."""
        data: dict[str, Any] = {"person": self.person_id}
        if with_event:
            data["event"] = self.event_name
        data["diagnostics"] = [d.to_dict() for d in self.diagnostics]
        return data


@dataclass(frozen=True, slots=True)
class DiagnosticGroup:
    """The renderings that share one diagnostic, person-specific details aside."""

    severity: str
    """``error`` or ``warning``."""
    where: str
    """The part of the request."""
    line: int
    """Line in that part's template."""
    column: int
    """Column in that line."""
    message: str
    """The message with person-specific bits replaced by ``…``."""
    results: tuple[PersonResult, ...]
    """The renderings that have it, in the order people were given."""

    def __str__(self) -> str:
        count = len(self.results)
        who = counted(count, "rendering")
        return f"{who}: {self.where}:{self.line}:{self.column}: {self.severity}: {self.message}"


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What rendering a request for every person found."""

    request_name: str
    """The request checked."""
    uses_event: bool
    """Whether a template uses ``event`` or ``event_name`` (one rendering per event)."""
    people: int
    """How many people were checked."""
    renderings: int
    """How many renderings that took (people × events)."""
    results: tuple[PersonResult, ...]
    """Every rendering with a diagnostic, in the order people were given."""
    groups: tuple[DiagnosticGroup, ...]
    """The same, grouped by diagnostic; errors first, then by how many they hit."""
    cancelled: bool
    """Whether the check stopped early (the counts say how far it got)."""
    elapsed_s: float
    """Wall-clock seconds the check took."""

    @property
    def failed(self) -> tuple[PersonResult, ...]:
        """The renderings with an error."""
        return tuple(r for r in self.results if r.failed)

    def to_json(self) -> list[dict[str, Any]]:
        """The list ``check --json`` prints."""
        return [result.to_dict(self.uses_event) for result in self.results]


def normalise(message: str) -> str:
    """A diagnostic message with the person-specific bits replaced by ``…``."""
    message = _RENDERED_AT.sub("rendered line …, column …", message)
    return _FORM_FIELD.sub("form field … has", message)


def check_request(
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
) -> CheckReport:
    """Render ``request`` for every person (and event); report the renderings with findings.

    ``events_for(person_id)`` gives a person's events, oldest first; it is called (in the
    calling thread) only when the request uses the event. ``events_for_many(ids)``, when
    given, is used instead for a few hundred people at a time (a person missing from
    what it returns has no events). ``secret_names`` are the
    secrets that are set (a template naming another one gets the error a render gives).
    ``progress(done, total)`` counts people rendered; it is called every few hundred
    people and at the end (``total`` is the one given, or ``len(people)``, else None).
    When ``cancelled()`` returns true the check stops and the report says so.
    ``workers`` processes share the rendering when there are many people (default:
    :func:`default_workers`; 1 renders in the calling thread).
    """
    started = time.monotonic()
    plan = Plan.of(request)
    renderer = Renderer(
        request, {name: MASK for name in secret_names}, zone, now or dt.datetime.now(dt.UTC)
    )
    job = renderer.body_only if plan.fixed_head else renderer.full
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
    results = [
        PersonResult(person_id, index, name, done.found[slot])
        for person_id, index, name, slot in done.rows
        if done.found.get(slot)
    ]
    return CheckReport(
        request_name=request.name,
        uses_event=plan.uses_event,
        people=done.people,
        renderings=done.renderings,
        results=tuple(results),
        groups=_group(results),
        cancelled=done.cancelled,
        elapsed_s=time.monotonic() - started,
    )


@dataclass(frozen=True, slots=True)
class Sweep:
    """A job run for every person (and event): what it gave, by rendering."""

    rows: list[tuple[str, int | None, str | None, int]]
    """``(person id, event index, event name, slot)`` per rendering, in people's order;
    renderings with equal keys share a slot."""
    found: dict[int, Any]
    """The job's result for each slot that ran."""
    people: int
    """How many people were done."""
    cancelled: bool
    """Whether the sweep stopped early."""

    @property
    def renderings(self) -> int:
        """How many renderings ran (people × events)."""
        return sum(1 for row in self.rows if row[3] in self.found)


def sweep(
    plan: Plan,
    job: Callable[[dict[str, Any]], Any],
    people: Iterable[Person],
    events_for: Callable[[str], Sequence[Event]],
    *,
    events_for_many: Callable[[list[str]], Mapping[str, Sequence[Event]]] | None = None,
    progress: Callable[[int, int | None], object] | None = None,
    cancelled: Callable[[], bool] | None = None,
    total: int | None = None,
    workers: int | None = None,
) -> Sweep:
    """Run ``job`` on the context of every person (and event), sharing equal contexts.

    The arguments are :func:`check_request`'s; ``job`` must be a function of one context
    whose result pickles (it may run in a worker process).
    """
    if total is None and isinstance(people, Sequence):
        total = len(people)
    wanted = default_workers() if workers is None else max(1, workers)
    if total is not None and total < PARALLEL_FROM:
        wanted = 1
    runner = Runner(job, wanted)
    slots: dict[str, int] = {}
    rows: list[tuple[str, int | None, str | None, int]] = []
    chunk: list[tuple[int, dict[str, Any]]] = []
    count = next_slot = 0
    keyed = plan.paths is not None
    stopped = False

    def tick() -> bool:
        if progress is not None:
            progress(runner.done_people, total)
        return cancelled is not None and cancelled()

    remaining = iter(people)
    try:
        while batch := list(itertools.islice(remaining, _EVERY)):
            if count and tick():
                stopped = True
                break
            known: Mapping[str, Sequence[Event]] = {}
            if plan.uses_event and events_for_many is not None:
                known = events_for_many([person.id for person in batch])
            for person in batch:
                count += 1
                events: Sequence[Event | None] = [None]
                if plan.uses_event:
                    if events_for_many is None:
                        events = list(events_for(person.id)) or [None]
                    else:
                        events = list(known.get(person.id, ())) or [None]
                if keyed and len(rows) >= _KEY_TRIAL and len(slots) > 0.9 * len(rows):
                    keyed = False  # nearly everybody differs: comparing costs more than it saves
                for index, event in enumerate(events):
                    context = context_for(person, event)
                    key = plan.key(context) if keyed else None
                    slot = slots.get(key, -1) if key is not None else -1
                    if slot < 0:
                        slot = next_slot
                        next_slot += 1
                        if key is not None:
                            slots[key] = slot
                        chunk.append((slot, context))
                    name = event.name if event is not None else None
                    rows.append((person.id, index if event is not None else None, name, slot))
                if len(chunk) >= CHUNK:
                    runner.submit(chunk, count)
                    chunk = []
        if chunk and not stopped:
            runner.submit(chunk, count)
        if not stopped:
            stopped = not runner.finish(tick)
    finally:
        runner.close()
    if progress is not None and not stopped:
        progress(count, total)
    return Sweep(rows, runner.found, runner.done_people if stopped else count, stopped)


def _group(results: Sequence[PersonResult]) -> tuple[DiagnosticGroup, ...]:
    grouped: dict[tuple[str, str, int, int, str], list[PersonResult]] = {}
    for result in results:
        keys = {
            (d.severity, d.where, d.line, d.column, normalise(d.message))
            for d in result.diagnostics
        }
        for key in sorted(keys):
            grouped.setdefault(key, []).append(result)
    groups = [DiagnosticGroup(*key, results=tuple(hits)) for key, hits in grouped.items()]
    groups.sort(key=lambda g: (g.severity != "error", -len(g.results), g.where, g.line))
    return tuple(groups)
