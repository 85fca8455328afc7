"""The deliveries' additive migration: forced, the attempt's run, and its decoded body."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from composer.delivery.outbox import Outbox
from composer.model import Person, Request
from composer.store import schema
from composer.store.database import Database, split_script

STEP = schema.MIGRATIONS.index(schema._DELIVERY_FAULTS)
"""Where the step sits among the migrations (the file is at ``STEP`` before it)."""


def _columns(path: Path, table: str) -> dict[str, tuple[str, int, str | None]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(f"PRAGMA table_info({table})").fetchall()
    finally:
        conn.close()
    return {row[1]: (row[2], row[3], row[4]) for row in rows}


def test_an_older_workspace_keeps_its_deliveries_and_gains_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "workspace.sqlite3"
    with Database(path, migrations=schema.MIGRATIONS[:STEP]) as db:  # as an older build wrote
        db.people.create(Person("p1", "p@example.com", {}))
        snapshot = Request(name="Old", url="https://example.com/h").to_json()
        with db.transaction():
            cursor = db.execute(
                "INSERT INTO deliveries (request_name, person_id, state, request_snapshot,"
                " context_snapshot, rendered, rendered_at, max_retries, backoff_base,"
                " created_at, updated_at) VALUES ('Old', 'p1', 'succeeded', ?, '{}', '{}',"
                " 1.0, 10, 1.0, 1.0, 1.0)",
                (snapshot,),
            )
            delivery_id = int(cursor.lastrowid or 0)
            db.execute(
                "INSERT INTO attempts (delivery_id, n, started_at, elapsed_ms, status)"
                " VALUES (?, 1, 1.0, 12.5, 200)",
                (delivery_id,),
            )
    assert "forced" not in _columns(path, "deliveries")

    with Database(path) as db:
        assert db.version == schema.SCHEMA_VERSION
        assert db.backup_path == tmp_path / f"workspace.sqlite3.v{STEP}.bak"
        delivery = Outbox(db).get(delivery_id)
    assert delivery.forced is False
    assert delivery.state == "succeeded"
    (attempt,) = delivery.attempts
    assert (attempt.status, attempt.response_decoded, attempt.response_problem) == (200, None, None)
    assert _columns(path, "deliveries")["forced"] == ("INTEGER", 1, "0")
    attempts = _columns(path, "attempts")
    assert {"owner", "response_decoded", "response_problem"} <= set(attempts)


def test_the_step_only_adds_columns() -> None:
    statements = [re.sub(r"--[^\n]*", "", s).strip() for s in split_script(schema._DELIVERY_FAULTS)]
    assert len(statements) == 4
    assert all(s.startswith("ALTER TABLE") and "ADD COLUMN" in s for s in statements)
