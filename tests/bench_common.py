"""What every benchmark script shares: one line per figure beside its budget, and a verdict.

A script builds a :class:`Verdicts`, calls :meth:`Verdicts.line` for each figure (``ok``
True or False against its budget, None for a figure without one) and returns
:meth:`Verdicts.code` from its ``main(argv)``: 0 when every budgeted figure is within its
budget, 1 when any is over, 2 when a benchmark could not measure at all (it crashed or
timed out: :meth:`Verdicts.broken`). ``tests/bench.py`` (``make bench``) runs each script
in its own process and passes the worst verdict on. This module is not a benchmark itself.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

__all__ = ["Verdicts", "median_ms"]


class Verdicts:
    """The figures of one script and whether any was over its budget."""

    def __init__(self) -> None:
        self.over: list[str] = []
        self.failed: list[str] = []

    def line(self, what: str, measured: str, budget: str, ok: bool | None) -> None:
        """Print one figure: what, the measurement, its budget and ok / OVER / --."""
        mark = {True: "ok", False: "OVER", None: "--"}[ok]
        print(f"{what:<62} {measured:>14}   budget {budget:<12} {mark}", flush=True)
        if ok is False:
            self.over.append(what)

    def broken(self, what: str, why: str) -> None:
        """Record a benchmark that could not measure (it crashed or timed out)."""
        print(f"{what:<62} {why:>14}   BROKEN", flush=True)
        self.failed.append(what)

    def code(self) -> int:
        """0 when every budgeted figure was within its budget, 1 when any was over, 2 when
        a benchmark broke (which says more than any figure)."""
        if self.over:
            print(f"over budget: {'; '.join(self.over)}", flush=True)
        if self.failed:
            print(f"broken: {'; '.join(self.failed)}", flush=True)
            return 2
        return 1 if self.over else 0


def median_ms(runs: int, action: Callable[[], object]) -> float:
    """The median wall time of ``runs`` calls of ``action``, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
