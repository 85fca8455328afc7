"""Where pulled requests came from, and which people were pulled: the workspace's side.

Two small repositories over the tables of :mod:`composer.cioapi.schema`, reached as
``Origins(db)`` and ``PulledPeople(db)``. Everything above them asks in domain words;
the SQL stays here.
"""

from __future__ import annotations

import builtins
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from composer.cioapi.models import Action
from composer.errors import NotFoundError
from composer.liquid import VERSIONS, LiquidVersion
from composer.model import Person
from composer.store.database import Database

__all__ = ["Origin", "Origins", "PulledPeople"]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from in Customer.io."""

    request_name: str
    """The request, by its current name."""
    campaign_id: int
    """The campaign holding the action."""
    action_id: int
    """The webhook action."""
    action_updated: int | None
    """The action's ``updated`` when it was pulled or last pushed; the conflict rule
    refuses a push when Customer.io's is different now."""
    liquid_version: LiquidVersion | None
    """The action's Liquid version when the App API said it, else None."""
    pulled_action: Action
    """The action as it was pulled (or last pushed)."""
    pulled_at: float
    """When, in Unix seconds."""


_SELECT = (
    "SELECT r.name, o.campaign_id, o.action_id, o.action_updated, o.liquid_version, "
    "o.pulled_action, o.pulled_at FROM cio_origins AS o JOIN requests AS r ON r.id = o.request_id"
)


def _origin(row: Any) -> Origin:
    version = row["liquid_version"]
    return Origin(
        request_name=row["name"],
        campaign_id=row["campaign_id"],
        action_id=row["action_id"],
        action_updated=row["action_updated"],
        liquid_version=cast(LiquidVersion, version) if version in VERSIONS else None,
        pulled_action=Action.from_api(json.loads(row["pulled_action"])),
        pulled_at=row["pulled_at"],
    )


class Origins:
    """The Customer.io origins of a workspace's requests."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, request_name: str) -> Origin | None:
        """Where the request called ``request_name`` came from, or None (not pulled)."""
        row = self._db.fetchone(f"{_SELECT} WHERE r.name = ?", (request_name,))
        return None if row is None else _origin(row)

    def find(self, campaign_id: int, action_id: int) -> Origin | None:
        """The local copy of an action, or None when it was never pulled (or was deleted)."""
        row = self._db.fetchone(
            f"{_SELECT} WHERE o.campaign_id = ? AND o.action_id = ?", (campaign_id, action_id)
        )
        return None if row is None else _origin(row)

    def list(self) -> builtins.list[Origin]:
        """Every pulled request's origin, by campaign and action."""
        rows = self._db.fetchall(f"{_SELECT} ORDER BY o.campaign_id, o.action_id")
        return [_origin(row) for row in rows]

    def record(
        self,
        request_name: str,
        campaign_id: int,
        action: Action,
        liquid_version: LiquidVersion | None = None,
    ) -> None:
        """Remember that ``request_name`` is ``action`` of ``campaign_id``, as it is now."""
        with self._db.transaction():
            row = self._db.fetchone("SELECT id FROM requests WHERE name = ?", (request_name,))
            if row is None:
                raise NotFoundError(f'There is no request named "{request_name}" in the workspace.')
            self._db.execute(
                "DELETE FROM cio_origins "
                "WHERE request_id = ? OR (campaign_id = ? AND action_id = ?)",
                (row["id"], campaign_id, action.id),
            )
            self._db.execute(
                "INSERT INTO cio_origins (request_id, campaign_id, action_id, action_updated, "
                "liquid_version, pulled_action, pulled_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    row["id"],
                    campaign_id,
                    action.id,
                    action.updated,
                    liquid_version or action.liquid_version,
                    json.dumps(dict(action.raw), ensure_ascii=False),
                    time.time(),
                ),
            )

    def forget(self, request_name: str) -> None:
        """Forget where ``request_name`` came from (it stays as a plain request)."""
        with self._db.transaction():
            self._db.execute(
                "DELETE FROM cio_origins "
                "WHERE request_id = (SELECT id FROM requests WHERE name = ?)",
                (request_name,),
            )


class PulledPeople:
    """The people copied into the workspace from Customer.io."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def ids(self) -> builtins.list[str]:
        """The pulled people's ids, in the order they were first stored."""
        rows = self._db.fetchall(
            "SELECT p.id FROM cio_pulled_people AS c JOIN people AS p ON p.id = c.person_id "
            "ORDER BY p.rowid"
        )
        return [row["id"] for row in rows]

    def count(self) -> int:
        """How many pulled people the workspace holds."""
        row = self._db.fetchone("SELECT count(*) FROM cio_pulled_people")
        return int(row[0]) if row else 0

    def is_pulled(self, person_id: str) -> bool:
        """Whether the person with this id was pulled from Customer.io."""
        row = self._db.fetchone("SELECT 1 FROM cio_pulled_people WHERE person_id = ?", (person_id,))
        return row is not None

    def local_ids(self, person_ids: Iterable[str]) -> set[str]:
        """Those of ``person_ids`` stored in the workspace but not pulled (made here)."""
        ids = builtins.list(dict.fromkeys(person_ids))
        rows = self._db.fetchall(
            "SELECT id FROM people WHERE id IN (SELECT value FROM json_each(?)) "
            "AND id NOT IN (SELECT person_id FROM cio_pulled_people)",
            (json.dumps(ids),),
        )
        return {row["id"] for row in rows}

    def store(self, people: Iterable[Person], sources: Mapping[str, str]) -> tuple[int, int]:
        """Store pulled people (new ones, or refreshing pulled ones) and mark them pulled.

        ``sources`` gives each person's source ("id", "email", "segment 7"). Returns
        ``(new, refreshed)``. All of it is one transaction.
        """
        new = refreshed = 0
        now = time.time()
        with self._db.transaction():
            for person in people:
                if self._db.people.upsert(person):
                    new += 1
                else:
                    refreshed += 1
                self._db.execute(
                    "INSERT INTO cio_pulled_people (person_id, source, pulled_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (person_id) DO UPDATE SET source = excluded.source, "
                    "pulled_at = excluded.pulled_at",
                    (person.id, sources.get(person.id, ""), now),
                )
        return new, refreshed

    def remove_all(self) -> int:
        """Delete every pulled person (and their events); returns how many went."""
        with self._db.transaction():
            cursor = self._db.execute(
                "DELETE FROM people WHERE id IN (SELECT person_id FROM cio_pulled_people)"
            )
            return max(cursor.rowcount, 0)
