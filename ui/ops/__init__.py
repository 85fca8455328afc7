"""The one way to run work off the GUI thread: operations, in the spirit of Anki's
``CollectionOp``/``QueryOp``.

A page asks for work with ``Op(parent, fn).success(cb).failure(cb).run()``: ``fn`` gets a
:class:`~composer.store.database.Database` of its own thread (never the GUI thread's connection)
and returns plain data; ``cb`` gets it back on the GUI thread. The thin modules beside
this one (:mod:`ui.ops.requests`, :mod:`ui.ops.deliveries`, …) wrap the core's calls per
domain, so no widget holds a database. Decisions:

* **Two lanes.** Reads (:meth:`Op.run`) run on a small pool of threads and may overlap.
  Writes (``Op(..., write=True)``) run one at a time, in the order they were asked for,
  on one thread: an autosave asked for before a rename is written before it. SQLite's
  own lock keeps other processes in line; a write that meets a busy workspace waits on
  its worker thread, never on the GUI thread.
* **A connection per thread.** Each worker thread opens the workspace file itself (WAL:
  readers see the last commit while a write goes on) and keeps at most a few files open,
  the least recently used closed first. :func:`close_workspace` closes every
  connection to one file (the window closes its workspace).
* **Writes say what changed.** A write's function may return :class:`Changed` (its value
  and an :class:`OpChanges`); after it succeeds the hub's one ``changed`` signal carries
  those changes and the object that asked (the op's parent), so each page refreshes from
  that one signal and may skip the change it made itself.
* **Failures as plain data.** A failed op's callback gets an :class:`OpError` (the
  exception's sentence, whether it is a known "the world said no" error, and for an
  invalid file what and where), never the exception, whose traceback would carry worker
  frames across threads. An op whose parent was deleted meanwhile calls nothing.
* **Qt objects die on the GUI thread.** An op's function and callbacks may hold widgets;
  the worker drops its hold on the function before it answers, and the op itself (its
  parent, its callbacks) is let go of by the hub on the GUI thread, so no widget is
  destroyed on a worker thread.
* **The GIL.** Creating a worker does not change Python's switch interval; the GUI
  thread's longest stall is measured by ``tests/bench_stall.py`` instead.

Signals of :class:`Ops` (the hub, :func:`hub`):
    changed(OpChanges, object): a write succeeded; what it changed, and who asked.
    finished(int): an op ended (its number), after its callback ran.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Signal

from composer.errors import InvalidFileError, KnownError
from composer.store.database import Database

__all__ = [
    "Changed",
    "Op",
    "OpChanges",
    "OpError",
    "Ops",
    "close_workspace",
    "hub",
]

T = TypeVar("T")

_OPEN_PER_THREAD = 4
"""Workspace files a worker thread keeps open at once."""


@dataclass(frozen=True, slots=True)
class OpChanges:
    """What a write changed, so pages know whether to read again."""

    requests: bool = False
    """Stored requests (or their sample responses)."""
    people: bool = False
    """People, their attributes or events."""
    deliveries: bool = False
    """Deliveries or their attempts."""
    secrets: bool = False
    """Secret names or values."""
    settings: bool = False
    """Workspace settings."""

    def __bool__(self) -> bool:
        return any(dataclasses.astuple(self))

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(
            *(
                a or b
                for a, b in zip(dataclasses.astuple(self), dataclasses.astuple(other), strict=True)
            )
        )


@dataclass(frozen=True, slots=True)
class Changed(Generic[T]):
    """A write's value and what it changed."""

    value: T
    """What the success callback gets."""
    changes: OpChanges
    """What the hub's ``changed`` signal announces."""


@dataclass(frozen=True, slots=True)
class OpError:
    """Why an op failed, as plain data."""

    message: str
    """The exception's sentence: one plain sentence for a known error."""
    known: bool
    """Whether it was a :class:`~composer.errors.KnownError` ("the world said no")."""
    reason: str = ""
    """For an invalid file: what is wrong."""
    where: str | None = None
    """For an invalid file: where (``row 3``, ``line 4, column 7``)."""
    kind: str = ""
    """The exception's class name (a page may tell a refusal it can act on)."""

    @classmethod
    def of(cls, exc: BaseException) -> OpError:
        """Describe ``exc``."""
        if isinstance(exc, InvalidFileError):
            return cls(str(exc), True, exc.reason, exc.where, type(exc).__name__)
        return cls(
            str(exc) or type(exc).__name__, isinstance(exc, KnownError), kind=type(exc).__name__
        )


class _Connections(threading.local):
    def __init__(self) -> None:
        self.open: OrderedDict[Path, Database] = OrderedDict()


_local = _Connections()
_all_open: list[Database] = []
_all_lock = threading.Lock()


def _database(path: Path) -> Database:
    """This thread's connection to the workspace at ``path`` (opened on first use)."""
    db = _local.open.get(path)
    if db is not None:
        _local.open.move_to_end(path)
        return db
    db = Database(path)
    _local.open[path] = db
    with _all_lock:
        _all_open.append(db)
    while len(_local.open) > _OPEN_PER_THREAD:
        _, old = _local.open.popitem(last=False)
        _forget(old)
    return db


def _forget(db: Database) -> None:
    with _all_lock:
        if db in _all_open:
            _all_open.remove(db)
    db.close()


def close_workspace(path: Path) -> None:
    """Close every worker connection to the file at ``path`` (wait for the ops first)."""
    with _all_lock:
        mine = [db for db in _all_open if db.path == path]
    for db in mine:
        _forget(db)


class Ops(QObject):
    """Runs ops on worker threads and brings their answers back (see the module docstring).

    Signals:
        changed(OpChanges, object): a write succeeded; what it changed, and who asked.
        finished(int): an op ended (its number), after its callback ran.
        _done(int, bool, object): internal; an op's answer, queued to the GUI thread.
    """

    changed = Signal(object, object)
    finished = Signal(int)
    _done = Signal(int, bool, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reads = cf.ThreadPoolExecutor(3, thread_name_prefix="ops-read")
        self._writes = cf.ThreadPoolExecutor(1, thread_name_prefix="ops-write")
        self._numbers = itertools.count(1)
        self._running: dict[int, Op[Any]] = {}
        self._done.connect(self._answer)

    @property
    def busy(self) -> int:
        """How many ops have not answered yet."""
        return len(self._running)

    def submit(self, op: Op[Any]) -> int:
        """Run ``op`` on its lane; returns its number."""
        number = next(self._numbers)
        self._running[number] = op
        lane = self._writes if op.write else self._reads
        lane.submit(self._work, number, [(op.fn, op.path)])
        return number

    def _work(self, number: int, job: list[tuple[Callable[[Any], Any], Path | None]]) -> None:
        # The worker lets go of the op's function (which may hold widgets) before it
        # answers: the last reference to a Qt object must never drop on this thread.
        fn, path = job.pop()
        ok, value = True, None
        try:
            value = fn(_database(path) if path is not None else None)
        except Exception as exc:  # handed to the GUI thread as plain data
            ok, value = False, OpError.of(exc)
        del fn
        self._done.emit(number, ok, value)

    def _answer(self, number: int, ok: bool, value: Any) -> None:
        op = self._running.pop(number, None)
        if op is None:
            return
        try:
            op.answer(ok, value, self)
        finally:
            self.finished.emit(number)

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Process events until every op has answered (closing, tests); True if they did."""
        import time

        deadline = time.monotonic() + timeout_s
        loop = QEventLoop()
        while self._running and time.monotonic() < deadline:
            loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)
        return not self._running


_hub: Ops | None = None


def hub() -> Ops:
    """The application's op runner (made on first use; lives as long as the app)."""
    global _hub
    if _hub is None or not shiboken6.isValid(_hub):
        _hub = Ops(QCoreApplication.instance())
    return _hub


class Op(Generic[T]):
    """One piece of work off the GUI thread: ``Op(parent, fn).success(cb).run()``.

    ``fn`` takes the worker thread's own :class:`~composer.store.database.Database` of ``path``
    (None when the op needs no workspace) and returns the value, or :class:`Changed` for a
    write that says what it changed. Callbacks run on the GUI thread, and only while
    ``parent`` (None: always) still exists.
    """

    def __init__(
        self,
        parent: QObject | None,
        fn: Callable[[Any], T | Changed[T]],
        *,
        path: Path | None = None,
        write: bool = False,
    ) -> None:
        self.parent = parent
        self.fn = fn
        self.path = path
        """The workspace file the op opens on its thread (None: none)."""
        self.write = write
        """Whether it writes (writes run one at a time, in order)."""
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[OpError], Any] | None = None

    def success(self, callback: Callable[[T], Any]) -> Op[T]:
        """Call ``callback`` with the value on the GUI thread."""
        self._success = callback
        return self

    def failure(self, callback: Callable[[OpError], Any]) -> Op[T]:
        """Call ``callback`` with an :class:`OpError` on the GUI thread (default: ignore)."""
        self._failure = callback
        return self

    def run(self) -> int:
        """Start the op; returns its number (``hub().finished`` carries it when it ends)."""
        return hub().submit(self)

    def answer(self, ok: bool, value: Any, ops: Ops) -> None:
        """Deliver the answer on the GUI thread (called by the hub)."""
        alive = self.parent is None or shiboken6.isValid(self.parent)
        if not ok:
            if alive and self._failure is not None:
                self._failure(value)
            return
        if isinstance(value, Changed):
            if value.changes:
                ops.changed.emit(value.changes, self.parent if alive else None)
            value = value.value
        if alive and self._success is not None:
            self._success(value)
