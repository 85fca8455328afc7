"""Hostile templates and data: how long each render takes and how much memory it peaks at.

Run as a script (``python tests/bench_hostile.py [--short]``); ``tests/bench.py`` runs it
with the other benchmarks. Each case renders in a fresh process, with both Liquid
versions and the render deadline the preview and the sender use
(:data:`composer.liquid.state.RENDER_DEADLINE_S`), so its peak RSS is its own. The
budget is docs/ARCHITECTURE.md's: any render, parse included, ends within 2 s whatever
the template and the data, with its output capped as it grows. A case may end with an
error (the deadline or a size guard): ending is what is measured, and the verdict line
says how it ended.

Exit status: 0 when every case is within budget, 1 when any is over.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TIME_BUDGET_S = 2.0
"""docs/ARCHITECTURE.md's "any render ends ≤ 2 s", plus nothing: the deadline is 2 s."""
SLACK_S = 0.25
"""What a render may run past its deadline before it counts as over: the clock is read
between steps, so the last step in flight finishes."""
MEMORY_BUDGET_MIB = 400.0
"""Peak RSS of one process rendering one hostile case (the interpreter and the engines
alone take about 40 MiB)."""

_SCRIPT = """\
import json, resource, sys, time
sys.path.insert(0, {root!r})
from composer import liquid
from composer.liquid.state import RENDER_DEADLINE_S
case = json.loads(sys.stdin.read())
engine = liquid.engine(case["version"])
started = time.monotonic()
outcome = engine.render(case["template"], case["context"], deadline=started + RENDER_DEADLINE_S)
elapsed = time.monotonic() - started
error = type(outcome.error).__name__ if outcome.error else ""
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
figures = {{"elapsed": elapsed, "error": error, "size": len(outcome.text), "peak_mib": peak}}
print(json.dumps(figures))
"""


def _cases(short: bool) -> list[tuple[str, str, dict[str, object]]]:
    """(what, template, context): the shapes that froze renders before the guards."""
    big = 2_200_000 if not short else 220_000
    return [
        (
            "strip_html of 140 KB with an unclosed <script",
            "{{ a | strip_html | size }}",
            {"a": "<script" + "x" * 140_000},
        ),
        (
            f"strip_html of {big / 1e6:.1f} MB with an unclosed <script",
            "{{ a | strip_html | size }}",
            {"a": "<script" + "x" * big},
        ),
        (
            "eight chained replace filters (10^9 characters asked for)",
            "{{ a" + ' | replace: "x", a' * 8 + " | size }}",
            {"a": "x" * 14},
        ),
        (
            "squaring a number 30 times",
            "{% assign n = 10 %}{% for i in (1..30) %}{% assign n = n | times: n %}{% endfor %}"
            "{{ n | size }}",
            {},
        ),
        (
            f"parsing a {4.2 if not short else 0.42} MB template",
            "{{ a | upcase }}" * (4_200_000 // 16 if not short else 420_000 // 16),
            {"a": "x"},
        ),
        (
            "a million-iteration loop writing text",
            "{% for i in (1..1000000) %}{{ i }}{% endfor %}",
            {},
        ),
    ]


def _run_case(version: str, template: str, context: dict[str, object]) -> dict[str, object]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(root=str(ROOT))],
        input=json.dumps({"version": version, "template": template, "context": context}),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    wall = time.monotonic() - started
    if result.returncode != 0:
        return {"crashed": result.stderr.strip().splitlines()[-1:] or ["?"], "wall": wall}
    figures: dict[str, object] = json.loads(result.stdout)
    return figures


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    short = "--short" in args
    over = False
    print(f"{'hostile render':<70} {'time':>9} {'peak':>10}   ending")
    for what, template, context in _cases(short):
        for version in ("latest", "legacy"):
            figures = _run_case(version, template, context)
            if "crashed" in figures:
                print(f"{what + ' (' + version + ')':<70} crashed: {figures['crashed']}")
                over = True
                continue
            elapsed = float(figures["elapsed"])  # type: ignore[arg-type]
            peak = float(figures["peak_mib"])  # type: ignore[arg-type]
            peak_text = f"{peak:.0f} MiB"
            ending = f"error {figures['error']}" if figures["error"] else "rendered"
            ok = elapsed <= TIME_BUDGET_S + SLACK_S and peak <= MEMORY_BUDGET_MIB
            over |= not ok
            mark = "ok" if ok else "OVER"
            label = f"{what} ({version})"
            print(f"{label:<70} {elapsed:>7.2f} s {peak_text:>10}   {ending:<28} {mark}")
    print(
        f"budget: each ends ≤ {TIME_BUDGET_S:.0f} s (+{SLACK_S} s for the step in flight), "
        f"peak ≤ {MEMORY_BUDGET_MIB:.0f} MiB"
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
