"""Fault injection: ``outbox run`` killed (SIGKILL) at random points and restarted, many times.

A real server answers each delivery by a seeded script (2xx, 5xx then 2xx, slow, a 4xx,
hostile bodies, a reset connection) and counts what it receives; ``outbox run`` runs in
a subprocess on a real SQLite file and is killed at a random moment of each run, then
started again, with a new wave of deliveries queued between runs so that every run has
work in hand; a last run goes uninterrupted. Afterwards:

* no delivery is lost: every one has ended (succeeded or failed);
* every answered attempt is recorded exactly once, and nothing is sent more than once
  except an attempt in flight at a kill: for each delivery, the attempts recorded with an
  answer are at most what the server received, and what it received is at most those
  plus the attempts closed as interrupted;
* response mappings were applied exactly once per success (a counter on the person);
* ``PRAGMA integrity_check`` is ``ok``.

Bounded and seeded (:data:`SEED`, :data:`RUNS`); about 40 s.
"""

from __future__ import annotations

import gzip
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from servers import FaultServer, Received, Reply

from composer.delivery.outbox import Outbox
from composer.delivery.retry import RetryPolicy
from composer.model import Person, Request, ResponseMapping
from composer.store.database import Database

pytestmark = pytest.mark.slow

SEED = 20261204
RUNS = 30
"""Runs that are killed (then one that is not)."""
FIRST, WAVE = 16, 6
"""Deliveries queued before the first run, and before each later one."""
PEOPLE = FIRST + WAVE * RUNS
KINDS = ("ok", "ok", "ok", "flaky", "flaky", "slow", "slow", "final_4xx", "reset", "hostile")
HOSTILE = (
    b"[" * 3000 + b"]" * 3000,
    b'{"id": "' + b"x" * (2 * 1024 * 1024) + b'"}',
    b'{"id": "\xff\xfe"}',
)


class Script:
    """What the server does for each person, and what it received (thread-safe)."""

    def __init__(self, rng: random.Random) -> None:
        self.kind = {f"p{i}": KINDS[i % len(KINDS)] for i in range(PEOPLE)}
        self.fails = {p: rng.randint(1, 3) for p in self.kind}  # 5xx before the 2xx
        self.delay = {p: rng.uniform(0.2, 1.2) for p in self.kind}
        self.hostile = {p: rng.choice(HOSTILE) for p in self.kind}
        self.received: Counter[str] = Counter()
        self._lock = threading.Lock()

    def reply(self, request: Received) -> Reply:
        person = request.target.rsplit("/", 1)[-1]
        with self._lock:
            self.received[person] += 1
            seen = self.received[person]
        kind = self.kind[person]
        ok = Reply.json({"id": f"r-{person}"})
        if kind == "flaky" and seen <= self.fails[person]:
            return Reply(503, (("Retry-After", "0"),))
        if kind == "slow":
            return Reply(ok.status, ok.headers, ok.body, delay=self.delay[person])
        if kind == "final_4xx":
            return Reply(422, body=b'{"error": "no"}')
        if kind == "reset" and seen == 1:
            return Reply(reset=True)
        if kind == "hostile":
            if person.endswith(("0", "5")):  # a decompression bomb
                bomb = gzip.compress(bytes(1024 * 1024)) * 64
                return Reply(200, (("Content-Encoding", "gzip"),), bomb)
            return Reply(200, (("Content-Type", "application/json"),), self.hostile[person])
        return ok


POLICY = RetryPolicy(max_retries=5, base=0.05)
REQUEST = Request(
    name="Faults",
    url="{{ customer.base }}/d/{{ customer.id }}",
    body='{"id": "{{ customer.id }}"}',
    response_mappings=(
        ResponseMapping("applied", "{{ customer.applied | plus: 1 }}"),
        ResponseMapping("remote", "{{ response.id }}"),
    ),
)


def _queue(path: Path, base: str, first: int, count: int) -> list[int]:
    """Queue deliveries for people ``first`` … ``first + count - 1`` (made here)."""
    with Database(path) as db:
        people = [
            Person(f"p{i}", "", {"base": base, "applied": 0}) for i in range(first, first + count)
        ]
        for person in people:
            db.people.create(person)
        return Outbox(db).create_many(REQUEST, people, POLICY)


def _outbox_run(data: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = ["outbox", "run", "--backoff-base", "0.05"]
    return subprocess.Popen(
        [sys.executable, "-m", "composer", "--data-dir", str(data), *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_killed_and_restarted_many_times_nothing_is_lost_or_sent_twice(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    rng = random.Random(SEED)
    script = Script(rng)
    data = tmp_path / "data"
    path = data / "workspace.sqlite3"
    started = time.monotonic()
    kills = 0
    with FaultServer([script.reply]) as server:
        ids = _queue(path, server.url, 0, FIRST)
        for run in range(RUNS):
            process = _outbox_run(data, cli_env)
            time.sleep(rng.uniform(0.3, 1.6))
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                kills += 1
            _, errors = process.communicate(timeout=30)
            assert b"Traceback" not in errors, errors.decode()
            ids += _queue(path, server.url, FIRST + run * WAVE, WAVE)
        last = _outbox_run(data, cli_env)
        _, errors = last.communicate(timeout=60)
        assert last.returncode in (0, 1), errors.decode()  # 1: the 4xx deliveries failed
        received = dict(script.received)
    took = time.monotonic() - started

    with Database(path) as db:
        assert db.fetchone("PRAGMA integrity_check")[0] == "ok"
        deliveries = Outbox(db).many(ids)
        people = {p.id: p for p in db.people.list(None, 0)}
    interrupted_total = 0
    for delivery in deliveries:
        person = delivery.person_id or ""
        assert delivery.state in ("succeeded", "failed"), (person, delivery.state)
        answered = sum(a.status is not None for a in delivery.attempts)
        interrupted = sum(a.error_kind == "interrupted" for a in delivery.attempts)
        interrupted_total += interrupted
        got = received.get(person, 0)
        assert answered <= got <= answered + interrupted + _unanswered(delivery), (
            person,
            script.kind[person],
            got,
            [(a.status, a.error_kind) for a in delivery.attempts],
        )
        assert [a.n for a in delivery.attempts] == list(range(1, len(delivery.attempts) + 1))
        applied = people[person].attributes["applied"]
        expect = 1 if delivery.state == "succeeded" and delivery.attribute_updates else 0
        assert applied == expect, (person, script.kind[person], applied, delivery.error)
        if script.kind[person] == "final_4xx":
            assert delivery.state == "failed"
        elif script.kind[person] != "hostile":  # or its retries ran out, kills included
            used_up = len(delivery.attempts) > POLICY.max_retries
            assert delivery.state == "succeeded" or used_up, (person, delivery.error)
    print(
        f"\nfault suite: seed {SEED}, {len(ids)} deliveries, {kills} kills, "
        f"{interrupted_total} attempts cut off in flight, {sum(received.values())} requests "
        f"received, {took:.1f} s"
    )
    assert kills >= RUNS - 3, "nearly every run was killed mid-way"
    assert interrupted_total >= RUNS // 3, "many kills caught attempts in flight"


def _unanswered(delivery: object) -> int:
    """Attempts that reached the server but got no whole answer (a reset, a timeout)."""
    attempts = getattr(delivery, "attempts", ())
    return sum(a.status is None and a.error_kind in ("reset", "timeout") for a in attempts)
