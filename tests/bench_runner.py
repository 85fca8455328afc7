"""The command-line runner for many people: 1,000 people to a loopback server, timed from
process start to exit, beside newman and Bruno's ``bru`` when they are installed.

    .venv/bin/python tests/bench_runner.py [--short] [--people N] [--runs N] [--runners DIR]

What it prints, one line per measured command (median wall time of ``--runs`` runs, each
including process start; peak RSS of the process and its children, from
``resource.getrusage(RUSAGE_CHILDREN)`` in a small wrapper process per run, so figures
do not mix):

* ``webhook-composer send REQUEST --people people.csv --yes`` — no workspace;
* ``webhook-composer deliver REQUEST --all --yes`` — a workspace holding the people; every
  delivery is checked to be recorded ``succeeded`` in the outbox (the workspace is made
  afresh for each run, outside the timing);
* ``newman run collection.json -d people.csv`` and ``bru run --csv-file-path people.csv``
  when found under ``--runners`` (default ``/tmp/runners``, where ``npm install newman
  @usebruno/cli`` puts them), each sending the same request from the same data file to
  the same server in the same run. Absent ones are skipped with a line saying so.

Budget (``make bench``): 1,000 people ≤ 2 s including process start, every delivery
recorded, peak memory ≤ 80 MiB. ``--short`` uses 200 people and one run (a smoke test of
the figures, not the budget). Every command's request count at the server is checked;
a runner that did not send every request is reported as such. Each figure is one line,
``what  measured  budget B  ok|OVER|--`` (``--``: no budget: the other runners, and
``--short``). Returns 1 when one of our figures is over its budget, one of our runs
failed or a delivery is missing, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bench_common import Verdicts  # noqa: E402
from servers import FaultServer, Reply  # noqa: E402

from composer.model import Person, Request  # noqa: E402
from composer.store.database import Database  # noqa: E402

BUDGET_S = 2.0
BUDGET_MIB = 80.0
BODY = '{"id": "{{ customer.id }}", "email": "{{ customer.email }}", "plan": "{{ customer.plan }}"}'

_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": took, "mib": peak, "code": done.returncode,
                  "stderr": done.stderr.decode("utf-8", "replace")[-400:]}))
"""


def _measure(command: Sequence[str], env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, object] = json.loads(out.stdout)
    return figures


def _files(folder: Path, url: str, people: int) -> dict[str, Path]:
    """The request, the data file, a Postman collection and a Bruno collection."""
    rows = ["id,email,plan"] + [f"c{i},c{i}@example.com,pro" for i in range(people)]
    csv = folder / "people.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    request = folder / "request.json"
    Request(name="Bench", url=url + "/hook", body=BODY).save(request)
    raw = BODY.replace("customer.", "")
    collection = {
        "info": {
            "name": "bench",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": [
            {
                "name": "hook",
                "request": {
                    "method": "POST",
                    "header": [{"key": "Content-Type", "value": "application/json"}],
                    "url": url + "/hook",
                    "body": {"mode": "raw", "raw": raw},
                },
            }
        ],
    }
    postman = folder / "collection.json"
    postman.write_text(json.dumps(collection), encoding="utf-8")
    bruno = folder / "bruno"
    bruno.mkdir()
    (bruno / "bruno.json").write_text(
        json.dumps({"version": "1", "name": "bench", "type": "collection"}), encoding="utf-8"
    )
    (bruno / "hook.bru").write_text(
        "meta {\n  name: hook\n  type: http\n  seq: 1\n}\n\n"
        f"post {{\n  url: {url}/hook\n  body: json\n  auth: none\n}}\n\n"
        f"body:json {{\n  {raw}\n}}\n",
        encoding="utf-8",
    )
    return {"csv": csv, "request": request, "postman": postman, "bruno": bruno}


def _workspace(path: Path, people: int, request: Path) -> None:
    if path.parent.exists():
        shutil.rmtree(path.parent)
    with Database(path) as db:
        db.requests.save(Request.from_file(request))
        with db.transaction():
            for i in range(people):
                db.people.create(Person(f"c{i}", f"c{i}@example.com", {"plan": "pro"}))


def _recorded(path: Path) -> int:
    with Database(path) as db:
        row = db.fetchone(
            "SELECT count(*) FROM deliveries d WHERE state = 'succeeded' AND EXISTS"
            " (SELECT 1 FROM attempts a WHERE a.delivery_id = d.id AND a.status = 200)"
        )
    return int(row[0]) if row else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="200 people, one run")
    parser.add_argument("--people", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--runners", type=Path, default=Path("/tmp/runners"))
    args = parser.parse_args(argv)
    people = args.people or (200 if args.short else 1000)
    runs = args.runs or (1 if args.short else 3)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    ok = True
    verdicts = Verdicts()
    with FaultServer([Reply.json({"ok": True})]) as server, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = _files(folder, server.url, people)
        data = folder / "data"
        env["WEBHOOK_COMPOSER_HOME"] = str(folder / "home")
        ours = [sys.executable, "-m", "composer"]
        commands: list[tuple[str, list[str], bool]] = [
            (
                "webhook-composer send --people",
                [*ours, "send", str(files["request"]), "--people", str(files["csv"]), "--yes",
                 "--retries", "0"],
                True,
            ),
            (
                "webhook-composer deliver --all",
                [*ours, "--data-dir", str(data), "deliver", "Bench", "--all", "--yes"],
                True,
            ),
        ]  # fmt: skip
        newman = args.runners / "node_modules" / ".bin" / "newman"
        bru = args.runners / "node_modules" / ".bin" / "bru"
        if newman.exists():
            commands.append(
                (
                    "newman run -d people.csv",
                    [str(newman), "run", str(files["postman"]), "-d", str(files["csv"]),
                     "--reporters", "cli", "--silent"],
                    False,
                )
            )  # fmt: skip
        if bru.exists():
            commands.append(
                (
                    "bru run --csv-file-path",
                    ["sh", "-c", f'cd "{files["bruno"]}" && exec "{bru}" run --csv-file-path '
                     f'"{files["csv"]}" > /dev/null'],
                    False,
                )
            )  # fmt: skip
        print(f"{people} people to a loopback server, from process start ({runs} runs, median)")
        for name, command, is_ours in commands:
            seconds: list[float] = []
            peak = 0.0
            note = ""
            for _ in range(runs):
                if "deliver" in command:
                    _workspace(data / "workspace.sqlite3", people, files["request"])
                before = len(server.requests)
                figures = _measure(command, env)
                sent = len(server.requests) - before
                seconds.append(float(str(figures["seconds"])))
                peak = max(peak, float(str(figures["mib"])))
                if figures["code"] != 0 or sent != people:
                    note = f"  (exit {figures['code']}, {sent} of {people} requests sent)"
                    if is_ours:
                        ok = False
                if "deliver" in command:
                    recorded = _recorded(data / "workspace.sqlite3")
                    if recorded != people:
                        note += f"  ({recorded} of {people} deliveries recorded)"
                        ok = False
            median = statistics.median(seconds)
            timed = is_ours and people >= 1000
            fast = median <= BUDGET_S if timed else None
            lean = peak <= BUDGET_MIB if timed else None
            budget_s, budget_mib = (
                (f"{BUDGET_S:.0f} s", f"{BUDGET_MIB:.0f} MiB") if timed else ("-", "-")
            )
            verdicts.line(f"{name}: wall time{note}", f"{median:.2f} s", budget_s, fast)
            verdicts.line(f"{name}: peak RSS", f"{peak:.1f} MiB", budget_mib, lean)
        if not newman.exists():
            print(f"  newman: not installed under {args.runners} (npm install newman), skipped")
        if not bru.exists():
            print(f"  bru: not installed under {args.runners} (npm install @usebruno/cli), skipped")
    return verdicts.code() or (0 if ok else 1)


if __name__ == "__main__":
    sys.exit(main())
