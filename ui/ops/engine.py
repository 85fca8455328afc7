"""The window's one delivery engine: the only code in the app that calls the outbox to send.

:class:`DeliveryEngine` owns one scheduler thread per workspace, which runs
:meth:`composer.delivery.outbox.Outbox.serve` on its own SQLite connection: it resumes what an
earlier session left (recovering attempts cut off by a crash), sends every delivery as it
falls due, and sleeps until the next one or until it is woken. Every page drives this one
engine: the composer's Send, the People page's bulk send and the Outbox page's actions
record or move deliveries through write ops (:mod:`ui.ops.deliveries`) and then
:meth:`DeliveryEngine.wake` it. So "due" is decided in one place, one thread claims each
attempt (on top of the core's claim transaction, which keeps a second process out), and
no delivery is sent twice by two pages.

Decisions:

* **Shared per workspace.** :meth:`DeliveryEngine.shared` hands every caller the same
  engine for a workspace file while someone holds it (:meth:`hold`); it stops once the
  last holder lets go (a closed window, a page or dialog deleted), leaving waiting
  deliveries in the outbox for the next start.
* **Events on the GUI thread, in batches.** The scheduler reports each step as a
  :class:`SendUpdate` (plain data: the response text, the attribute updates). Steps wait
  in a list, and one queued signal carries the GUI thread to it only when the list was
  empty: a bulk send's thousands of steps (three per delivery) arrive as a few handfuls,
  each handed out in order, one ``update`` per step, at most :data:`STEPS_PER_EVENT` per
  pass of the event loop (the rest wait for the next pass, so timers and painting come
  in between). The GUI thread needs the GIL each time it comes back from Qt into Python
  (each signal it emits is such a trip), and while a bulk send runs the sending threads
  hold it most of the time: a batch of a hundred steps in one go held the GUI thread for
  80 ms, a step per event woke it thousands of times. Pages follow the deliveries they
  care about by id.
* **Deleted on the GUI thread.** The scheduler thread's function holds the engine while
  it runs, so once the last holder let go its end would drop the last reference there,
  and Qt would destroy the QObject on a thread it does not live in, racing a queued step
  the GUI thread is handing to it. A stopped engine therefore waits in :data:`_retired`
  until its thread has ended; a queued ``_ended`` signal then lets go of it on the GUI
  thread.
* **Secrets** are read through :class:`composer.delivery.outbox.LazySecrets`, once per name until
  :meth:`secrets_changed` (the window's secrets dialog changed one).
* **A busy, read-only or vanished workspace** ends a pass of the scheduler with a plain
  message (``problem``), said once while the same problem lasts; it tries again after a
  second, then after twice as long each time the same problem comes back (at most
  :data:`PAUSE_MAX_S`), and at once when woken (a page made or moved a delivery). Answers
  journaled meanwhile are recorded by the next pass, never sent twice.

Signals:
    update(SendUpdate): a step of a delivery.
    problem(str): the engine could not go on for now (one plain sentence).
    resumed(int): unfinished deliveries found in the outbox when it started.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

from composer.delivery.outbox import LazySecrets, Outbox
from composer.delivery.records import DeliveryEvent
from composer.errors import KnownError
from composer.model import Request
from composer.secrets import SecretStore
from composer.store.database import Database

__all__ = [
    "KEYCHAIN_WAIT_S",
    "PAUSE_MAX_S",
    "PAUSE_MIN_S",
    "STEPS_PER_EVENT",
    "DeliveryEngine",
    "SecretsSource",
    "SendJob",
    "SendUpdate",
    "resolve_store",
    "secret_getter",
]

PAUSE_MIN_S = 1.0
"""How long the scheduler waits after a pass its workspace refused, the first time."""
PAUSE_MAX_S = 60.0
"""The longest it waits while the same refusal keeps coming back (a wake cuts it short)."""

SecretsSource = SecretStore | Callable[[], SecretStore | None] | None
"""The secret store, a function returning it once it is open (the window opens the keychain
off the GUI thread at start-up), or None for no secrets."""


def resolve_store(source: SecretsSource) -> SecretStore | None:
    """The store a :data:`SecretsSource` gives now (None while it is not open, or none)."""
    return source if source is None or isinstance(source, SecretStore) else source()


def secret_getter(source: SecretsSource) -> Callable[[str], str | None]:
    """A value lookup by name that asks the source each time (for LazySecrets)."""

    def get(name: str) -> str | None:
        store = resolve_store(source)
        return None if store is None else store.get(name)

    return get


@dataclass(frozen=True, slots=True)
class SendJob:
    """One send of the current request for the chosen person."""

    request: Request
    """The request as edited."""
    context: dict[str, Any]
    """The Liquid globals (no secrets)."""
    person_id: str | None
    """The chosen person."""
    force: bool = False
    """Send even though the body is not valid for its Content-Type (recorded as forced)."""


@dataclass(frozen=True, slots=True)
class SendUpdate:
    """A step of a delivery, for the window."""

    delivery_id: int
    """Which delivery."""
    kind: str
    """``draft``, ``attempt_started``, ``attempt_finished``, ``waiting``, ``succeeded``,
    ``failed``, ``cancelled``, ``paused`` (the window closed while it waited) or
    ``refused`` (not recorded: the body is not valid for its Content-Type; delivery 0)."""
    attempt: int = 0
    """The attempt's number (0 when none is concerned)."""
    status: int | None = None
    """The HTTP status of a finished attempt."""
    headers: tuple[tuple[str, str], ...] = ()
    """Response headers of a finished attempt."""
    body: str = ""
    """Response body of a finished attempt (as text)."""
    elapsed_ms: float | None = None
    """How long the finished attempt took."""
    error: str | None = None
    """A plain sentence when something went wrong."""
    next_attempt_at: float | None = None
    """When the next attempt is due (Unix seconds), for ``waiting``."""
    attribute_updates: dict[str, Any] | None = None
    """What was applied to the person, for ``succeeded``."""
    thread_id: int = 0
    """The thread that produced the update (never the GUI thread)."""
    job: SendJob | None = None
    """For ``refused``: the job that was refused, which may be sent anyway."""
    send_anyway: Callable[[], None] | None = None
    """For ``refused``: sends the job anyway (set on the GUI thread by the client)."""
    request_name: str = ""
    """The delivery's request (when known)."""


STEPS_PER_EVENT = 8
"""The most steps handed out in one pass of the GUI thread's event loop."""

KEYCHAIN_WAIT_S = 30.0
"""How long the engine waits for the keychain to open before sending without it."""

_engines: dict[Path, DeliveryEngine] = {}
_retired: set[DeliveryEngine] = set()
"""Stopped engines whose scheduler thread has not ended yet (see the module docstring)."""


class DeliveryEngine(QObject):
    """The one scheduler of a workspace's deliveries (see the module docstring)."""

    update = Signal(object)
    problem = Signal(str)
    resumed = Signal(int)
    _relay = Signal(str, object)
    _ended = Signal()

    def __init__(
        self, path: Path, secrets: SecretsSource, *, backoff_base: float | None = None
    ) -> None:
        super().__init__()
        self.path = path
        """The workspace file."""
        self._secrets_source = secrets
        self.backoff_base = backoff_base
        self._holders: set[int] = set()
        self._outbox: Outbox | None = None
        self._stop = threading.Event()
        self._woken = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._names: dict[int, str] = {}
        self._said: list[tuple[str, Any]] = []
        self._said_lock = threading.Lock()
        self._relay.connect(self._on_relay, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)

    # -- sharing ---------------------------------------------------------------------

    @classmethod
    def shared(
        cls,
        path: Path,
        secrets: SecretsSource = None,
        *,
        backoff_base: float | None = None,
        holder: QObject | None = None,
    ) -> DeliveryEngine:
        """The running engine of the workspace at ``path`` (started now if none runs),
        held by ``holder`` until it is deleted or calls :meth:`release`."""
        engine = _engines.get(path)
        if engine is None or not shiboken6.isValid(engine) or engine._stop.is_set():
            engine = cls(path, secrets, backoff_base=backoff_base)
            _engines[path] = engine
            engine.start()
        else:
            if secrets is not None and engine._secrets_source is None:
                engine._secrets_source = secrets
                engine.secrets_changed()
            if backoff_base is not None:
                engine.backoff_base = backoff_base
                if engine._outbox is not None:
                    engine._outbox.backoff_base = backoff_base
        if holder is not None:
            engine.hold(holder)
        return engine

    def hold(self, holder: QObject) -> None:
        """Keep the engine running while ``holder`` lives (or until it releases it)."""
        key = id(holder)
        if key in self._holders:
            return
        self._holders.add(key)
        holder.destroyed.connect(lambda *_: self.release(key))

    @property
    def held(self) -> bool:
        """Whether anyone still holds the engine."""
        return bool(self._holders)

    def release(self, holder: QObject | int) -> None:
        """``holder`` no longer needs the engine; the last one out stops it (without
        waiting: the attempts in flight end on the scheduler thread, see :meth:`join`)."""
        self._holders.discard(holder if isinstance(holder, int) else id(holder))
        if not self._holders:
            self.stop(wait=False)

    # -- running ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the scheduler thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="delivery-engine", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Look again now: a delivery was made, released or moved elsewhere; any thread.

        Before the scheduler has opened the workspace there is nothing to wake: its first
        pass reads every unfinished delivery anyway."""
        if self._outbox is not None:
            self._outbox.changed()
        self._woken.set()

    def secrets_changed(self) -> None:
        """Read secret values again from now on (a secret was set or removed)."""
        if self._outbox is not None:
            self._outbox.secrets = LazySecrets(secret_getter(self._secrets_source))

    def stop(self, *, wait: bool = True, timeout_s: float = 10.0) -> None:
        """End after the attempts in flight (waiting for them with ``wait``: the app is
        closing); waiting deliveries stay in the outbox."""
        self._stop.set()
        self._woken.set()
        if _engines.get(self.path) is self:
            del _engines[self.path]
        if self.running:
            _retired.add(self)  # let go of on the GUI thread once the thread ended
        if self._outbox is not None:
            self._outbox.stop()
        if wait:
            self.join(timeout_s)

    def join(self, timeout_s: float = 10.0) -> bool:
        """Wait for the scheduler thread to end (closing); True when it has."""
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)
        return not self.running

    @property
    def running(self) -> bool:
        """Whether the scheduler thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _serve(self) -> None:
        db: Database | None = None
        try:
            self._wait_for_keychain()
            db = Database(self.path)
            outbox = Outbox(
                db,
                LazySecrets(secret_getter(self._secrets_source)),
                backoff_base=self.backoff_base,
            )
            self._outbox = outbox
            if self._stop.is_set():
                outbox.stop()
            self._ready.set()
            self._say("resumed", len(outbox.resume_due()))
            said, pause = "", PAUSE_MIN_S
            while not self._stop.is_set():
                self._woken.clear()
                try:
                    outbox.serve(lambda event: self._report(outbox, event))
                    said, pause = "", PAUSE_MIN_S
                except KnownError as exc:
                    message = f"Sending paused: {exc}"
                    if message == said:
                        pause = min(pause * 2, PAUSE_MAX_S)
                    elif not self._stop.is_set():
                        self._say("problem", message)
                        said, pause = message, PAUSE_MIN_S
                self._woken.wait(pause)
        except KnownError as exc:  # the workspace cannot be opened
            self._say("problem", f"Sending stopped: {exc}")
        finally:
            self._ready.set()
            if db is not None:
                db.close()
            self._emit_safely(self._ended)

    def _name_of(self, outbox: Outbox, delivery_id: int) -> tuple[str, dict[str, Any]]:
        """The delivery's request name and attribute updates (read on this thread)."""
        try:
            delivery = outbox.get(delivery_id)
        except KnownError:
            return "", {}
        if len(self._names) > 10_000:
            self._names.clear()
        self._names[delivery_id] = delivery.request_name
        return delivery.request_name, delivery.attribute_updates or {}

    def _wait_for_keychain(self) -> None:
        """Wait (at most :data:`KEYCHAIN_WAIT_S`) for a store that is still being opened, so a
        delivery resumed at start-up never renders without its secrets."""
        source = self._secrets_source
        if source is None or isinstance(source, SecretStore):
            return
        waited = 0.0
        while source() is None and waited < KEYCHAIN_WAIT_S and not self._stop.is_set():
            self._stop.wait(0.05)
            waited += 0.05

    def _report(self, outbox: Outbox, event: DeliveryEvent) -> None:
        ident = threading.get_ident()
        result = event.result
        name = self._names.get(event.delivery_id)
        if name is None or event.kind == "succeeded":
            name, updates = self._name_of(outbox, event.delivery_id)
        if event.kind == "attempt_finished" and result is not None:
            update = SendUpdate(
                event.delivery_id,
                event.kind,
                attempt=event.attempt,
                status=result.status,
                headers=tuple(result.headers),
                body=result.text(),
                elapsed_ms=result.elapsed_ms,
                error=result.error,
                thread_id=ident,
                request_name=name,
            )
        elif event.kind == "succeeded":
            update = SendUpdate(
                event.delivery_id,
                "succeeded",
                attempt=event.attempt,
                error=event.error,
                attribute_updates=updates,
                thread_id=ident,
                request_name=name,
            )
        else:
            update = SendUpdate(
                event.delivery_id,
                event.kind,
                attempt=event.attempt,
                error=event.error,
                next_attempt_at=event.next_attempt_at,
                thread_id=ident,
                request_name=name,
            )
        self._say("update", update)

    def _say(self, kind: str, value: Any) -> None:
        """Hand a step to the GUI thread (from the scheduler thread), in a batch (see the
        module docstring)."""
        with self._said_lock:
            self._said.append((kind, value))
            if len(self._said) > 1:
                return  # the signal for this batch is on its way
        self._emit_safely(self._relay, "batch", None)

    def _emit_safely(self, signal: Any, *args: Any) -> None:
        """Emit from the scheduler thread; once the engine's Qt side is gone (the app quit
        while a pass was ending) there is no one to tell."""
        try:
            signal.emit(*args)
        except RuntimeError:  # "Signal source has been deleted"
            if shiboken6.isValid(self):
                raise

    def _on_ended(self) -> None:
        """The scheduler thread is ending: wait the moment it needs to let go of the engine,
        then drop the last reference here, on the GUI thread (see the module docstring)."""
        if self._thread is not None:
            self._thread.join(10.0)
        _retired.discard(self)

    def _on_relay(self, _kind: str, _value: Any) -> None:
        with self._said_lock:
            said = self._said[:STEPS_PER_EVENT]
            del self._said[:STEPS_PER_EVENT]
            if self._said:  # the rest in the next pass (queued: see the module docstring)
                self._relay.emit("batch", None)
        for kind, value in said:
            if kind == "update":
                self.update.emit(value)
            elif kind == "problem":
                self.problem.emit(value)
            elif kind == "resumed":
                self.resumed.emit(value)


def stop_all(timeout_s: float = 10.0) -> None:
    """Stop every engine (the application quits)."""
    for engine in list(_engines.values()):
        engine.stop(timeout_s=timeout_s)
