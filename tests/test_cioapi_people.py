"""Sample people from Customer.io: pulled by id, email or segment, marked, removed in one go."""

from __future__ import annotations

import pytest
from cio_fixtures import cio, client, db
from cio_server import CioServer

from composer.cioapi import (
    MAX_PEOPLE,
    PERSONAL_DATA_NOTICE,
    CioError,
    PulledPeople,
    pull_people,
    remove_pulled_people,
)
from composer.cioapi.client import CioClient
from composer.model import Event, Person
from composer.store.database import Database

__all__ = ["cio", "client", "db"]  # fixtures used by name below


def test_people_by_id_are_stored_with_their_attributes(db: Database, client: CioClient) -> None:
    done = pull_people(db, client, ids=["1001", "1003", "404"])
    assert (done.source, done.new, done.missing) == ("id", ("1001", "1003"), ("404",))
    ana = db.people.get("1001")
    assert ana.email == "ana@example.com"
    assert dict(ana.attributes) == {"first_name": "Ana", "plan": "pro", "cio_id": "03000001"}
    assert PulledPeople(db).ids() == ["1001", "1003"]
    assert done.to_json() == {
        "source": "id",
        "new": ["1001", "1003"],
        "refreshed": [],
        "kept": [],
        "missing": ["404"],
    }


def test_people_by_email_ignore_case(db: Database, client: CioClient) -> None:
    done = pull_people(db, client, emails=["BEA@example.com", "nobody@example.com"])
    assert (done.source, done.new, done.missing) == ("email", ("1002",), ("nobody@example.com",))


def test_ids_and_emails_together_each_say_how_they_were_pulled(
    db: Database, client: CioClient
) -> None:
    done = pull_people(db, client, ids=["1001"], emails=["cy@example.com", "ana@example.com"])
    assert (done.source, done.new) == ("id and email", ("1001", "1003"))
    rows = db.fetchall("SELECT person_id, source FROM cio_pulled_people ORDER BY person_id")
    assert [tuple(row) for row in rows] == [("1001", "id"), ("1003", "email")]


def test_a_segment_gives_its_first_members_up_to_the_limit(
    db: Database, client: CioClient, cio: CioServer
) -> None:
    done = pull_people(db, client, segment=5, limit=2)
    assert (done.source, done.new) == ("segment 5", ("1001", "1002"))
    membership = [r for r in cio.received if r.path == "/v1/segments/5/membership"]
    assert membership[0].query["limit"] == "2"


def test_pulling_again_refreshes_and_never_touches_people_made_here(
    db: Database, client: CioClient, cio: CioServer
) -> None:
    mine = Person("1002", "bea@mine.test", {"note": "made by hand"})
    db.people.create(mine)
    first = pull_people(db, client, segment=5)
    assert (first.new, first.kept) == (("1001", "1003"), ("1002",))
    cio.state.people[0]["attributes"]["plan"] = "enterprise"
    again = pull_people(db, client, segment=5)
    assert (again.new, again.refreshed, again.kept) == ((), ("1001", "1003"), ("1002",))
    assert db.people.get("1001").attributes["plan"] == "enterprise"
    assert db.people.get("1002") == mine


def test_remove_pulled_takes_exactly_the_pulled_people_and_their_events(
    db: Database, client: CioClient
) -> None:
    db.people.create(Person("local", "me@example.com"))
    pull_people(db, client, ids=["1001", "1002"])
    db.people.add_event("1001", Event("signup", {"source": "ad"}, 1))
    assert remove_pulled_people(db) == 2
    assert [p.id for p in db.people.list()] == ["local"]
    assert PulledPeople(db).count() == 0
    assert db.fetchone("SELECT count(*) FROM events")[0] == 0  # type: ignore[index]
    assert remove_pulled_people(db) == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({}, "Name the people to pull"),
        ({"ids": ["1"], "segment": 5}, "not both at once"),
        ({"segment": 5, "limit": 0}, f"between 1 and {MAX_PEOPLE}"),
        ({"segment": 5, "limit": MAX_PEOPLE + 1}, f"between 1 and {MAX_PEOPLE}"),
        ({"ids": [str(n) for n in range(MAX_PEOPLE + 1)]}, f"between 1 and {MAX_PEOPLE}"),
    ],
)
def test_bad_requests_are_refused_before_any_call(
    db: Database, client: CioClient, cio: CioServer, arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(CioError, match=message):
        pull_people(db, client, **arguments)  # type: ignore[arg-type]
    assert cio.received == []


def test_the_notice_says_it_is_personal_data() -> None:
    assert "personal data" in PERSONAL_DATA_NOTICE
    assert "removed in one step" in PERSONAL_DATA_NOTICE
