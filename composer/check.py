"""Render for every person: which people (and events) a request breaks for, grouped by why.

:func:`check_request` renders a request against every person given (and against each of
their events when a template uses ``event`` or ``event_name``), exactly as
:func:`composer.render.render` would, and reports those whose rendering has an error or a
warning. It is plain Python with plain-callable hooks (``progress(done, total)``,
``cancelled() -> bool``), so the window runs it off the GUI thread and the command line
runs it directly.

Decisions:

* **Failing** means having an *error* diagnostic (the request would not be sent, or would
  be sent broken, such as JSON that does not parse). People with warnings only are
  listed too, but do not fail; ``webhook-composer check`` exits 1 only when someone fails
  (``--strict`` makes warnings fail too).
* **Events.** Whether the request uses the event is decided by python-liquid's static
  analysis of every template (a regular expression when a template does not parse).
  When it does, each of a person's events is one rendering; a person without events is
  rendered once with no event, as a trigger without one would be.
* **Grouping.** Diagnostics are grouped by severity, part, template position and message,
  with the person-specific bits of the message (positions in the rendered text, quoted
  form fields) replaced by ``…``, so "a quote in the name breaks the JSON" is one group
  however many people have one.
* **Speed.** Templates are parsed once (the Liquid environment caches parses). People
  whose values for the variables the templates use are the same render the same, so
  each distinct combination is rendered once. When the URL and headers do not use the
  person, they are rendered once for everybody and only the body is rendered per person,
  through the same functions :func:`~composer.render.render` uses (a test checks that the
  diagnostics are identical to a full render). Secrets are rendered masked; only their
  names matter.
* **Worker processes.** With a thousand people or more (or an unknown number), chunks of
  renderings go to worker processes started with ``fork`` (Linux only: nothing has to be
  imported again and no ``__main__`` guard is needed, in a bundle too); the calling
  thread reads people and events, hands out the chunks and collects the results in
  order, so progress and cancellation keep working. Elsewhere, or with ``workers=1``,
  everything runs in the calling thread.

``check --json`` prints ``[{"person": ID, "event": NAME | null, "diagnostics": [{"severity",
"where", "line", "column", "message"}, ...]}, ...]`` for every person with a diagnostic,
in the order people were given; ``"event"`` is present only when the request uses the
event (``null`` for a person rendered without one).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from liquid.exceptions import LiquidError

from composer.diagnostics import Diagnostic
from composer.liquid_env import parse
from composer.model import Event, Person, Request, context_for
from composer.render import MASK, render, render_body

__all__ = [
    "CheckReport",
    "DiagnosticGroup",
    "PersonResult",
    "check_request",
    "default_workers",
    "normalise",
]

_EVERY = 200
_PERSON_ROOTS = ("customer", "event", "event_name")
_EVENT_WORD = re.compile(r"\bevent(_name)?\b")
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
    """What the linter found, as :func:`composer.render.render` reports it."""

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
        who = "1 rendering" if count == 1 else f"{count} renderings"
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


def _templates(request: Request) -> list[str]:
    return [request.url, *(h.value for h in request.headers), request.body]


def _person_paths(template: str) -> dict[str, set[str] | None] | None:
    """Per root (customer, event, event_name), the first-level keys used (None: all of it).

    Returns None when the template does not parse.
    """
    try:
        analysis = parse(template).analyze()
    except LiquidError:
        return None
    used: dict[str, set[str] | None] = {}
    for root, variables in analysis.globals.items():
        if root not in _PERSON_ROOTS:
            continue
        for variable in variables:
            segments = variable.segments
            key = segments[1] if len(segments) > 1 else None
            if root == "event_name" or not isinstance(key, str):
                used[root] = None
            elif used.get(root, set()) is not None:
                keys = used.setdefault(root, set())
                assert keys is not None
                keys.add(key)
    return used


@dataclass(slots=True)
class _Plan:
    """What the request's templates use of the person, worked out once."""

    uses_event: bool
    fixed_head: bool
    paths: dict[str, set[str] | None] | None

    @classmethod
    def of(cls, request: Request) -> _Plan:
        merged: dict[str, set[str] | None] | None = {}
        head_uses_person = False
        templates = _templates(request)
        for i, template in enumerate(templates):
            used = _person_paths(template)
            if used is None:
                merged = None
                head_uses_person = head_uses_person or i < len(templates) - 1
                continue
            if used and i < len(templates) - 1:
                head_uses_person = True
            if merged is not None:
                for root, keys in used.items():
                    have = merged.get(root, set())
                    merged[root] = None if keys is None or have is None else have | keys
        if merged is None:
            uses_event = any(_EVENT_WORD.search(t) for t in templates)
        else:
            uses_event = "event" in merged or "event_name" in merged
        return cls(uses_event, not head_uses_person, merged)

    def key(self, context: dict[str, Any]) -> str | None:
        """Equal keys render equally; None when that cannot be told."""
        if self.paths is None:
            return None
        picked: dict[str, Any] = {}
        for root, keys in self.paths.items():
            value = context.get(root)
            if keys is None or not isinstance(value, dict):
                picked[root] = [value] if root in context else []
            else:
                picked[root] = {k: value[k] for k in keys if k in value}
        try:
            return json.dumps(picked, sort_keys=True, ensure_ascii=False, allow_nan=True)
        except (TypeError, ValueError):
            return None


class _Renderer:
    """The diagnostics of one rendering, reusing what does not depend on the person."""

    def __init__(
        self, request: Request, secrets: dict[str, str], zone: dt.tzinfo, now: dt.datetime
    ) -> None:
        self.request = request
        self.secrets = secrets
        self.zone = zone
        self.now = now
        self._head: tuple[tuple[Diagnostic, ...], str] | None = None

    def full(self, context: dict[str, Any]) -> tuple[Diagnostic, ...]:
        rendered = render(self.request, context, secrets=self.secrets, zone=self.zone, now=self.now)
        return rendered.diagnostics

    def body_only(self, context: dict[str, Any]) -> tuple[Diagnostic, ...]:
        """URL and headers rendered once (they do not use the person), the body each time."""
        if self._head is None:
            headless = dataclasses.replace(self.request, body="")
            rendered = render(headless, context, secrets=self.secrets, zone=self.zone, now=self.now)
            content_type = ""
            for header, (_, value) in zip(self.request.headers, rendered.headers, strict=False):
                if header.name.strip().lower() == "content-type":
                    content_type = value
            self._head = (rendered.diagnostics, content_type)
        head, content_type = self._head
        _, found = render_body(
            self.request, context, content_type, secrets=self.secrets, zone=self.zone, now=self.now
        )
        return head + found


_CHUNK = 256
_PARALLEL_FROM = 1000


def default_workers() -> int:
    """Processes a large check uses: the CPU count (at most 8) where ``fork`` is safe.

    ``fork`` is used on Linux only (macOS's system libraries are not fork-safe, and
    ``spawn`` would start every worker from scratch), and on Python 3.12 and later only
    while the process has a single thread (3.12 deprecates forking a threaded process);
    otherwise the check runs in the calling thread.
    """
    if not sys.platform.startswith("linux"):
        return 1
    if sys.version_info >= (3, 12) and _os_threads() > 1:
        return 1  # Python 3.12+ deprecates fork in a process with threads (the window's)
    return max(1, min(8, os.cpu_count() or 1))


def _os_threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


_worker: _Renderer | None = None
_worker_fixed_head = False


def _start_worker(renderer: _Renderer, fixed_head: bool) -> None:
    global _worker, _worker_fixed_head
    _worker, _worker_fixed_head = renderer, fixed_head


def _work(chunk: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, tuple[Diagnostic, ...]]]:
    assert _worker is not None
    diagnose = _worker.body_only if _worker_fixed_head else _worker.full
    return [(slot, diagnose(context)) for slot, context in chunk]


class _Runner:
    """Renders chunks of contexts inline or in worker processes, keeping their order."""

    def __init__(self, renderer: _Renderer, fixed_head: bool, workers: int) -> None:
        self.diagnose = renderer.body_only if fixed_head else renderer.full
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        if workers > 1:
            self.pool = concurrent.futures.ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_start_worker,
                initargs=(renderer, fixed_head),
            )
        self.window = 3 * workers
        self.pending: deque[tuple[Any, int]] = deque()
        self.found: dict[int, tuple[Diagnostic, ...]] = {}
        self.done_people = 0

    def submit(self, chunk: list[tuple[int, dict[str, Any]]], people: int) -> None:
        if self.pool is None:
            self.found.update((slot, self.diagnose(context)) for slot, context in chunk)
            self.done_people = people
            return
        self.pending.append((self.pool.submit(_work, chunk), people))
        while len(self.pending) > self.window:
            self._collect_one()

    def _collect_one(self) -> None:
        future, people = self.pending.popleft()
        self.found.update(future.result())
        self.done_people = people

    def finish(self, tick: Callable[[], bool]) -> bool:
        """Wait for every chunk; False when ``tick`` (called after each) says to stop."""
        while self.pending:
            self._collect_one()
            if tick():
                return False
        return True

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def check_request(
    request: Request,
    people: Iterable[Person],
    events_for: Callable[[str], Sequence[Event]],
    secret_names: Iterable[str] = (),
    *,
    progress: Callable[[int, int | None], object] | None = None,
    cancelled: Callable[[], bool] | None = None,
    total: int | None = None,
    workers: int | None = None,
    zone: dt.tzinfo = dt.UTC,
    now: dt.datetime | None = None,
) -> CheckReport:
    """Render ``request`` for every person (and event); report the renderings with findings.

    ``events_for(person_id)`` gives a person's events, oldest first; it is called (in the
    calling thread) only when the request uses the event. ``secret_names`` are the
    secrets that are set (a template naming another one gets the error a render gives).
    ``progress(done, total)`` counts people rendered; it is called every few hundred
    people and at the end (``total`` is the one given, or ``len(people)``, else None).
    When ``cancelled()`` returns true the check stops and the report says so.
    ``workers`` processes share the rendering when there are many people (default:
    :func:`default_workers`; 1 renders in the calling thread).
    """
    started = time.monotonic()
    if total is None and isinstance(people, Sequence):
        total = len(people)
    plan = _Plan.of(request)
    renderer = _Renderer(
        request, {name: MASK for name in secret_names}, zone, now or dt.datetime.now(dt.UTC)
    )
    wanted = default_workers() if workers is None else max(1, workers)
    if total is not None and total < _PARALLEL_FROM:
        wanted = 1
    runner = _Runner(renderer, plan.fixed_head, wanted)
    slots: dict[str, int] = {}
    rows: list[tuple[str, int | None, str | None, int]] = []
    chunk: list[tuple[int, dict[str, Any]]] = []
    count = next_slot = 0
    stopped = False

    def tick() -> bool:
        if progress is not None:
            progress(runner.done_people, total)
        return cancelled is not None and cancelled()

    try:
        for person in people:
            if count % _EVERY == 0 and count and tick():
                stopped = True
                break
            count += 1
            events: Sequence[Event | None] = [None]
            if plan.uses_event:
                events = list(events_for(person.id)) or [None]
            for index, event in enumerate(events):
                context = context_for(person, event)
                key = plan.key(context)
                slot = slots.get(key, -1) if key is not None else -1
                if slot < 0:
                    slot = next_slot
                    next_slot += 1
                    if key is not None:
                        slots[key] = slot
                    chunk.append((slot, context))
                name = event.name if event is not None else None
                rows.append((person.id, index if event is not None else None, name, slot))
            if len(chunk) >= _CHUNK:
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
    results = [
        PersonResult(person_id, index, name, runner.found[slot])
        for person_id, index, name, slot in rows
        if runner.found.get(slot)
    ]
    return CheckReport(
        request_name=request.name,
        uses_event=plan.uses_event,
        people=runner.done_people if stopped else count,
        renderings=sum(1 for row in rows if row[3] in runner.found),
        results=tuple(results),
        groups=_group(results),
        cancelled=stopped,
        elapsed_s=time.monotonic() - started,
    )


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
