"""A bulk run: one request for many people, through the outbox, with progress and a summary.

The command line's ``deliver`` (for stored people) and ``send --people`` (for people in a
file, without a workspace) both come here. A run selects people, makes one delivery per
person in one transaction (:meth:`composer.delivery.records.Deliveries.create_many`), drives
the one engine (:meth:`composer.delivery.outbox.Outbox.run`) and reads back every delivery as a
:class:`PersonResult`. Decisions:

* **Settling, or waiting.** By default a run ends once every delivery has *settled*:
  succeeded, failed, or waiting for a retry (the window's bulk send does the same); the
  engine is then stopped after its attempts in flight, and the waiting deliveries stay
  ``waiting_retry`` in the workspace, where ``webhook-composer outbox run`` sends them
  when they fall due. ``wait=True`` keeps the run going through the retry schedule
  until every delivery has succeeded or failed. A run without a workspace (``send``)
  always waits: its outbox is thrown away at the end, so nothing could send the retries.
* **Exit code.** 0 when every person's delivery succeeded (a ``draft`` request's
  deliveries, recorded for approval, count as done); 1 when any failed, did not render,
  was cancelled, or is still waiting for a retry (waiting is not success: a pipeline must
  not pass while a webhook has not been accepted); the summary says where the waiting
  ones are. In a dry run, 1 when anyone's request does not render.
* **Never sent twice.** Each person appears once in a run, whatever the selection
  (``--person`` given twice, a file listing an id twice); the engine claims each delivery
  in a transaction before its attempt, so a delivery is sent by one run only.
* **Events and forcing.** Without an event or ``force``, deliveries are made by
  ``create_many``, which records a person whose request does not render as a ``failed``
  delivery. With an event (``send --event``) or ``force``, each person's delivery is
  made with :meth:`~composer.delivery.records.Deliveries.create` inside one transaction; a
  person whose request does not render then has no delivery row, and the result holds the
  reason.
* **Stopping.** :meth:`Run.stop` (Ctrl+C on the command line) stops the engine after the
  attempts in flight; deliveries not started stay ``queued`` and count as ``stopped``.
* **Secrets** never leave the engine: the results hold the masked rendering, and errors
  and response bodies as the outbox recorded them (masked).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from composer import json_input
from composer.delivery.outbox import Outbox
from composer.delivery.records import Delivery, DeliveryEvent, RenderFailed, settled
from composer.delivery.retry import RetryPolicy
from composer.errors import InvalidFileError, NotFoundError
from composer.model import Event, Person, Request, context_for
from composer.rendering.render import RenderedRequest, render
from composer.store.database import Database
from composer.store.people_io import read_people

__all__ = [
    "OUTCOMES",
    "PersonResult",
    "Run",
    "RunResult",
    "dry_run",
    "masked_rendering",
    "read_event",
    "read_person_ids",
    "select_people",
]

OUTCOMES = (
    "succeeded",
    "failed",
    "not_rendered",
    "waiting_retry",
    "draft",
    "cancelled",
    "stopped",
    "would_send",
)
"""What became of one person: sent and accepted; finally failed; not sent because the
request does not render for them; waiting for a retry in the outbox; recorded as a draft
to approve; cancelled; not started because the run was stopped; in a dry run, renders
and would be sent."""

_OK = ("succeeded", "draft", "would_send")
_RUNNING = ("queued", "sending", "waiting_retry")


@dataclass(frozen=True, slots=True)
class PersonResult:
    """What a run did for one person."""

    person_id: str
    """The person."""
    outcome: str
    """One of :data:`OUTCOMES`."""
    delivery_id: int | None = None
    """The delivery in the outbox (None in a dry run or when none was recorded)."""
    request: dict[str, Any] | None = None
    """The masked rendering ``{"method", "url", "headers", "body"}``; None when it failed."""
    attempts: tuple[dict[str, Any], ...] = ()
    """Every attempt as ``{"n", "status", "error", "elapsed_ms"}``."""
    error: str | None = None
    """The plain-language problem (render error, last attempt's error), if any."""
    response_body: str | None = None
    """The start of the last response's body (masked), if there was one."""
    attribute_updates: dict[str, Any] = field(default_factory=dict)
    """What the response mappings set on the person."""
    next_attempt_at: float | None = None
    """When a waiting delivery's next attempt is due."""

    @property
    def ok(self) -> bool:
        """Whether this person counts as done for the exit code."""
        return self.outcome in _OK

    @property
    def status(self) -> int | None:
        """The last attempt's HTTP status, if any."""
        return self.attempts[-1]["status"] if self.attempts else None

    @property
    def seconds(self) -> float:
        """Time spent on the wire, all attempts together."""
        return sum((a["elapsed_ms"] or 0.0) for a in self.attempts) / 1000

    def to_dict(self) -> dict[str, Any]:
        """The shape of one person in the JSON report."""
        return {
            "person": self.person_id,
            "outcome": self.outcome,
            "delivery_id": self.delivery_id,
            "status": self.status,
            "error": self.error,
            "attempts": list(self.attempts),
            "request": self.request,
            "response_body": self.response_body,
            "attribute_updates": self.attribute_updates,
            "next_attempt_at": self.next_attempt_at,
        }


@dataclass(frozen=True, slots=True)
class RunResult:
    """Everything a run did, in the order people were selected."""

    request_name: str
    """The request sent."""
    results: tuple[PersonResult, ...]
    """One per person."""
    started_at: float
    """Unix seconds when the run started."""
    seconds: float
    """How long it took."""
    dry_run: bool = False
    """Whether nothing was sent."""

    def counts(self) -> dict[str, int]:
        """How many people had each outcome, plus ``people`` and ``sent`` (an attempt made)."""
        counts = dict.fromkeys(("people", "sent", *OUTCOMES), 0)
        counts["people"] = len(self.results)
        for result in self.results:
            counts[result.outcome] += 1
            counts["sent"] += bool(result.attempts)
        return counts

    @property
    def exit_code(self) -> int:
        """0 when everyone's delivery succeeded (or would be sent), else 1."""
        return 0 if all(r.ok for r in self.results) else 1

    def summary(self) -> str:
        """``Sent 3 · Succeeded 2 · Failed 1 · Waiting for a retry 0`` and the rarer counts."""
        c = self.counts()
        if self.dry_run:
            parts = [f"Would send {c['would_send']}", f"Does not render {c['not_rendered']}"]
            return f"Dry run of “{self.request_name}” for {c['people']} people: " + " · ".join(
                parts
            )
        parts = [
            f"Sent {c['sent']}",
            f"Succeeded {c['succeeded']}",
            f"Failed {c['failed']}",
            f"Waiting for a retry {c['waiting_retry']}",
        ]
        extra = (
            ("not_rendered", "Does not render"),
            ("draft", "Drafts to approve"),
            ("cancelled", "Cancelled"),
            ("stopped", "Not started (stopped)"),
        )
        parts += [f"{label} {c[key]}" for key, label in extra if c[key]]
        return " · ".join(parts) + f" ({self.seconds:.2f} s)"

    def to_dict(self) -> dict[str, Any]:
        """The JSON report: the request, when, the counts and every person."""
        started = dt.datetime.fromtimestamp(self.started_at, dt.UTC)
        return {
            "request": self.request_name,
            "dry_run": self.dry_run,
            "started_at": started.isoformat(timespec="seconds"),
            "seconds": round(self.seconds, 3),
            "summary": self.counts(),
            "people": [r.to_dict() for r in self.results],
        }


# -- choosing people ----------------------------------------------------------------------


def read_person_ids(path: Path | str) -> list[str]:
    """Person ids from a file: a people file (``.json``, ``.csv``; only ``id`` is used)
    or plain text with one id per line (blank lines and ``#`` comments skipped)."""
    source = str(path)
    if Path(path).suffix.lower() in (".json", ".csv"):
        return [record.person.id for record in read_people(path)]
    text = json_input.decode_text(json_input.read_file(path, source), source)
    ids = [line.strip() for line in text.splitlines()]
    return [i for i in ids if i and not i.startswith("#")]


def select_people(
    db: Database,
    *,
    everyone: bool = False,
    ids: Sequence[str] = (),
    search: str | None = None,
    source: str = "--person",
) -> list[Person]:
    """The stored people a run is for, each once, in the order given (or stored).

    Raises :class:`NotFoundError` naming the first unknown id (``source`` says where it
    came from) and when nobody is selected.
    """
    if everyone:
        people = db.people.list()
        what = "the workspace has no people"
    elif search is not None:
        people = db.people.search(search)
        what = f"nobody matches --search {search!r}"
    else:
        wanted = list(dict.fromkeys(ids))
        found = {p.id: p for p in _people_by_id(db, wanted)}
        missing = [i for i in wanted if i not in found]
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise NotFoundError(f'{source}: no person "{missing[0]}" in the workspace{more}.')
        people = [found[i] for i in wanted]
        what = f"{source} names nobody"
    if not people:
        raise NotFoundError(f"Nobody to send to: {what}.")
    return people


def _people_by_id(db: Database, ids: Sequence[str]) -> list[Person]:
    people: list[Person] = []
    for person_id in ids:
        try:
            people.append(db.people.get(person_id))
        except NotFoundError:
            continue
    return people


def read_event(path: Path | str) -> Event:
    """An event file: ``{"name": "signup", "data": {...}, "timestamp": 1700000000}``
    (``data`` and ``timestamp`` optional), the shape of an event in a people JSON file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidFileError(source, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidFileError(source, f"cannot be read ({exc})") from None
    data = json_input.loads(text, source)
    if not isinstance(data, dict):
        raise InvalidFileError(source, 'expected a JSON object with "name" and "data"')
    unknown = sorted(set(data) - {"name", "data", "timestamp"})
    if unknown:
        raise InvalidFileError(source, f'unknown field "{unknown[0]}" (expected name, data)')
    name, payload, timestamp = data.get("name"), data.get("data", {}), data.get("timestamp", 0)
    if not isinstance(name, str) or not name:
        raise InvalidFileError(source, '"name" must be a non-empty string')
    if not isinstance(payload, dict):
        raise InvalidFileError(source, '"data" must be an object')
    if not isinstance(timestamp, int) or isinstance(timestamp, bool):
        raise InvalidFileError(source, '"timestamp" must be whole Unix seconds')
    return Event(name, payload, timestamp)


# -- rendering without sending ------------------------------------------------------------


def masked_rendering(rendered: RenderedRequest) -> dict[str, Any]:
    """A rendering as the outbox stores it (secrets already masked)."""
    return {
        "method": rendered.method,
        "url": rendered.url,
        "headers": [list(pair) for pair in rendered.headers],
        "body": rendered.body,
    }


def _first_error(rendered: RenderedRequest) -> str | None:
    errors = [d for d in rendered.diagnostics if d.severity == "error"]
    return None if not errors else f"The request does not render: {errors[0]}"


def dry_run(
    request: Request,
    people: Iterable[Person],
    secrets: Mapping[str, str],
    event: Event | None = None,
) -> RunResult:
    """Render the request for everyone (secrets masked) and send nothing."""
    started, clock = time.time(), time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    results = []
    for person in people:
        rendered = render(request, context_for(person, event), secrets=secrets, now=now)
        error = _first_error(rendered)
        outcome = "not_rendered" if error else "would_send"
        body = None if error else masked_rendering(rendered)
        results.append(PersonResult(person.id, outcome, request=body, error=error))
    return RunResult(request.name, tuple(results), started, time.perf_counter() - clock, True)


# -- the run ------------------------------------------------------------------------------

Tick = Callable[[dict[str, int]], None]
"""Called as deliveries settle with the counts so far: ``settled``, ``total``,
``succeeded``, ``failed``, ``waiting_retry``."""

_RESPONSE_SHOWN = 2048


class Run:
    """One request for many people through one outbox; :meth:`start` does it all."""

    def __init__(
        self,
        outbox: Outbox,
        request: Request,
        people: Sequence[Person],
        *,
        policy: RetryPolicy | None = None,
        event: Event | None = None,
        force: bool = False,
        wait: bool = False,
    ) -> None:
        self.outbox = outbox
        self.request = request
        self.people = list({p.id: p for p in people}.values())
        self.policy = policy or RetryPolicy()
        self.event = event
        self.force = force
        self.wait = wait
        self._stopped = False

    def stop(self) -> None:
        """End the run after the attempts in flight (any thread, or a signal handler)."""
        self._stopped = True
        self.outbox.stop()

    def start(self, tick: Tick | None = None) -> RunResult:
        """Record a delivery per person, send them, and say what became of each."""
        started, clock = time.time(), time.perf_counter()
        ids, refused = self._create()
        deliveries = {d.id: d for d in self.outbox.many(ids)}
        todo = sorted(i for i, d in deliveries.items() if d.state in _RUNNING)
        counts = {"settled": 0, "total": len(self.people), "succeeded": 0, "failed": 0}
        counts["waiting_retry"] = 0
        counts["failed"] = len(refused) + sum(d.state == "failed" for d in deliveries.values())
        counts["settled"] = len(self.people) - len(todo)
        if tick is not None:
            tick(dict(counts))
        if todo and not self._stopped:
            self._drive(todo, counts, tick)
        final = {d.id: d for d in self.outbox.many(ids)}
        by_person = {d.person_id: d for d in final.values()}
        results = []
        for person in self.people:
            delivery = by_person.get(person.id)
            if delivery is None:
                results.append(PersonResult(person.id, "not_rendered", error=refused[person.id]))
            else:
                results.append(self._result(delivery))
        return RunResult(self.request.name, tuple(results), started, time.perf_counter() - clock)

    def _create(self) -> tuple[list[int], dict[str, str]]:
        """Make the deliveries; the ids and, by person, why one was not made."""
        if self.event is None and not self.force:
            return self.outbox.create_many(self.request, self.people, self.policy), {}
        ids: list[int] = []
        refused: dict[str, str] = {}
        with self.outbox.db.transaction():
            for person in self.people:
                try:
                    ids.append(
                        self.outbox.create(
                            self.request,
                            context_for(person, self.event),
                            person_id=person.id,
                            policy=self.policy,
                            force=self.force,
                        )
                    )
                except RenderFailed as exc:
                    refused[person.id] = str(exc)
        return ids, refused

    def _drive(self, todo: list[int], counts: dict[str, int], tick: Tick | None) -> None:
        open_ids = set(todo)
        seen: dict[int, str] = {}

        def progress(event: DeliveryEvent) -> None:
            outcome = settled(event.kind, wait_for_retries=self.wait)
            if outcome is None or event.delivery_id not in open_ids:
                return
            kind = "failed" if outcome == "cancelled" else outcome  # what the tick counts
            open_ids.discard(event.delivery_id)
            seen[event.delivery_id] = kind
            counts[kind] = counts.get(kind, 0) + 1
            counts["settled"] += 1
            if tick is not None:
                tick(dict(counts))
            if not open_ids:
                self.outbox.stop()

        self.outbox.run(todo, progress)

    def _result(self, delivery: Delivery) -> PersonResult:
        person_id = delivery.person_id or ""
        attempts = tuple(a.summary() for a in delivery.attempts)
        last = delivery.attempts[-1] if delivery.attempts else None
        shown = None
        if last is not None and last.status is not None:
            shown = last.response_body[:_RESPONSE_SHOWN].decode("utf-8", errors="replace")
        error = delivery.error
        if (
            error is None
            and last is not None
            and last.status is not None
            and delivery.state
            in (
                "failed",
                "waiting_retry",
            )
        ):
            error = f"HTTP {last.status}"
        state = delivery.state
        if state == "failed" and not delivery.rendered:
            outcome = "not_rendered"
        elif state in ("succeeded", "failed", "draft", "cancelled"):
            outcome = state
        elif state == "queued" and not delivery.attempts:
            outcome = "stopped"
        else:
            outcome = "waiting_retry"
        return PersonResult(
            person_id,
            outcome,
            delivery.id,
            delivery.rendered or None,
            attempts,
            error,
            shown,
            dict(delivery.attribute_updates or {}),
            delivery.next_attempt_at if outcome == "waiting_retry" else None,
        )
