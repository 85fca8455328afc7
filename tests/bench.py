"""``make bench``: each performance budget of docs/ARCHITECTURE.md beside its measurement.

Run as a script: ``python tests/bench.py [--short]`` (``make bench``, ``make bench-short``).
Each figure is printed beside its budget, marked ok, OVER, or -- for a figure without
one. The exit status is the verdict: 0 when every figure is within its budget, 1 when any
is over, 2 when a benchmark script broke (crashed or timed out). Unit tests assert no
timings; this report is where they live.

The figures measured here: render + validate per recipe, masking a mebibyte, cold start
(against a bare four-tab PySide6 window with the same imports, started the same way in
the same run: machines are noisy, so the budget compares rather than times) and memory
after start with 10,000 people. Then every other benchmark script in this folder
(:data:`SCRIPTS`) runs in its own process, so one's imports or threads cannot colour
another's numbers; each has a ``--short`` mode and returns its own verdict. A script
that is not in the tree yet is listed as missing and does not fail the run.

``--short`` (CI) keeps every budgeted figure but takes fewer samples, and passes
``--short`` to every script.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bench_common import Verdicts, median_ms  # noqa: E402

from composer.delivery.masking import Masker  # noqa: E402
from composer.model import Request, load_context  # noqa: E402
from composer.rendering.render import render  # noqa: E402

RECIPES = ROOT / "resources" / "recipes"
CONTEXT = ROOT / "resources" / "sample" / "context.json"
SCRIPTS = (
    "bench_ui.py",
    "bench_stall.py",
    "bench_people.py",
    "bench_check.py",
    "bench_send.py",
    "bench_runner.py",
    "bench_hostile.py",
    "bench_store.py",
)
"""The benchmark scripts run after this one's own figures, in this order."""
SCRIPT_TIMEOUT_S = 30 * 60
_RUN_SCRIPT = """
import runpy, sys, traceback
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit:
    raise
except BaseException:
    traceback.print_exc()
    sys.exit(2)
"""
"""Runs a benchmark script so that a crash exits 2, apart from a verdict of over budget (1)."""

# The cold-start baseline: the same imports as the app (its entry point and the window's
# modules), then a bare window of four tabs instead of the app's; what the comparison
# measures is the app's own start-up work (workspace, pages, first preview).
BARE_WINDOW = """
import sys
import ui.app, ui.main, ui.window.main_window  # noqa: F401  (the app's imports)
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget
app = QApplication(sys.argv)
window = QMainWindow()
tabs = QTabWidget()
for name in ("Composer", "People", "Outbox", "Inbox"):
    tabs.addTab(QWidget(), name)
window.setCentralWidget(tabs)
window.resize(1200, 800)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def bench_render(verdicts: Verdicts, samples: int) -> None:
    context = load_context(CONTEXT)
    worst = 0.0
    for path in sorted(RECIPES.glob("*.json")):
        if path.name == "index.json":
            continue
        request = Request.from_file(path)
        render(request, context)  # warm the template cache, as the preview is after a keystroke
        median = median_ms(samples, lambda r=request: render(r, context))  # type: ignore[misc]
        worst = max(worst, median)
        verdicts.line(f"render + validate {path.stem}", f"{median:.3f} ms", "≤ 2 ms", median <= 2)
    verdicts.line(
        "render + validate, slowest recipe (median)", f"{worst:.3f} ms", "≤ 2 ms", worst <= 2
    )


def bench_masking(verdicts: Verdicts, samples: int) -> None:
    masker = Masker(["s3cr3t-Value-0123456789", "Bearer s3cr3t-Value", "another-secret-value"])
    body = (json.dumps({"k": "v" * 100}) * 10_000).encode()[: 1024 * 1024]
    median = median_ms(samples, lambda: masker.mask_bytes(body))
    verdicts.line(
        "masking a 1 MiB response body (median)", f"{median:.1f} ms", "≤ 500 ms", median <= 500
    )


def _app_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["WEBHOOK_COMPOSER_HOME"] = str(data_dir)
    env["XDG_CONFIG_HOME"] = str(data_dir / "config")
    env["PYTHONPATH"] = str(ROOT)
    return env


def bench_startup(verdicts: Verdicts, runs: int) -> None:
    # An installed wheel or the bundle starts from compiled bytecode; so does this.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "composer"), str(ROOT / "ui")],
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        env = _app_env(data_dir)
        app = [sys.executable, "-m", "ui.main", "--data-dir", str(data_dir), "--exit-after-startup"]
        bare = [sys.executable, "-c", BARE_WINDOW]
        subprocess.run(app, env=env, cwd=ROOT, capture_output=True, check=False)  # seeds
        subprocess.run(bare, env=env, cwd=ROOT, capture_output=True, check=False)  # warms caches
        app_runs: list[float] = []
        bare_runs: list[float] = []
        reports: list[str] = []
        for _ in range(runs):  # taking turns, so a busy moment of the machine hits both
            for command, into in ((app, app_runs), (bare, bare_runs)):
                t0 = time.perf_counter()
                done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
                into.append(time.perf_counter() - t0)
                if done.returncode != 0:
                    verdicts.line("cold start to window shown", "failed", "≤ 1.3× bare", False)
                    print(done.stderr[-2000:])
                    return
                if command is app:
                    reports.append(done.stdout.strip())
    app_s, bare_s = statistics.median(app_runs), statistics.median(bare_runs)
    ratio = app_s / bare_s
    verdicts.line(
        f"cold start to window shown vs bare 4-tab window (median of {runs})",
        f"{ratio:.2f}×",
        "≤ 1.3×",
        ratio <= 1.3,
    )
    print(
        f"    process wall: app {app_s:.3f} s, bare window {bare_s:.3f} s; the app's own "
        f"report: {reports[len(reports) // 2]}"
    )


def bench_memory(verdicts: Verdicts) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        people = [
            {
                "id": f"p{i}",
                "email": f"p{i}@example.com",
                "attributes": {"first_name": f"First{i}", "plan": "pro", "score": i},
            }
            for i in range(10_000)
        ]
        people_file = data_dir / "people.json"
        people_file.write_text(json.dumps(people), encoding="utf-8")
        env = _app_env(data_dir)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "composer",
                "--data-dir",
                str(data_dir),
                "people",
                "import",
                str(people_file),
            ],
            env=env,
            capture_output=True,
            check=True,
        )
        child = subprocess.Popen(
            [sys.executable, "-m", "ui.main", "--data-dir", str(data_dir), "--exit-after-startup"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        # wait4 gives this one child's own peak RSS (ru_maxrss, KiB on Linux).
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr = child.stderr.read().decode() if child.stderr else ""
        if child.stderr:
            child.stderr.close()
    what = "peak RSS through start-up, 10,000 people"
    if child.returncode != 0:
        verdicts.line(what, "failed", "≤ 110 MiB", False)
        print(stderr[-2000:])
        return
    mib = usage.ru_maxrss / 1024
    verdicts.line(what, f"{mib:.1f} MiB", "≤ 110 MiB", mib <= 110)


def run_script(verdicts: Verdicts, name: str, short: bool) -> None:
    script = ROOT / "tests" / name
    if not script.exists():
        verdicts.line(name, "missing", "", None)
        return
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + str(ROOT / "tests")
    command = [sys.executable, "-c", _RUN_SCRIPT, str(script), *(["--short"] if short else [])]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, env=env, cwd=ROOT, timeout=SCRIPT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        verdicts.broken(f"{name} ran to its end", f"> {SCRIPT_TIMEOUT_S // 60} min")
        return
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):
        verdicts.broken(f"{name}: exit {done.returncode}", f"{took:.0f} s")
        return
    verdicts.line(
        f"{name}: its verdict (exit {done.returncode})",
        f"{took:.0f} s",
        "exit 0",
        done.returncode == 0,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="fewer samples (CI)")
    parser.add_argument("--only", nargs="*", help="run only these scripts (e.g. bench_people.py)")
    args = parser.parse_args(argv)
    short = args.short or os.environ.get("BENCH_SHORT") == "1"
    verdicts = Verdicts()
    print(
        f"Webhook Composer benchmarks{' (short)' if short else ''}: budgets from "
        "docs/ARCHITECTURE.md, for a 2-core machine\n",
        flush=True,
    )
    if args.only is None:
        bench_render(verdicts, 50 if short else 200)
        bench_masking(verdicts, 3 if short else 9)
        bench_startup(verdicts, 3 if short else 7)
        bench_memory(verdicts)
    for script in SCRIPTS:
        if args.only is None or script in args.only:
            print(f"\n{script}{' --short' if short else ''}:", flush=True)
            run_script(verdicts, script, short)
    print()
    return verdicts.code()


if __name__ == "__main__":
    sys.exit(main())
