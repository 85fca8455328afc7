"""Figures for the People table with 100,000 people, and a bulk send to a loopback server.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench_people.py [--people N]
[--send N]``. Prints, in milliseconds (median of several runs where it says so):

* inserting the people (executemany, one transaction);
* building :class:`ui.table_models.PeopleTableModel` (the first page) and one ``fetchMore``;
* searching (the first page of matches) for texts that match one person, a hundred, a
  third of everyone, and nobody — the budget is 100 ms, printed, never asserted;
* a bulk send of ``--send`` people through :class:`ui.bulk_send.BulkSendWorker` to a
  loopback server answering 200, until every delivery is recorded and settled.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from PySide6.QtCore import QCoreApplication  # noqa: E402
from servers import FaultServer, Reply  # noqa: E402

from composer.model import Request  # noqa: E402
from composer.outbox import Outbox  # noqa: E402
from composer.retry import RetryPolicy  # noqa: E402
from composer.store import Database  # noqa: E402
from ui.bulk_send import BulkSendWorker  # noqa: E402
from ui.table_models import PeopleTableModel  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def median_of(runs: int, action: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fill(db: Database, count: int) -> float:
    rows = (
        (
            f"p{i:06d}",
            f"user{i}@example.com",
            json.dumps(
                {
                    "name": f"Person {i}",
                    "plan": ("free", "pro", "team")[i % 3],
                    "city": "Zürich" if i % 1000 == 0 else "Lisbon",
                    "n": i,
                },
                ensure_ascii=False,
            ),
            0,
            0,
        )
        for i in range(count)
    )
    start = time.perf_counter()
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO people (id, email, attributes, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    return time.perf_counter() - start


def bulk(db: Database, count: int) -> tuple[float, int]:
    ids = [p.id for p in db.people.list(count)]
    with FaultServer([Reply(200)]) as server:
        request = Request("Bench", server.url + "/hook", body='{"id": {{ customer.id | json }}}')
        worker = BulkSendWorker(db, None, request, ids, policy=RetryPolicy(0, 0.05))
        summary: dict[str, object] = {}
        worker.done.connect(summary.update)
        start = time.perf_counter()
        worker.run()  # in this thread: the figure is the engine's, not the event loop's
        took = time.perf_counter() - start
    recorded = len([d for d in Outbox(db).list() if d.request_name == "Bench"])
    assert summary.get("sent") == count, summary
    return took, recorded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=1_000)
    args = parser.parse_args()
    QCoreApplication.instance() or QCoreApplication([])
    with tempfile.TemporaryDirectory() as folder, Database(Path(folder) / "w.sqlite3") as db:
        print(f"people: {args.people:,}")
        print(f"insert (executemany, one transaction)      {ms(fill(db, args.people))}")
        model_time = median_of(5, lambda: PeopleTableModel(db))
        print(f"build the model (first page), median of 5  {ms(model_time)}")
        model = PeopleTableModel(db)
        print(f"fetchMore (next page), median of 5         {ms(median_of(5, model.fetchMore))}")
        for text, what in (
            ("Person 99999", "one person, last row"),
            ("zürich", "100 people"),
            ("pro", "a third of everyone"),
            ("no such text", "nobody"),
        ):
            took = median_of(5, lambda t=text: model.set_search(t))  # type: ignore[misc]
            flag = "" if took <= 0.1 else "   (over the 100 ms budget)"
            print(f"search {text!r:16} {what:22} {ms(took)}{flag}")
        if args.send:
            took, recorded = bulk(db, args.send)
            print(
                f"bulk send to {args.send:,} people (loopback)        {ms(took)}; "
                f"{recorded:,} deliveries recorded"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
