"""The per-person check and the upgrade check on 10,000 people; prints figures only.

    .venv/bin/python tests/bench_check.py [--people 10000] [--workers N]

Builds a workspace in a temporary folder with N distinct people (unique ids, emails and
names, some with quotes or apostrophes, some without a company, one or two events each),
then times :func:`composer.check.sweep.check_request` for several shipped recipes: with the
default worker processes and in one process. Loading the people and their events from
SQLite is timed apart (events one person at a time, and two hundred at a time as the
check reads them when given ``events_for_many``). Budget (docs/ARCHITECTURE.md): 10,000
people in 2 s on 2 cores. Wall-clock figures on a busy machine are worse than on an idle
one, so the CPU seconds are printed too: those of this process (reading people, handing
them out) and those of the worker processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from composer.check.sweep import check_request, default_workers  # noqa: E402
from composer.check.upgrade import upgrade_check  # noqa: E402
from composer.model import Event, Person  # noqa: E402
from composer.store.database import Database  # noqa: E402
from composer.store.people_io import PersonRecord, write_people  # noqa: E402
from composer.store.seed import load_recipes  # noqa: E402

RECIPES = (
    "Plain JSON: id and email",
    "Whole customer as JSON (replace trick)",
    "Form-encoded body",
    "Zendesk: ticket for a cancellation",
    "Trello: card to schedule a call",
)
FIRST = ["Maya", "Jonas", "Zoë", "Wei", "Sam", "Olivia", "花子", "Sean", "Ana", "Tom"]
LAST = ["Patel", "Weber", "O'Brien", 'Jones "TJ"', "Li", "Nguyen", "佐藤", "Silva", "Smith"]


def people(count: int) -> list[PersonRecord]:
    rng = random.Random(7)
    records = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        attributes = {
            "first_name": first,
            "last_name": last,
            "name": f"{first} {last} {i}",
            "company": rng.choice([None, "Acme & Co", f"Company {i % 97}", 'The "Best" Ltd']),
            "plan": rng.choice(["free", "growth", "pro"]),
            "phone": f"+1415555{i:04d}"[:12],
            "NPS_rating": i % 11,
            "created_at": 1767225600 + i,
        }
        events = [
            Event("account_cancelled", {"reason": "price", "feedback": f"Note {i}"}, 1790000000)
        ]
        if i % 2:
            events.append(Event("nps_submitted", {"score": i % 11}, 1789000000))
        records.append(
            PersonRecord(Person(str(10000 + i), f"user{i}@example.com", attributes), tuple(events))
        )
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="one recipe, default workers only")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args(argv)
    over: list[str] = []
    names = RECIPES[:1] if args.short else RECIPES
    recipes = {recipe.name: recipe for recipe in load_recipes()}
    secrets = ["zendesk_email", "zendesk_api_token", "trello_api_key", "trello_token"]
    print(f"cores: {os.cpu_count()}, worker processes: {args.workers}, people: {args.people}")
    with tempfile.TemporaryDirectory() as folder, Database(Path(folder) / "w.sqlite3") as db:
        write_people(db, people(args.people))
        started = time.perf_counter()
        everyone = db.people.list()
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        events = {p.id: [e.event for e in db.people.events(p.id)] for p in everyone}
        events_loaded = time.perf_counter() - started
        started = time.perf_counter()
        ids = [p.id for p in everyone]
        for at in range(0, len(ids), 200):  # as the check reads them with events_for_many
            db.people.events_by_person(ids[at : at + 200])
        events_bulk = time.perf_counter() - started
        print(f"load {len(everyone)} people from SQLite: {loaded:.2f} s", end="; ")
        print(f"their events: {events_loaded:.2f} s one person at a time", end=", ")
        print(f"{events_bulk:.2f} s two hundred at a time")
        now = dt.datetime.now(dt.UTC)
        for name in names:
            for workers in (args.workers,) if args.short else (args.workers, 1):
                cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime
                children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
                report = check_request(
                    recipes[name], everyone, events.__getitem__, secrets, workers=workers, now=now
                )
                cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu
                children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - children
                ok = "ok" if report.elapsed_s <= 2.0 else "OVER"
                if workers != args.workers:
                    ok = "--"  # the budget is for the default worker processes
                elif ok == "OVER":
                    over.append(f"check {name}")
                print(
                    f"{name[:38]:<38} workers={workers} renderings={report.renderings:>6} "
                    f"findings={len(report.results):>5} groups={len(report.groups):>2} "
                    f"{report.elapsed_s:6.2f} s wall (CPU: {cpu:.2f} s here, {children:.2f} s "
                    f"in workers)  budget 2 s {ok}",
                    flush=True,
                )
        for name in names:
            cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime
            children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
            upgrade = upgrade_check(
                recipes[name], everyone, events.__getitem__, secrets, workers=args.workers, now=now
            )
            cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu
            children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - children
            ok = "ok" if upgrade.elapsed_s <= 2.0 else "OVER"
            if ok == "OVER":
                over.append(f"upgrade-check {name}")
            print(
                f"upgrade-check {name[:38]:<38} workers={args.workers} "
                f"renderings={upgrade.renderings:>6}×2 different={upgrade.different:>5} "
                f"{upgrade.elapsed_s:6.2f} s wall (CPU: {cpu:.2f} s here, {children:.2f} s in "
                f"workers)  budget 2 s {ok}",
                flush=True,
            )
    if over:
        print(f"over budget: {'; '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
