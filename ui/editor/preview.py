"""Live preview: rendering off the GUI thread, debounced, with stale results dropped.

:class:`PreviewService` lives on the GUI thread. Each edit calls :meth:`PreviewService.schedule`
with a :class:`PreviewJob` factory. A recipe-sized edit made while no render is running
is sent at once; otherwise a single-shot timer coalesces bursts of keystrokes (no delay
for recipe-sized requests, :data:`LARGE_DEBOUNCE_MS` once the body is large, and
never more than :data:`MAX_WAIT_MS` while typing goes on without a pause), then
the job, stamped with a rising generation number, goes to :class:`RenderWorker` in its own
thread through a queued signal, one at a time. The service drops any result older than the
newest generation (a render of the request shown before, or for the person chosen before),
so a slow render of an old text never overwrites a newer preview.

The render keeps this thread of its own rather than running as an op (:mod:`ui.ops`): it
needs no workspace, and being latest-wins it wants one render at a time with the stale
ones dropped before they start, where an op pool would render old texts side by side and
have them race the newest one for the GIL (:mod:`ui.ops.threads`).

With :attr:`PreviewJob.compare` the request is compared with the other Liquid version
too, in one step or in two. In two steps the comparison never delays what a keystroke
shows, but the GUI thread draws twice, and each draw (and the paint after it) costs it
milliseconds whatever the template: for a recipe-sized request, whose two renders take
well under a millisecond, a second draw costs more than the comparison it takes off the
keystroke's path. So an edit's job (:meth:`PreviewService.schedule`) is made in two steps
when the comparison is long enough to matter: the body is :data:`LARGE_BODY` or longer,
or the request's own version took :data:`STAGE_AFTER_MS` or more to render the time
before (the other version takes about as long). Otherwise, and always for a render asked
for at once (:meth:`PreviewService.render_now`: another request, person, version or
view, where a deliberate switch should show no passing "comparing…" state), the preview
is drawn whole in one step. The window's very first preview is the exception: it also
builds its version's engine, and the other version's engine (about as costly to import)
is built by its comparison, after that preview is on the screen; the default version's
engine is built as soon as the service starts, while the window is still being built and
its first request read, so the first render rarely waits for it. In two steps, the job
renders the request's own version and its result is drawn at once, marked
:attr:`PreviewResult.comparing`; on the next turn of the GUI thread's event loop (after
that preview has been painted) the service sends the comparison to the same worker:
:func:`composer.rendering.render.render_both` with the same fixed ``now`` as the first
render (so a date made from ``'now'`` cannot differ between the two by the time they
took). Its result, for the same generation, is the whole preview: the core's difference
warnings join the request's diagnostics, as ``render(…, compare=True)`` adds them, and the
other version's body is prepared for the side-by-side view with the position where the
two views first differ. A comparison is latest-wins like a render: it is not started,
or its result is dropped, once the text has changed since (a newer edit waiting, or a
newer render sent), so a comparison of old text is never shown beside newer text. A
keystroke made while a comparison runs waits for it (one render at a time), at worst as
long as rendering both versions at once did. :attr:`PreviewService.pending` stays true
until the comparison of the newest text has been shown.

What a render computes (the job, the result, the body view, the comparison's side-by-side
text) is in :mod:`ui.editor.preview_render`; its names are importable from here too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ui.editor.preview_render import (
    VIEW_LIMIT,
    MappingPreview,
    PreviewJob,
    PreviewResult,
    elide,
    first_difference,
    qt_position,
    render_comparison,
    render_job,
    render_own,
)
from ui.ops.threads import WorkerThread, gc_paused

__all__ = [
    "LARGE_BODY",
    "LARGE_DEBOUNCE_MS",
    "MAX_WAIT_MS",
    "STAGE_AFTER_MS",
    "VIEW_LIMIT",
    "MappingPreview",
    "PreviewJob",
    "PreviewResult",
    "PreviewService",
    "RenderWorker",
    "elide",
    "first_difference",
    "qt_position",
    "render_comparison",
    "render_job",
    "render_own",
]

LARGE_BODY = 32 * 1024
"""A body at least this long is typed into with :data:`LARGE_DEBOUNCE_MS` of debounce."""
LARGE_DEBOUNCE_MS = 60
"""Debounce for large bodies: one render per pause in typing."""
MAX_WAIT_MS = 300
"""Longest an edit waits for its preview while typing goes on without a pause."""
STAGE_AFTER_MS = 4.0
"""An edit's comparison is made after its preview is drawn once the request's own version
takes this long to render (below it, one draw of both is quicker than two draws)."""


class RenderWorker(QObject):
    """Renders preview jobs, and then their comparisons, in its own thread.

    Signals:
        finished(PreviewResult): a job was rendered, or its comparison made.
        skipped(int): a job was not rendered, a newer one having been asked for meanwhile.
        failed(int, str): a job raised (generation, message); a bug, shown plainly.
    """

    finished = Signal(object)
    skipped = Signal(int)
    failed = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self.latest = 0
        """The newest generation sent; written by the GUI thread, read here (an int)."""

    @Slot(object)
    def run(self, job: PreviewJob) -> None:
        """Render ``job`` unless a newer one has been sent since."""
        if job.generation < self.latest:
            self.skipped.emit(job.generation)
            return
        self._finish(job.generation, lambda: render_own(job) if job.staged else render_job(job))

    @Slot()
    def warm(self) -> None:
        """Build the default Liquid version's engine before the first job needs it."""
        from composer.liquid import DEFAULT_VERSION, engine

        with gc_paused():
            engine(DEFAULT_VERSION)

    @Slot(object)
    def compare(self, asked: tuple[PreviewJob, PreviewResult]) -> None:
        """Complete ``asked`` (a job and its first result) with the comparison, unless a
        newer job has been sent since."""
        job, first = asked
        if job.generation < self.latest:
            self.skipped.emit(job.generation)
            return
        self._finish(job.generation, lambda: render_comparison(job, first))

    def _finish(self, generation: int, work: Callable[[], PreviewResult]) -> None:
        try:
            with gc_paused():
                result = work()
        except Exception as exc:  # a render bug must not kill the thread
            self.failed.emit(generation, f"{type(exc).__name__}: {exc}")
            return
        self.finished.emit(result)


class PreviewService(QObject):
    """Debounces edits and keeps the newest preview coming back from the render thread.

    One render (or comparison) is in flight at a time: edits made meanwhile wait, and when
    it returns the newest of them is rendered (its text read only then), so a slow render
    of a large body never queues up renders that would be thrown away. A render that
    returns while a newer edit already waits is not drawn either (drawing it and painting
    it would only delay the newer one), unless nothing has been drawn for
    :data:`MAX_WAIT_MS`, so typing without a pause still shows its previews. :meth:`render_now`
    (another request, person or view) makes every result still to come stale.

    With a comparison asked for, ``ready`` comes twice for one generation: first the
    request's own version (:attr:`PreviewResult.comparing`), then, once nothing newer is
    waiting, the whole preview with the comparison.

    Signals:
        ready(PreviewResult): the newest preview (stale ones never arrive here).
        failed(str): rendering raised unexpectedly.
        submit(PreviewJob): internal; carries a job to the worker's thread.
        submitComparison(tuple): internal; carries a job and its first result to the worker.
        warm(): internal; has the worker build the default version's engine.
    """

    ready = Signal(object)
    failed = Signal(str)
    submit = Signal(object)
    submitComparison = Signal(object)
    warm = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._in_flight = False
        self._factory: Callable[[], PreviewJob] | None = None
        self._waiting_since = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)
        self._worker = RenderWorker()
        self._worker.finished.connect(self._arrived)
        self._worker.failed.connect(self._broke)
        self._worker.skipped.connect(self._skipped)
        self.submit.connect(self._worker.run)
        self.submitComparison.connect(self._worker.compare)
        self.warm.connect(self._worker.warm)
        self._comparison: tuple[PreviewJob, PreviewResult] | None = None
        """A drawn job whose comparison waits for the next turn of the event loop."""
        self._comparison_due = 0
        """The generation whose comparison is still to be shown (0: none)."""
        self._compare_timer = QTimer(self)
        self._compare_timer.setSingleShot(True)
        self._compare_timer.setInterval(0)
        self._compare_timer.timeout.connect(self._start_comparison)
        self._sent: PreviewJob | None = None
        self._comparing_sent = False
        """Whether what is in flight is a comparison (the second step)."""
        self._last_drawn = -math.inf
        """When a preview was last handed on (``time.monotonic()``)."""
        self._staged = False
        """Whether the next job is an edit's that is worth two steps."""
        self._own_ms = math.inf
        """How long the request's own version last took to render (infinite before the
        first render, which also builds its engine: the window's first preview is drawn
        without waiting for the other version's engine, which is built after it)."""
        self.stage_after_ms = STAGE_AFTER_MS
        """:data:`STAGE_AFTER_MS` for this service (0: every edit's comparison after)."""
        self._thread = WorkerThread(self._worker, "preview-render")
        self.warm.emit()  # while the window is built and its request read (module docstring)
        self.dropped = 0
        """How many stale results were dropped (for tests and the benchmark)."""

    @property
    def generation(self) -> int:
        """The newest generation: results older than it are stale."""
        return self._generation

    @property
    def pending(self) -> bool:
        """Whether an edit still waits for its render to start, or the newest text's
        comparison is still to be shown."""
        return self._timer.isActive() or self._factory is not None or bool(self._comparison_due)

    def schedule(self, factory: Callable[[], PreviewJob], body_size: int = 0) -> None:
        """Render the job ``factory`` builds once typing pauses (the newest factory wins).

        Typing that never pauses still gets a preview every :data:`MAX_WAIT_MS`.
        """
        now = time.monotonic()
        if self._factory is None:
            self._waiting_since = now
        self._factory = factory
        self._staged = body_size >= LARGE_BODY or self._own_ms >= self.stage_after_ms
        if body_size < LARGE_BODY and not self._in_flight and not self._timer.isActive():
            self._fire()  # idle and small: no reason to wait even for the next loop pass
            return
        overdue = (now - self._waiting_since) * 1000 >= MAX_WAIT_MS
        if not (overdue and self._timer.isActive()):
            self._timer.start(LARGE_DEBOUNCE_MS if body_size >= LARGE_BODY else 0)

    def render_now(self, factory: Callable[[], PreviewJob]) -> None:
        """Render without waiting for the debounce; results still to come are stale."""
        self._factory = factory
        self._staged = math.isinf(self._own_ms)  # the very first: see ``_own_ms``
        self._timer.stop()
        self._generation += 1
        self._worker.latest = self._generation
        self._drop_comparison()
        self._fire()

    def _fire(self) -> None:
        if self._factory is None or self._in_flight:
            return  # an in-flight render's return fires the newest factory
        job = self._factory()
        self._factory = None
        self._generation += 1
        self._worker.latest = self._generation
        self._drop_comparison()
        now = dt.datetime.now(dt.UTC) if job.compare else job.now
        staged = self._staged and job.compare
        self._sent = dataclasses.replace(job, generation=self._generation, now=now, staged=staged)
        self._in_flight = True
        self._comparing_sent = False
        self.submit.emit(self._sent)

    def _drop_comparison(self) -> None:
        """Forget a comparison not yet started: the text or the view changed."""
        self._comparison = None
        self._comparison_due = 0
        self._compare_timer.stop()

    def _start_comparison(self) -> None:
        asked, self._comparison = self._comparison, None
        if asked is None or self._factory is not None or self._in_flight:
            return  # newer text waits (its render supersedes this comparison) or is in flight
        if asked[0].generation != self._generation:
            return
        self._in_flight = True
        self._comparing_sent = True
        self.submitComparison.emit(asked)

    def _arrived(self, result: PreviewResult) -> None:
        self._in_flight = False
        self._own_ms = result.own_ms
        if not result.comparing:
            self._comparison_due = 0  # a whole preview, or a comparison (shown or dropped)
        if result.generation < self._generation:
            self.dropped += 1
        elif self._comparing_sent and self._factory is not None:
            self.dropped += 1  # a comparison of text edited since: never shown
        elif self._factory is not None and not self._drawn_long_ago():
            self.dropped += 1  # newer text waits: drawing this would only delay it
        else:
            sent = self._sent
            self._last_drawn = time.monotonic()
            self.ready.emit(result)  # its receivers may ask for a newer render at once
            if (
                result.comparing
                and sent is not None
                and result.generation == self._generation
                and self._factory is None
                and not self._in_flight
            ):
                self._comparison = (sent, result)
                self._comparison_due = result.generation
                self._compare_timer.start()
        self._fire()

    def _drawn_long_ago(self) -> bool:
        return (time.monotonic() - self._last_drawn) * 1000 >= MAX_WAIT_MS

    def _skipped(self, generation: int) -> None:
        self._in_flight = False
        self.dropped += 1
        if generation == self._comparison_due:
            self._comparison_due = 0
        self._fire()

    def _broke(self, generation: int, message: str) -> None:
        self._in_flight = False
        if generation == self._comparison_due:
            self._comparison_due = 0
        if generation == self._generation:
            self.failed.emit(message)
        self._fire()

    def close(self) -> None:
        """Stop the render thread (waits for a render in progress)."""
        self._timer.stop()
        self._drop_comparison()
        self._factory = None
        self._thread.stop()
