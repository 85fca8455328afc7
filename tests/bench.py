"""``make bench``: each performance budget of the design document beside its measurement.

Run as a script (``python tests/bench.py``). Figures are printed, never asserted: the
suite stays free of timing thresholds, and this report is what to read. The figures the
other benchmark scripts in this folder measure (the window, the store, the sender, the
per-person check) are gathered by running each one in its own process, so one's
imports or threads cannot colour another's numbers.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from composer.model import Request, load_context  # noqa: E402
from composer.render import render  # noqa: E402

RECIPES = ROOT / "resources" / "recipes"
CONTEXT = ROOT / "resources" / "sample" / "context.json"


def line(what: str, measured: str, budget: str, ok: bool | None) -> None:
    mark = {True: "ok", False: "OVER", None: "--"}[ok]
    print(f"{what:<58} {measured:>16}   budget {budget:<12} {mark}", flush=True)


def bench_render() -> None:
    context = load_context(CONTEXT)
    worst = 0.0
    for path in sorted(RECIPES.glob("*.json")):
        if path.name == "index.json":
            continue
        request = Request.from_file(path)
        render(request, context)  # warm the template cache, as the preview is after a keystroke
        samples = []
        for _ in range(200):
            t0 = time.perf_counter()
            render(request, context)
            samples.append(time.perf_counter() - t0)
        median = statistics.median(samples) * 1000
        worst = max(worst, median)
        line(f"render + validate {path.stem}", f"{median:.3f} ms", "≤ 2 ms", median <= 2)
    line("render + validate, slowest recipe (median)", f"{worst:.3f} ms", "≤ 2 ms", worst <= 2)


def _app_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["WEBHOOK_COMPOSER_HOME"] = str(data_dir)
    env["PYTHONPATH"] = str(ROOT)
    return env


def bench_startup() -> None:
    # An installed wheel or the bundle starts from compiled bytecode; so does this.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "composer"), str(ROOT / "ui")],
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        command = [
            sys.executable,
            "-m",
            "ui.main",
            "--data-dir",
            str(data_dir),
            "--exit-after-startup",
        ]
        subprocess.run(command, env=_app_env(data_dir), capture_output=True, check=False)  # seeds
        for _ in range(7):
            t0 = time.perf_counter()
            result = subprocess.run(command, env=_app_env(data_dir), capture_output=True, text=True)
            wall = time.perf_counter() - t0
            if result.returncode != 0:
                line("cold start to window shown", "failed", "≤ 0.6 s", False)
                print(result.stderr[-2000:])
                return
            runs.append((wall, result.stdout.strip()))
    median = statistics.median(w for w, _ in runs)
    reported = [out for _, out in runs]
    line(
        "cold start to window shown (process wall, median of 7)",
        f"{median:.3f} s",
        "≤ 0.6 s",
        median <= 0.6,
    )
    print(f"    the app's own report: {reported[len(reported) // 2]}")


def bench_memory() -> None:
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
    if child.returncode != 0:
        line("memory after start, 10,000 people", "failed", "≤ 130 MiB", False)
        print(stderr[-2000:])
        return
    mib = usage.ru_maxrss / 1024
    line("peak RSS through start-up, 10,000 people", f"{mib:.1f} MiB", "≤ 130 MiB", mib <= 130)


def run_script(name: str) -> None:
    script = ROOT / "tests" / name
    if not script.exists():
        line(f"{name}", "missing", "", None)
        return
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + str(ROOT / "tests")
    result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True)
    for text in result.stdout.rstrip().splitlines():
        print(f"  {text}")
    if result.returncode != 0:
        print(f"  {name} failed (exit {result.returncode}): {result.stderr.strip()[-1500:]}")


def main() -> int:
    print("Webhook Composer benchmarks (2-core budgets from the design document)\n")
    bench_render()
    print()
    bench_startup()
    bench_memory()
    for script in (
        "bench_ui.py",
        "bench_people.py",
        "bench_check.py",
        "bench_send.py",
        "bench_store.py",
    ):
        print(f"\n{script}:")
        run_script(script)
    return 0


if __name__ == "__main__":
    sys.exit(main())
