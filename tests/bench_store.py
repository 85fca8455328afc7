"""Import speed of the workspace: 10,000 people from CSV and from JSON.

Run: ``.venv/bin/python tests/bench_store.py [--short]`` (one line per measurement;
``--short`` imports 2,000). docs/ARCHITECTURE.md sets no budget for imports: these are
figures to watch (the people search index is written with the people, so it is in them).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from composer.store.database import Database
from composer.store.people_io import export_people, import_people

COUNT = 10_000


def _people() -> list[dict[str, object]]:
    return [
        {
            "id": str(100_000 + i),
            "email": f"person{i}@example.com",
            "attributes": {
                "first_name": f"Name{i}",
                "plan": ("free", "pro", "team")[i % 3],
                "zip": f"{i % 100_000:05d}",
                "visits": i % 97,
                "score": (i % 10) / 4,
                "vip": i % 7 == 0,
                "company": {"name": f"Company {i % 50}", "size": i % 500},
            },
            "events": [
                {"name": "signup", "data": {"source": "ad"}, "timestamp": 1_700_000_000 + i}
            ],
        }
        for i in range(COUNT)
    ]


def _time(label: str, path: Path, folder: Path) -> None:
    with Database(folder / f"{label}.sqlite3") as db:
        start = time.perf_counter()
        result = import_people(db, path)
        elapsed = time.perf_counter() - start
        assert result.created == COUNT, result
    per_second = COUNT / elapsed
    print(f"import {COUNT:,} people from {label}: {elapsed * 1000:.0f} ms ({per_second:,.0f}/s)")


def main(argv: list[str] | None = None) -> int:
    global COUNT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="2,000 people")
    if parser.parse_args(argv).short:
        COUNT = 2_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "people.json"
        source.write_text(json.dumps(_people()), encoding="utf-8")
        _time("JSON", source, folder)
        with Database(folder / "JSON.sqlite3") as db:
            start = time.perf_counter()
            export_people(db, folder / "people.csv")
            print(f"export {COUNT:,} people to CSV: {(time.perf_counter() - start) * 1000:.0f} ms")
        _time("CSV", folder / "people.csv", folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
