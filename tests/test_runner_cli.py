"""``deliver`` for many people and ``send --people`` as a user runs them (subprocesses)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from servers import FaultServer, Received, Reply

from composer.model import Person, Request, ResponseMapping
from composer.paths import WORKSPACE_FILE
from composer.store.seed import open_workspace


def run(
    python: str, env: dict[str, str], *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "composer", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def request_for(server: FaultServer, **changes: Any) -> Request:
    fields: dict[str, Any] = {
        "name": "Sync",
        "url": server.url + "/sync",
        "body": '{"id": "{{ customer.id }}", "plan": "{{ customer.plan }}"}',
        "response_mappings": (ResponseMapping("crm_id", "{{ response.id }}"),),
    }
    fields.update(changes)
    return Request(**fields)


def workspace(data: Path, request: Request, *people: Person) -> list[str]:
    """A workspace holding the request and people; every stored person's id."""
    with open_workspace(data) as db:
        db.requests.save(request)
        with db.transaction():
            for person in people:
                db.people.upsert(person)
        return [p.id for p in db.people.list()]


def team(*ids: str) -> list[Person]:
    return [Person(i, f"{i}@team.test", {"plan": "pro"}) for i in ids]


def sent_ids(server: FaultServer) -> list[str]:
    return [json.loads(r.body)["id"] for r in server.requests]


def deliveries(data: Path) -> list[tuple[str, str]]:
    with open_workspace(data) as db:
        rows = db.fetchall("SELECT person_id, state FROM deliveries ORDER BY id")
    return [(row[0], row[1]) for row in rows]


def cases(path: Path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    (suite,) = root
    assert {"name", "tests", "failures", "errors", "time"} <= set(suite.attrib)
    return {case.attrib["name"]: case for case in suite.iter("testcase")}


# -- deliver -------------------------------------------------------------------------------


def test_without_a_terminal_many_people_need_yes(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with FaultServer() as server:
        workspace(data, request_for(server), *team("a", "b"))
        done = run(python, cli_env, "--data-dir", str(data), "deliver", "Sync", "--all")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "pass --yes" in done.stderr
    assert server.requests == [] and deliveries(data) == []


def test_deliver_all_with_reports(python: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    data, junit, report = tmp_path / "data", tmp_path / "ci" / "junit.xml", tmp_path / "r.json"
    with FaultServer([Reply.json({"id": 9})]) as server:
        everyone = workspace(data, request_for(server), *team("a", "b", "c"))
        done = run(
            python, cli_env, "--data-dir", str(data), "deliver", "Sync", "--all", "--yes",
            "--report", f"junit:{junit}", "--report", f"json:{report}",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(sent_ids(server)) == sorted(everyone)  # each once
    assert sorted(deliveries(data)) == sorted((i, "succeeded") for i in everyone)
    assert f"Sent {len(everyone)} · Succeeded {len(everyone)} · Failed 0" in done.stdout
    found = cases(junit)
    assert set(found) == {f"person {i}" for i in everyone}
    assert all(case.find("failure") is None for case in found.values())
    data_report = json.loads(report.read_text(encoding="utf-8"))
    assert data_report["summary"]["succeeded"] == len(everyone)
    with open_workspace(data) as db:
        assert db.people.get("b").attributes["crm_id"] == 9


def test_failures_and_waiting_retries_exit_1(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    data, junit = tmp_path / "data", tmp_path / "junit.xml"

    def answer(received: Received) -> Reply:
        person = json.loads(received.body)["id"]
        return {"bad": Reply(422, body=b"invalid plan"), "slow": Reply(503)}.get(
            person, Reply.json({"id": 1})
        )

    with FaultServer([answer]) as server:
        workspace(data, request_for(server), *team("ok", "bad", "slow"))
        done = run(
            python, cli_env, "--data-dir", str(data), "deliver", "Sync",
            "--person", "ok", "--person", "bad", "--person", "slow", "--person", "ok",
            "--yes", "--report", f"junit:{junit}",
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert sorted(sent_ids(server)) == ["bad", "ok", "slow"]
    assert "person bad: failed HTTP 422" in done.stdout
    assert "person slow: waiting retry HTTP 503" in done.stdout
    assert "Sent 3 · Succeeded 1 · Failed 1 · Waiting for a retry 1" in done.stdout
    assert "outbox run" in done.stdout
    assert dict(deliveries(data)) == {"ok": "succeeded", "bad": "failed", "slow": "waiting_retry"}
    found = cases(junit)
    bad = found["person bad"].find("failure")
    assert bad is not None and "HTTP 422" in bad.attrib["message"]
    assert "invalid plan" in (bad.text or "")
    slow = found["person slow"].find("failure")
    assert slow is not None and slow.attrib["type"] == "waiting_retry"


def test_wait_sends_the_retries(python: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FaultServer([Reply(503), Reply.json({"id": 1})]) as server:
        workspace(data, request_for(server), *team("a", "b"))
        done = run(
            python, cli_env, "--data-dir", str(data), "deliver", "Sync", "--search", "team.test",
            "--yes", "--wait", "--backoff-base", "0.05", "--concurrency", "1", "--json",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [p["person"] for p in out["people"]] == ["a", "b"]
    assert [p["outcome"] for p in out["people"]] == ["succeeded", "succeeded"]
    assert "Succeeded 2" in done.stderr
    assert len(server.requests) == 3


def test_dry_run_sends_nothing(python: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    data, junit = tmp_path / "data", tmp_path / "junit.xml"
    ids = tmp_path / "ids.txt"
    ids.write_text("a\nquote\n", encoding="utf-8")
    with FaultServer() as server:
        quote = Person("quote", "q@example.com", {"plan": 'pro "plus"'})
        workspace(data, request_for(server), *team("a"), quote)
        done = run(
            python, cli_env, "--data-dir", str(data), "deliver", "Sync", "--people", str(ids),
            "--dry-run", "--report", f"junit:{junit}",
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert server.requests == [] and deliveries(data) == []
    assert "Would send 1 · Does not render 1" in done.stdout
    found = cases(junit)
    assert found["person a"].find("failure") is None
    failure = found["person quote"].find("failure")
    assert failure is not None and failure.attrib["type"] == "not_rendered"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--all", "--search", "x"], "not allowed with argument"),
        (["--person", "nobody", "--person", "a"], 'no person "nobody"'),
        (["--all", "--report", "xml:out.xml"], "expected junit:PATH or json:PATH"),
        (["--all", "--concurrency", "0"], "between 1 and 64"),
        (["--search", "zzz-nobody", "--yes"], "nobody matches"),
    ],
)
def test_bad_usage_exits_2(
    python: str, cli_env: dict[str, str], tmp_path: Path, args: list[str], message: str
) -> None:
    data = tmp_path / "data"
    with FaultServer() as server:
        workspace(data, request_for(server), *team("a"))
        done = run(python, cli_env, "--data-dir", str(data), "deliver", "Sync", *args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert message in done.stderr
    assert server.requests == []


# -- confirmation on a terminal ------------------------------------------------------------


def _on_a_terminal(
    python: str, env: dict[str, str], args: list[str], answer: bytes
) -> tuple[int, str, str]:
    """Run with standard input and error on a pseudo-terminal; answer the question."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [python, "-m", "composer", *args],
        env=env,
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    seen = b""
    answered = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the process closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if not answered and b"[y/N]" in seen:
                os.write(leader, answer)
                answered = True
        elif process.poll() is not None:
            break
    assert process.stdout is not None
    with process.stdout:
        out = process.stdout.read().decode("utf-8")
    code = process.wait(30)
    os.close(leader)
    return code, seen.decode("utf-8", errors="replace"), out


def test_terminal_confirmation_yes(python: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FaultServer([Reply.json({"id": 1})]) as server:
        workspace(data, request_for(server), *team("a", "b"))
        args = ["--data-dir", str(data), "deliver", "Sync", "--person", "a", "--person", "b"]
        code, terminal, out = _on_a_terminal(python, cli_env, args, b"y\n")
    assert code == 0, terminal
    assert "Send “Sync” to 2 people? For the first, a:" in terminal
    assert f"POST {server.url}/sync" in terminal
    assert '{"id": "a", "plan": "pro"}' in terminal
    assert "settled" in terminal and "\r" in terminal  # the progress line
    assert sorted(sent_ids(server)) == ["a", "b"]
    assert "Succeeded 2" in out


def test_terminal_confirmation_no(python: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FaultServer() as server:
        workspace(data, request_for(server), *team("a", "b"))
        args = ["--data-dir", str(data), "deliver", "Sync", "--all"]
        code, terminal, _ = _on_a_terminal(python, cli_env, args, b"\n")
    assert code == 1
    assert "Nothing was sent." in terminal
    assert server.requests == [] and deliveries(data) == []


# -- send --people (no workspace) ----------------------------------------------------------


def test_send_people_csv_with_an_event(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    people_file, event, junit = tmp_path / "p.csv", tmp_path / "e.json", tmp_path / "j.xml"
    people_file.write_text("id,email,plan\nu1,u1@x.com,pro\nu2,u2@x.com,free\n", "utf-8")
    event.write_text('{"name": "upgrade", "data": {"to": "team"}}', "utf-8")
    request_file = tmp_path / "request.json"
    with FaultServer([Reply.json({"id": 5})]) as server:
        body = '{"id": "{{ customer.id }}", "plan": "{{ customer.plan }}", "to": "{{ event.to }}"}'
        request_for(server, body=body).save(request_file)
        done = run(
            python, cli_env, "send", str(request_file), "--people", str(people_file),
            "--event", str(event), "--yes", "--concurrency", "2",
            "--report", f"junit:{junit}", "--json",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    bodies = sorted((json.loads(r.body) for r in server.requests), key=lambda b: b["id"])
    assert bodies == [
        {"id": "u1", "plan": "pro", "to": "team"},
        {"id": "u2", "plan": "free", "to": "team"},
    ]
    out = json.loads(done.stdout)
    assert [p["attribute_updates"] for p in out["people"]] == [{"crm_id": 5}, {"crm_id": 5}]
    assert set(cases(junit)) == {"person u1", "person u2"}
    home = Path(cli_env["WEBHOOK_COMPOSER_HOME"])  # the log may live there; no workspace
    assert not (home / WORKSPACE_FILE).exists() and not list(home.glob("*.sqlite3*"))


def test_send_people_retries_then_fails(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    people_file, request_file = tmp_path / "p.json", tmp_path / "request.json"
    people_file.write_text('[{"id": "j1", "attributes": {"plan": "pro"}}]', "utf-8")
    with FaultServer([Reply(503)]) as server:
        request_for(server).save(request_file)
        done = run(
            python, cli_env, "send", str(request_file), "--people", str(people_file),
            "--retries", "2", "--backoff-base", "0.05",
        )  # fmt: skip
    assert done.returncode == 1
    assert len(server.requests) == 3
    assert "person j1: failed HTTP 503" in done.stdout
    assert "Sent 1 · Succeeded 0 · Failed 1 · Waiting for a retry 0" in done.stdout


def test_send_people_dry_run_and_refusals(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    people_file, request_file = tmp_path / "p.csv", tmp_path / "request.json"
    people_file.write_text("id,plan\nu1,pro\nu2,pro\n", "utf-8")
    with FaultServer() as server:
        request_for(server).save(request_file)
        dry = run(
            python, cli_env, "send", str(request_file), "--people", str(people_file), "--dry-run"
        )
        refused = run(python, cli_env, "send", str(request_file), "--people", str(people_file))
        both = run(
            python, cli_env, "send", str(request_file), "--people", str(people_file),
            "--context", str(people_file), "--yes",
        )  # fmt: skip
        event_alone = run(python, cli_env, "send", str(request_file), "--event", "e.json")
    assert dry.returncode == 0, dry.stderr
    assert "Would send 2 · Does not render 0" in dry.stdout
    assert refused.returncode == 2 and "pass --yes" in refused.stderr
    assert both.returncode == 2 and "either --context or --people" in both.stderr
    assert event_alone.returncode == 2 and "--event goes with --people" in event_alone.stderr
    assert server.requests == []
