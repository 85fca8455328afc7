"""Where a per-person check renders: in the calling thread or in forked worker processes.

Part of :mod:`composer.check.sweep`. :class:`Renderer` gives the diagnostics of one rendering
as :func:`composer.rendering.render.render` would, rendering the URL and headers once when they do
not use the person (:func:`composer.rendering.render.render_body` for the body each time; a test
checks the diagnostics are identical to a full render). :class:`Runner` takes chunks of
contexts and hands each to a job (a function of one context: the renderer's, or the
upgrade check's comparison) inline or in worker processes started with ``fork`` (Linux
only: nothing has to be imported again and no ``__main__`` guard is needed, in a bundle
too), keeping a few chunks in flight per worker and the results in order, so the calling
thread can keep reading people, report progress and notice a cancellation. A job with a
``many`` method gets a chunk at a time (the upgrade check renders a run per Liquid
version). A worker freezes what it inherited (``gc.freeze``), so the garbage collector
does not walk the caller's people and rows again and again.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import gc
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from composer.model import Request
from composer.rendering.diagnostics import Diagnostic
from composer.rendering.render import render, render_body

__all__ = ["CHUNK", "PARALLEL_FROM", "Renderer", "Runner", "default_workers"]


class Renderer:
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
        """Every part rendered for ``context``."""
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


CHUNK = 256
"""Contexts handed to a worker at a time."""
PARALLEL_FROM = 1000
"""Fewer people than this are rendered in the calling thread."""


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


Job = Callable[[dict[str, Any]], Any]
"""What a check does with one context; its result must pickle (it crosses processes).
A job with a ``many(contexts) -> results`` method is given a whole chunk at a time."""

_job: Job | None = None


def _start_worker(job: Job) -> None:
    global _job
    _job = job
    gc.freeze()  # what the worker inherited stays: the collector need not scan it again


def _work(chunk: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, Any]]:
    assert _job is not None
    return _run(_job, chunk)


def _run(job: Job, chunk: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, Any]]:
    """``(slot, result)`` for each context of ``chunk``: ``job.many`` when the job has one."""
    many: Callable[[list[dict[str, Any]]], list[Any]] | None = getattr(job, "many", None)
    if many is None:
        return [(slot, job(context)) for slot, context in chunk]
    results = many([context for _, context in chunk])
    return [(slot, result) for (slot, _), result in zip(chunk, results, strict=True)]


class Runner:
    """Hands chunks of contexts to a job inline or in worker processes, keeping their order.

    ``found`` maps each context's slot to the job's result.
    """

    def __init__(self, job: Job, workers: int) -> None:
        self.job = job
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        if workers > 1:
            self.pool = concurrent.futures.ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_start_worker,
                initargs=(job,),
            )
        self.window = 3 * workers
        self.pending: deque[tuple[Any, int]] = deque()
        self.found: dict[int, Any] = {}
        self.done_people = 0

    def submit(self, chunk: list[tuple[int, dict[str, Any]]], people: int) -> None:
        if self.pool is None:
            self.found.update(_run(self.job, chunk))
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
