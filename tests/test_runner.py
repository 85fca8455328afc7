"""The bulk run's core and its reports, against a real loopback server and a real workspace."""

from __future__ import annotations

import argparse
import io
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import FaultServer, Received, Reply

from composer.cli.runner import confirm
from composer.delivery.outbox import Outbox
from composer.delivery.report import ReportSpec, junit_xml, parse_spec, write_reports
from composer.delivery.retry import RetryPolicy
from composer.delivery.runner import (
    Run,
    RunResult,
    dry_run,
    read_event,
    read_person_ids,
    select_people,
)
from composer.errors import InvalidFileError, NotFoundError
from composer.model import Event, Header, Person, Request, ResponseMapping
from composer.store.database import Database

SECRET = "s3cr3t-value-42"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "workspace.sqlite3") as database:
        yield database


def people(db: Database, *ids: str, **attributes: Any) -> list[Person]:
    made = [Person(i, f"{i}@example.com", dict(attributes)) for i in ids]
    with db.transaction():
        for person in made:
            db.people.upsert(person)
    return made


def request_for(server: FaultServer, **changes: Any) -> Request:
    fields: dict[str, Any] = {
        "name": "Sync",
        "url": server.url + "/sync",
        "body": '{"id": "{{ customer.id }}", "name": "{{ customer.name }}"}',
        "response_mappings": (ResponseMapping("crm_id", "{{ response.id }}"),),
    }
    fields.update(changes)
    return Request(**fields)


def by_person(replies: dict[str, Reply], default: Reply) -> Any:
    def answer(received: Received) -> Reply:
        person = json.loads(received.body)["id"]
        return replies.get(person, default)

    return answer


def ids_sent(server: FaultServer) -> list[str]:
    return [json.loads(r.body)["id"] for r in server.requests]


# -- the run ------------------------------------------------------------------------------


def test_every_person_once_recorded_and_mapped(db: Database) -> None:
    chosen = people(db, "a", "b", "c", "d", "e", name="Ana")
    with FaultServer([Reply.json({"id": 7})]) as server:
        run = Run(Outbox(db, workers=3), request_for(server), chosen + chosen[:2])
        ticks: list[dict[str, int]] = []
        result = run.start(ticks.append)
    assert sorted(ids_sent(server)) == ["a", "b", "c", "d", "e"]
    assert [r.person_id for r in result.results] == ["a", "b", "c", "d", "e"]
    assert {r.outcome for r in result.results} == {"succeeded"}
    assert result.exit_code == 0
    assert result.counts()["sent"] == 5 and result.counts()["succeeded"] == 5
    assert db.people.get("c").attributes["crm_id"] == 7
    rows = db.fetchall("SELECT state FROM deliveries")
    assert [row[0] for row in rows] == ["succeeded"] * 5
    assert ticks[-1]["settled"] == ticks[-1]["total"] == 5
    assert result.results[0].request is not None
    assert result.results[0].request["method"] == "POST"


def test_settles_with_waiting_retries_left_in_the_outbox(db: Database) -> None:
    chosen = people(db, "ok", "bad", "later", name="N")
    replies = {"bad": Reply(400, body=b"no such list"), "later": Reply(503)}
    with FaultServer([by_person(replies, Reply.json({"id": 1}))]) as server:
        run = Run(Outbox(db), request_for(server), chosen, policy=RetryPolicy(base=60))
        result = run.start()
    outcomes = {r.person_id: r.outcome for r in result.results}
    assert outcomes == {"ok": "succeeded", "bad": "failed", "later": "waiting_retry"}
    assert result.exit_code == 1
    assert len(server.requests) == 3  # the 503 is not retried within the run
    later = next(r for r in result.results if r.person_id == "later")
    assert later.status == 503 and later.next_attempt_at is not None
    state = db.fetchone("SELECT state FROM deliveries WHERE person_id = 'later'")
    assert state is not None and state[0] == "waiting_retry"
    bad = next(r for r in result.results if r.person_id == "bad")
    assert bad.response_body == "no such list"
    assert "Waiting for a retry 1" in result.summary() and "Failed 1" in result.summary()


def test_wait_goes_through_the_retries(db: Database) -> None:
    chosen = people(db, "x", name="N")
    with FaultServer([Reply(503), Reply(503), Reply.json({"id": 3})]) as server:
        run = Run(Outbox(db), request_for(server), chosen, policy=RetryPolicy(base=0.05), wait=True)
        result = run.start()
    assert [r.outcome for r in result.results] == ["succeeded"]
    assert [a["status"] for a in result.results[0].attempts] == [503, 503, 200]
    assert result.exit_code == 0


def test_a_person_who_does_not_render_is_never_sent(db: Database) -> None:
    chosen = people(db, "fine", name="Ana") + people(db, "quote", name='Ana "the" B')
    with FaultServer([Reply.json({"id": 1})]) as server:
        result = Run(Outbox(db), request_for(server), chosen).start()
    assert ids_sent(server) == ["fine"]
    outcome = {r.person_id: r for r in result.results}
    assert outcome["quote"].outcome == "not_rendered"
    assert outcome["quote"].error and "JSON" in outcome["quote"].error
    assert outcome["quote"].delivery_id is not None  # recorded as a failed delivery
    assert result.exit_code == 1


def test_an_event_is_rendered_for_everyone(db: Database) -> None:
    chosen = people(db, "p1", "p2", name="N")
    event = Event("signup", {"plan": "pro"})
    with FaultServer([Reply.json({"id": 1})]) as server:
        request = request_for(server, body='{"id": "{{ customer.id }}", "e": "{{ event.plan }}"}')
        result = Run(Outbox(db), request, chosen, event=event).start()
    assert result.exit_code == 0
    assert sorted(json.loads(r.body)["e"] for r in server.requests) == ["pro", "pro"]


def test_stop_before_sending_leaves_them_queued(db: Database) -> None:
    chosen = people(db, "s1", "s2", name="N")
    with FaultServer([Reply.json({"id": 1})]) as server:
        run = Run(Outbox(db), request_for(server), chosen)
        run.stop()
        result = run.start()
    assert server.requests == []
    assert [r.outcome for r in result.results] == ["stopped", "stopped"]
    rows = db.fetchall("SELECT state FROM deliveries")
    assert [row[0] for row in rows] == ["queued", "queued"]


def test_dry_run_sends_nothing(db: Database) -> None:
    chosen = people(db, "fine", name="Ana") + people(db, "quote", name='a"b')
    with FaultServer([Reply.json({"id": 1})]) as server:
        result = dry_run(request_for(server), chosen, {})
    assert server.requests == []
    assert db.fetchall("SELECT id FROM deliveries") == []
    assert [r.outcome for r in result.results] == ["would_send", "not_rendered"]
    assert result.exit_code == 1 and result.dry_run
    assert "Would send 1" in result.summary()


# -- choosing people -----------------------------------------------------------------------


def test_select_people(db: Database) -> None:
    people(db, "1001", "1002", "2001", plan="pro")
    assert [p.id for p in select_people(db, ids=["1002", "1001", "1002"])] == ["1002", "1001"]
    assert [p.id for p in select_people(db, search="100")] == ["1001", "1002"]
    assert len(select_people(db, everyone=True)) == 3
    with pytest.raises(NotFoundError, match=r'no person "9" in the workspace \(and 1 more\)'):
        select_people(db, ids=["1001", "9", "8"])
    with pytest.raises(NotFoundError, match="nobody matches --search 'zzz'"):
        select_people(db, search="zzz")


@pytest.mark.parametrize(
    ("name", "text", "ids"),
    [
        ("ids.txt", "# chosen\n1001\n\n 1002 \n", ["1001", "1002"]),
        ("people.csv", "id,email,plan\n1001,a@x,pro\n1002,,\n", ["1001", "1002"]),
        ("people.json", '[{"id": "7", "attributes": {"a": 1}}]', ["7"]),
    ],
)
def test_read_person_ids(tmp_path: Path, name: str, text: str, ids: list[str]) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert read_person_ids(path) == ids


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1]", 'expected a JSON object with "name"'),
        ('{"name": ""}', '"name" must be a non-empty string'),
        ('{"name": "x", "data": []}', '"data" must be an object'),
        ('{"name": "x", "dta": {}}', 'unknown field "dta"'),
        ('{"name": "x", "timestamp": 1.5}', "whole Unix seconds"),
        ('{"name": ', "event.json"),
    ],
)
def test_read_event_refuses(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "event.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidFileError, match=message.replace("(", r"\(")):
        read_event(path)


def test_read_event(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text('{"name": "signup", "data": {"a": 1}, "timestamp": 5}', encoding="utf-8")
    assert read_event(path) == Event("signup", {"a": 1}, 5)


# -- reports -------------------------------------------------------------------------------


def _junit(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    for key in ("name", "tests", "failures", "errors", "time"):
        assert key in root.attrib, key
    (suite,) = root
    assert suite.tag == "testsuite"
    for key in ("name", "tests", "failures", "errors", "skipped", "time", "timestamp"):
        assert key in suite.attrib, key
    float(suite.attrib["time"])
    cases = list(suite)
    assert all(case.tag == "testcase" for case in cases)
    assert int(suite.attrib["tests"]) == len(cases)
    failed = [case for case in cases if case.find("failure") is not None]
    assert int(suite.attrib["failures"]) == len(failed)
    for case in cases:
        assert set(case.attrib) == {"classname", "name", "time"}
        float(case.attrib["time"])
        for failure in case.findall("failure"):
            assert {"type", "message"} <= set(failure.attrib)
    return suite


def test_junit_and_json_reports_mask_secrets(db: Database, tmp_path: Path) -> None:
    chosen = people(db, "ok", "bad", name="N") + people(db, "broken", name='x"y')
    hostile = Reply(500, body=b"boom \x00\x1b[31m " + SECRET.encode())
    with FaultServer([by_person({"bad": hostile}, Reply.json({"id": 1}))]) as server:
        request = request_for(
            server,
            headers=(
                Header("Content-Type", "application/json"),
                Header("Authorization", "Bearer {{ secrets.token }}"),
            ),
        )
        outbox = Outbox(db, {"token": SECRET})
        result = Run(outbox, request, chosen, policy=RetryPolicy(max_retries=0)).start()
    assert server.requests[0].header("Authorization") == f"Bearer {SECRET}"
    junit, report = tmp_path / "out" / "junit.xml", tmp_path / "out" / "run.json"
    write_reports(result, [ReportSpec("junit", junit), ReportSpec("json", report)])
    assert sorted(p.name for p in junit.parent.iterdir()) == ["junit.xml", "run.json"]
    for path in (junit, report):
        assert SECRET not in path.read_text(encoding="utf-8")
    suite = _junit(junit)
    assert suite.attrib["name"] == "Sync"
    assert (suite.attrib["tests"], suite.attrib["failures"], suite.attrib["errors"]) == (
        "3",
        "2",
        "0",
    )
    cases = {case.attrib["name"]: case for case in suite}
    assert cases["person ok"].find("failure") is None
    failure = cases["person bad"].find("failure")
    assert failure is not None
    assert failure.attrib["type"] == "failed"
    message = failure.attrib["message"]
    assert "HTTP 500" in message and f"POST {server.url}/sync" in message
    assert "Bearer ••••••" in (failure.text or "")
    assert "\\x00" in (failure.text or "")  # escaped, so the XML stays XML
    broken = cases["person broken"].find("failure")
    assert broken is not None and broken.attrib["type"] == "not_rendered"
    assert "JSON" in broken.attrib["message"]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["failed"] == 1 and data["summary"]["not_rendered"] == 1
    assert [p["outcome"] for p in data["people"]] == ["succeeded", "failed", "not_rendered"]
    assert data["people"][1]["status"] == 500


def test_a_draft_is_skipped_in_junit(db: Database) -> None:
    chosen = people(db, "d1", "d2", name="N")
    with FaultServer() as server:
        result = Run(Outbox(db), request_for(server, send_mode="draft"), chosen).start()
    assert server.requests == []
    assert result.exit_code == 0
    root = ET.fromstring(junit_xml(result))
    assert root.attrib["skipped"] == "2"
    assert len(root.findall("./testsuite/testcase/skipped")) == 2


def test_report_written_atomically_over_an_old_one(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text("old", encoding="utf-8")
    result = RunResult("R", (), 0.0, 0.1)
    write_reports(result, [ReportSpec("json", path)])
    assert json.loads(path.read_text(encoding="utf-8"))["request"] == "R"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_report_into_a_file_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(InvalidFileError, match="taken: cannot be written"):
        write_reports(RunResult("R", (), 0.0, 0.1), [ReportSpec("junit", tmp_path / "taken")])
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


@pytest.mark.parametrize("text", ["junit", "xml:out.xml", "junit:", ":x"])
def test_report_spec_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected junit:PATH or json:PATH"):
        parse_spec(text)


class _Terminal(io.StringIO):
    """Standard input that says it is a terminal (the real one is tested on a pty)."""

    def isatty(self) -> bool:
        return True


def test_confirmation_shows_the_first_rendering_masked(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = people(db, "first", "second", name="Ana")
    request = Request(
        name="Sync",
        url="https://hooks.example.com/{{ customer.id }}",
        headers=(Header("Authorization", "Bearer {{ secrets.token }}"),),
        body="{{ customer.name }}",
    )
    args = argparse.Namespace(yes=False, dry_run=False)
    monkeypatch.setattr(sys, "stdin", _Terminal("no\n"))
    assert not confirm(args, request, chosen, None, {"token": SECRET})
    shown = capsys.readouterr().err
    assert "Send “Sync” to 2 people? For the first, first:" in shown
    assert "POST https://hooks.example.com/first" in shown
    assert "Authorization: Bearer ••••••" in shown and SECRET not in shown
    assert "Nothing was sent." in shown
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    assert confirm(args, request, chosen, None, {"token": SECRET})
