"""The people search and the People table over 100,000 people.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench_people.py [--short]
[--people N]``. Prints, beside their budgets (docs/ARCHITECTURE.md: a search over 100,000
people ≤ 15 ms):

* writing the people (one transaction; the search index is kept by triggers, so this is
  also the index's cost) and the People table's pages as its ops read them
  (:func:`composer.store.people_table.table_page`): the first page, the next, a page
  sorted by an attribute and a filtered page (off the GUI thread, so printed without a
  budget);
* the store's search (:meth:`composer.store.people.PeopleRepo.search`, one page of 256) for
  texts of three characters or more that match one person, a hundred, a third of everyone
  and nobody — the budgeted figures, median of several runs — and the same searches as a
  People table page;
* texts of one or two characters, which the trigram index cannot look up: they read the
  search texts in order until a page is full, so a common one is quick and a rare one reads
  all 100,000 (printed without a budget: the documented cost of the short path).

``--short`` takes fewer runs; the people stay 100,000, as the budget is for them.
Returns 1 when a budgeted figure is over, else 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bench_common import Verdicts, median_ms  # noqa: E402
from PySide6.QtCore import QCoreApplication  # noqa: E402

from composer.store.database import Database  # noqa: E402
from composer.store.people_table import TableQuery, table_page  # noqa: E402
from ui.pages.table_models import PAGE  # noqa: E402

BUDGET_MS = 15.0
SEARCHES = (
    ("Person 99999", "one person, the last row"),
    ("zürich", "100 people"),
    ("user12345@", "one person, by email"),
    ("pro", "a third of everyone"),
    ("no such text", "nobody"),
)
SHORT_SEARCHES = (("a", "one letter, everyone"), ("zz", "two letters, nobody"))


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="fewer runs")
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args(argv)
    runs = 5 if args.short else 15
    verdicts = Verdicts()
    QCoreApplication.instance() or QCoreApplication([])
    with tempfile.TemporaryDirectory() as folder, Database(Path(folder) / "w.sqlite3") as db:
        print(f"people: {args.people:,}; search index: {db.people_search or 'none'}")
        took = fill(db, args.people)
        verdicts.line(
            f"write {args.people:,} people (one transaction, index included)",
            f"{took:.2f} s",
            "",
            None,
        )
        pages = (
            ("first page", TableQuery(), 0),
            ("next page", TableQuery(), PAGE),
            ("page sorted by an attribute", TableQuery(sort="plan"), 0),
            ("page filtered by an attribute", TableQuery(filters=(("plan", "pro"),)), 0),
        )
        for what, query, offset in pages:
            took_ms = median_ms(runs, lambda q=query, o=offset: table_page(db, q, PAGE, o))  # type: ignore[misc]
            verdicts.line(f"People table: {what}", f"{took_ms:.1f} ms", "", None)
        budget = f"≤ {BUDGET_MS:g} ms"
        for text, what in SEARCHES:
            found = len(db.people.search(text, PAGE))
            median = median_ms(runs, lambda t=text: db.people.search(t, PAGE))  # type: ignore[misc]
            verdicts.line(
                f"search {text!r}: {what} ({found} shown)",
                f"{median:.2f} ms",
                budget,
                median <= BUDGET_MS,
            )
        worst = max(
            median_ms(runs, lambda t=text: table_page(db, TableQuery(search=t), PAGE))  # type: ignore[misc]
            for text, _ in SEARCHES
        )
        verdicts.line(
            "search as a People table page, slowest text",
            f"{worst:.2f} ms",
            budget,
            worst <= BUDGET_MS,
        )
        for text, what in SHORT_SEARCHES:
            median = median_ms(runs, lambda t=text: db.people.search(t, PAGE))  # type: ignore[misc]
            verdicts.line(
                f"search {text!r}: {what} (no trigram: read in order)", f"{median:.2f} ms", "", None
            )
    return verdicts.code()


if __name__ == "__main__":
    sys.exit(main())
