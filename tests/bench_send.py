"""Sending benchmarks against a loopback server.

    .venv/bin/python tests/bench_send.py [--short] [--people 1000] [--sends 300]

Returns 1 when sending to the people is over its budget or a delivery is not recorded.
The masking of response bodies is a figure of ``tests/bench.py``.

* the per-send cost of a bare ``httpx.post``, of a reused ``httpx.Client``, of
  :class:`composer.delivery.sender.Sender` (exact bytes, whole-response deadline), and of a recorded
  delivery through the outbox (rendered, written before sending, attempt recorded);
* the "send to N chosen people" shortcut: one delivery per person, every one recorded
  (budget: 1,000 people in 5 s on 2 cores).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import httpx  # noqa: E402
from servers import FaultServer, Reply  # noqa: E402

from composer.delivery.outbox import Outbox  # noqa: E402
from composer.delivery.retry import RetryPolicy  # noqa: E402
from composer.delivery.sender import Sender  # noqa: E402
from composer.model import Person, Request, ResponseMapping, context_for  # noqa: E402
from composer.store.database import Database  # noqa: E402

BODY = '{"id": "c1", "email": "c1@example.com", "plan": "pro"}'


def per_call_ms(fn: Callable[[], object], count: int) -> float:
    fn()  # warm up (imports, first connection)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def request_for(url: str) -> Request:
    return Request(
        name="Bench",
        url=url + "/hook?email={{ customer.email | url_encode }}",
        body='{"id": "{{ customer.id }}", "email": "{{ customer.email }}", '
        '"plan": "{{ customer.plan }}"}',
        response_mappings=(ResponseMapping("remote", "{{ response.ok }}"),),
    )


class _Wire:
    def __init__(self, url: str) -> None:
        self.method = "POST"
        self.url = url
        self.headers = (("Content-Type", "application/json"),)
        self.body = BODY


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="fewer single sends")
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--sends", type=int, default=300)
    args = parser.parse_args(argv)
    if args.short:
        args.sends = min(args.sends, 60)
    headers = {"Content-Type": "application/json"}
    with FaultServer([Reply.json({"ok": True})]) as server, tempfile.TemporaryDirectory() as tmp:
        url = server.url + "/hook"
        bare = per_call_ms(lambda: httpx.post(url, content=BODY, headers=headers), args.sends)
        with httpx.Client() as client:
            reused = per_call_ms(
                lambda: client.post(url, content=BODY, headers=headers), args.sends
            )
        with Sender() as sender:
            wire = _Wire(url)
            ours = per_call_ms(lambda: sender.send(wire), args.sends)

        with Database(Path(tmp) / "bench.sqlite3") as db:
            people = [
                Person(f"c{i}", f"c{i}@example.com", {"plan": "pro"}) for i in range(args.people)
            ]
            with db.transaction():
                for person in people:
                    db.people.create(person)
            outbox = Outbox(db, workers=1)
            request = request_for(server.url)
            policy = RetryPolicy(max_retries=0)

            def one_delivery() -> None:
                delivery_id = outbox.create(
                    request, context_for(people[0]), person_id="c0", policy=policy
                )
                outbox.run([delivery_id])

            recorded = per_call_ms(one_delivery, min(args.sends, 200))

            bulk = Outbox(db, workers=8)
            start = time.perf_counter()
            ids = bulk.create_many(request, people, policy)
            created = time.perf_counter() - start
            done = bulk.run(ids)
            total = time.perf_counter() - start
            ok = sum(d.state == "succeeded" for d in done)
            rows = db.fetchone(
                "SELECT count(*) FROM attempts WHERE delivery_id BETWEEN ? AND ?",
                (min(ids), max(ids)),
            )
            attempts = int(rows[0]) if rows else 0

    print("per send to a loopback server (median):")
    print(f"  bare httpx.post (new client each call)   {bare:7.3f} ms")
    print(f"  httpx.Client.post (kept alive)           {reused:7.3f} ms")
    print(f"  composer Sender.send (kept alive)        {ours:7.3f} ms")
    print(f"  recorded delivery (render, store, send)  {recorded:7.3f} ms")
    print(f"  Sender overhead vs bare httpx.post       {ours - bare:+7.3f} ms")
    print(f"  recorded delivery vs bare httpx.post     {recorded - bare:+7.3f} ms")
    within = total <= 5.0 and ok == args.people and attempts == args.people
    print(
        f"send to {args.people} people: {total:.2f} s (budget 5 s, every delivery recorded) "
        f"{'ok' if within else 'OVER'}; creating the deliveries {created:.2f} s; "
        f"{ok} succeeded, {attempts} attempts recorded"
    )
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
