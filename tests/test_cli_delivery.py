"""``send``, ``deliver``, ``outbox run`` and ``deliveries list`` as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from command_runs import run_composer as run
from servers import FaultServer, Reply
from store_keychain import keychain

from composer.model import Header, Person, Request, ResponseMapping
from composer.secrets import SecretStore
from composer.store.seed import open_workspace

__all__ = ["keychain"]  # a fixture used by name below


def request_for(server: FaultServer, **changes: Any) -> Request:
    fields: dict[str, Any] = {
        "name": "Sync",
        "url": server.url + "/sync",
        "body": '{"id": "{{ customer.id }}"}',
        "response_mappings": (ResponseMapping("crm_id", "{{ response.id }}"),),
    }
    fields.update(changes)
    return Request(**fields)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    context = tmp_path / "context.json"
    context.write_text(json.dumps({"customer": {"id": "c1", "email": "c@example.com"}}))
    return {"context": context, "request": tmp_path / "request.json", "data": tmp_path / "data"}


def workspace(data: Path, request: Request) -> None:
    with open_workspace(data) as db:
        db.requests.save(request)
        db.people.upsert(Person("c1", "c@example.com", {"plan": "pro"}))


# -- send ------------------------------------------------------------------------------


def test_send_json_succeeds_after_retries(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    script = [Reply(503), Reply(503), Reply.json({"id": 77})]
    with FaultServer(script) as server:
        request_for(server).save(files["request"])
        done = run(
            python, cli_env, "send", str(files["request"]), "--context", str(files["context"]),
            "--json", "--backoff-base", "0.05",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert list(out) == ["outcome", "attempts", "response", "attribute_updates"]
    assert out["outcome"] == "succeeded"
    assert [(a["n"], a["status"], a["error"]) for a in out["attempts"]] == [
        (1, 503, None),
        (2, 503, None),
        (3, 200, None),
    ]
    assert all(isinstance(a["elapsed_ms"], float) for a in out["attempts"])
    assert out["response"]["status"] == 200
    assert json.loads(out["response"]["body"]) == {"id": 77}
    assert ["Content-Type", "application/json"] in out["response"]["headers"]
    assert out["attribute_updates"] == {"crm_id": 77}
    assert server.requests[0].body == b'{"id": "c1"}'


@pytest.mark.parametrize(
    ("script", "extra", "statuses"),
    [
        ([Reply(404)], [], [404]),
        ([Reply(400)], [], [400]),
        ([Reply(503)], ["--retries", "1"], [503, 503]),
        ([Reply(500)], ["--retries", "0"], [500]),
    ],
)
def test_send_final_failure_exits_1(
    python: str,
    cli_env: dict[str, str],
    files: dict[str, Path],
    script: list[Reply],
    extra: list[str],
    statuses: list[int],
) -> None:
    with FaultServer(script) as server:
        request_for(server).save(files["request"])
        done = run(
            python, cli_env, "send", str(files["request"]), "--context", str(files["context"]),
            "--json", "--backoff-base", "0.01", *extra,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    out = json.loads(done.stdout)
    assert out["outcome"] == "failed"
    assert [a["status"] for a in out["attempts"]] == statuses
    assert out["attribute_updates"] == {}
    assert len(server.requests) == len(statuses)


def test_send_prints_one_line_per_attempt(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    with FaultServer([Reply(503), Reply(silent=5), Reply.json({"id": 1})]) as server:
        request_for(server).save(files["request"])
        done = run(
            python, cli_env, "send", str(files["request"]), "--context", str(files["context"]),
            "--backoff-base", "0.05", "--timeout", "0.5",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    attempts = [line for line in lines if line.startswith("attempt ")]
    assert attempts[0].startswith("attempt 1: HTTP 503 in ")
    assert attempts[1].startswith("attempt 2: timeout in ")
    assert "did not answer within 0.5 s" in attempts[1]
    assert attempts[2].startswith("attempt 3: HTTP 200 in ")
    assert "succeeded after 3 attempts" in lines
    assert "set crm_id = 1" in lines


@pytest.mark.parametrize(
    "extra",
    [
        ["--retries", "-1"],
        ["--retries", "two"],
        ["--timeout", "0"],
        ["--backoff-base", "-1"],
        ["--context", "missing.json"],
    ],
)
def test_send_bad_usage_exits_2_with_one_line(
    python: str, cli_env: dict[str, str], files: dict[str, Path], extra: list[str]
) -> None:
    Request("R", "http://127.0.0.1:9/").save(files["request"])
    done = run(python, cli_env, "send", str(files["request"]), *extra)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


def test_send_with_a_missing_secret_sends_nothing(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    with FaultServer() as server:
        headers = (Header("Authorization", "Bearer {{ secrets.never_set_anywhere }}"),)
        request_for(server, headers=headers).save(files["request"])
        done = run(python, cli_env, "send", str(files["request"]), "--json")
    assert done.returncode == 1
    assert "never_set_anywhere" in done.stderr
    assert json.loads(done.stdout)["attempts"] == []
    assert server.requests == []


# -- deliver, outbox run, deliveries list ----------------------------------------------


def test_deliver_records_and_maps(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    with FaultServer([Reply(502), Reply.json({"id": "crm-1"})]) as server:
        workspace(files["data"], request_for(server))
        done = run(
            python, cli_env, "--data-dir", str(files["data"]), "deliver", "Sync",
            "--person", "c1", "--json", "--backoff-base", "0.05",
        )  # fmt: skip
        listed = run(
            python, cli_env, "--data-dir", str(files["data"]), "deliveries", "list", "--json"
        )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert list(out) == ["delivery_id", "outcome", "attempts", "response", "attribute_updates"]
    assert out["outcome"] == "succeeded"
    assert [a["status"] for a in out["attempts"]] == [502, 200]
    assert out["attribute_updates"] == {"crm_id": "crm-1"}
    with open_workspace(files["data"]) as db:
        assert db.people.get("c1").attributes == {"plan": "pro", "crm_id": "crm-1"}
    (entry,) = json.loads(listed.stdout)
    assert entry == {
        "delivery_id": out["delivery_id"],
        "request": "Sync",
        "person": "c1",
        "state": "succeeded",
        "attempts": out["attempts"],
        "attribute_updates": {"crm_id": "crm-1"},
        "forced": False,
    }


def test_deliver_a_draft_sends_nothing(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    with FaultServer() as server:
        workspace(files["data"], request_for(server, send_mode="draft"))
        data = ["--data-dir", str(files["data"])]
        done = run(python, cli_env, *data, "deliver", "Sync", "--person", "c1", "--json")
        ran = run(python, cli_env, *data, "outbox", "run", "--json")
        listed = run(python, cli_env, *data, "deliveries", "list")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "draft"
    assert json.loads(ran.stdout) == []
    assert server.requests == []
    assert " draft " in listed.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["deliver", "No such request", "--person", "c1"], "No such request"),
        (["deliver", "Sync", "--person", "nobody"], "nobody"),
        (["deliver", "Sync"], "--person"),
    ],
)
def test_deliver_bad_names_exit_2(
    python: str, cli_env: dict[str, str], files: dict[str, Path], args: list[str], fragment: str
) -> None:
    workspace(files["data"], Request("Sync", "http://127.0.0.1:9/"))
    done = run(python, cli_env, "--data-dir", str(files["data"]), *args)
    assert done.returncode == 2
    assert fragment in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def _state(database: Path) -> str | None:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        row = connection.execute("SELECT state FROM deliveries").fetchone()
        return None if row is None else str(row[0])
    except sqlite3.OperationalError:
        return None
    finally:
        connection.close()


def test_kill_while_waiting_then_outbox_run_sends_once_more(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    with FaultServer([Reply(503), Reply.json({"id": "after-crash"})]) as server:
        workspace(files["data"], request_for(server))
        process = subprocess.Popen(
            [python, "-m", "composer", "--data-dir", str(files["data"]), "deliver", "Sync",
             "--person", "c1", "--backoff-base", "2"],
            env=cli_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while _state(files["data"] / "workspace.sqlite3") != "waiting_retry":
                assert time.monotonic() < deadline, "the delivery never waited for a retry"
                assert process.poll() is None
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(10)
        assert process.returncode == -signal.SIGKILL
        assert len(server.requests) == 1
        done = run(python, cli_env, "--data-dir", str(files["data"]), "outbox", "run", "--json")
    assert done.returncode == 0, done.stderr
    (entry,) = json.loads(done.stdout)
    assert entry["outcome"] == "succeeded"
    assert [a["status"] for a in entry["attempts"]] == [503, 200]
    assert len(server.requests) == 2
    assert server.requests[0].raw == server.requests[1].raw
    with open_workspace(files["data"]) as db:
        assert db.people.get("c1").attributes["crm_id"] == "after-crash"


@pytest.mark.keychain
@pytest.mark.usefixtures("keychain")
def test_secret_from_the_keychain_is_sent_and_never_stored_or_printed(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    secret = "kc-secret-5d1e-never-on-disk"
    with FaultServer([Reply(500), Reply.json({"id": 1})]) as server:
        headers = (Header("X-Token", "{{ secrets.composer_test_token }}"),)
        request = request_for(server, headers=headers)
        workspace(files["data"], request)
        request.save(files["request"])
        with open_workspace(files["data"]) as db:
            SecretStore(db).set("composer_test_token", secret)
        try:
            data = ["--data-dir", str(files["data"])]
            sent = run(python, cli_env, "send", str(files["request"]), "--retries", "0")
            done = run(
                python, cli_env, *data, "deliver", "Sync", "--person", "c1", "--json",
                "--backoff-base", "0.05",
            )  # fmt: skip
            listed = run(python, cli_env, *data, "deliveries", "list", "--json")
        finally:
            with open_workspace(files["data"]) as db:
                SecretStore(db).delete("composer_test_token")
    assert sent.returncode == 1 and done.returncode == 0, done.stderr
    assert [r.header("X-Token") for r in server.requests] == [secret] * 2
    for output in (sent.stdout, sent.stderr, done.stdout, done.stderr, listed.stdout):
        assert secret not in output
    for path in files["data"].glob("workspace.sqlite3*"):
        assert secret.encode() not in path.read_bytes(), path.name
