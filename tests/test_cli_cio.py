"""The ``cio`` commands as real subprocesses against the local App API server.

The commands that need the App API key read it from the OS keychain: those tests are
marked ``keychain`` (the real Secret Service in CI; skipped on a machine without one,
failed when ``CI`` is set). Each test logs in with its own workspace and logs out after.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cio_fixtures import CARD_BODY, cio
from cio_server import KEY, CioServer
from store_keychain import keychain

from composer.cioapi import PERSONAL_DATA_NOTICE
from composer.model import Person
from composer.store.database import Database

__all__ = ["cio", "keychain"]  # fixtures used by name below

FAST = ("--backoff-base", "0.01", "--retries", "2")


class Cli:
    """Runs ``python -m composer`` on one workspace; keeps every output for inspection."""

    def __init__(self, python: str, env: dict[str, str], data: Path) -> None:
        self.python = python
        self.env = env
        self.data = data
        self.outputs: list[str] = []

    def __call__(
        self, *args: str, stdin: str = "", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [self.python, "-m", "composer", "--data-dir", str(self.data), *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**self.env, **(env or {})},
            timeout=60,
            check=False,
        )
        self.outputs += [done.stdout, done.stderr]
        return done

    def json(self, *args: str) -> Any:
        done = self(*args, "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def db(self) -> Database:
        return Database(self.data / "workspace.sqlite3")


@pytest.fixture
def cli(python: str, cli_env: dict[str, str], tmp_path: Path) -> Cli:
    return Cli(python, cli_env, tmp_path / "data")


@pytest.fixture
def logged_in(cli: Cli, cio: CioServer, keychain: Any) -> Iterator[Cli]:
    done = cli("cio", "login", "--api-url", cio.url, stdin=KEY + "\n")
    assert done.returncode == 0, done.stderr
    try:
        yield cli
    finally:
        cli("cio", "logout")


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert len(done.stderr.splitlines()) == 1, done.stderr
    return done.stderr


# -- without a key --------------------------------------------------------------------------


def test_commands_need_a_login_first(cli: Cli, cio: CioServer) -> None:
    for args in (
        ["cio", "campaigns"],
        ["cio", "pull", "7"],
        ["cio", "people", "pull", "--id", "1"],
    ):
        done = cli(*args)
        assert done.returncode == 2
        assert "log in first" in _one_line(done)
    assert cio.received == []


@pytest.mark.parametrize(
    ("args", "stdin", "fragment"),
    [
        (["--api-url", "http://api.example.com"], KEY, "plain http to another machine"),
        (["--api-url", "ftp://x"], KEY, "not an http(s) address"),
        (["--region", "ap"], KEY, "invalid choice"),
        ([], "\n", "no App API key"),
    ],
)
def test_login_refuses_bad_usage(cli: Cli, args: list[str], stdin: str, fragment: str) -> None:
    done = cli("cio", "login", *args, stdin=stdin)
    assert done.returncode == 2 and fragment in _one_line(done)


def test_login_without_a_keychain_keeps_nothing(cli: Cli, cio: CioServer) -> None:
    done = cli(
        "cio",
        "login",
        "--api-url",
        cio.url,
        stdin=KEY,
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert done.returncode == 1
    assert "No keychain was found" in done.stderr and "was not saved" in done.stderr
    assert cio.received == []  # refused before any call


# -- with the keychain ----------------------------------------------------------------------


@pytest.mark.keychain
def test_login_names_the_workspace_and_a_wrong_key_keeps_nothing(
    cli: Cli, cio: CioServer, keychain: Any
) -> None:
    wrong = cli("cio", "login", "--api-url", cio.url, *FAST, stdin="not-the-key\n")
    assert wrong.returncode == 1 and "HTTP 401" in _one_line(wrong)
    assert cli("cio", "campaigns").returncode == 2
    try:
        done = cli("cio", "login", "--api-url", cio.url, stdin=KEY + "\n")
        assert done.returncode == 0, done.stderr
        assert done.stdout == (
            f'Connected to Customer.io ({cio.url}): the workspace "Acme Production". '
            "The App API key is in the keychain.\n"
        )
        assert cio.received[-1].headers["Authorization"] == f"Bearer {KEY}"
    finally:
        cli("cio", "logout")
    assert cli("cio", "campaigns").returncode == 2


@pytest.mark.keychain
def test_campaigns(logged_in: Cli) -> None:
    assert logged_in.json("cio", "campaigns") == [
        {
            "id": 7,
            "name": "Onboarding",
            "state": "running",
            "active": True,
            "updated": 1_700_000_000,
            "webhook_actions": [70, 72],
        }
    ]
    table = logged_in("cio", "campaigns").stdout.splitlines()
    assert table[0].split() == ["ID", "NAME", "STATE", "WEBHOOK", "ACTIONS"]
    assert table[1].split() == ["7", "Onboarding", "running", "70,", "72"]


@pytest.mark.keychain
def test_pull_then_a_changed_action_shows_the_diff(logged_in: Cli, cio: CioServer) -> None:
    first = logged_in.json("cio", "pull", "7")
    assert [(a["action"], a["request"], a["outcome"]) for a in first["actions"]] == [
        (70, "Create card", "new"),
        (72, "Ping", "new"),
    ]
    with logged_in.db() as db:
        request = db.requests.get("Create card")
        db.requests.update("Create card", dataclasses.replace(request, body="{}"))
    cio.touch_action(7, 70, url="https://api.trello.com/1/cards?idList=L9")
    done = logged_in("cio", "pull", "7")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == 'kept       "Create card" (action 70)'
    assert "    --- url in Customer.io" in lines
    assert "    +https://api.trello.com/1/cards?idList=L1" in lines
    assert "    -https://api.trello.com/1/cards?idList=L9" in lines
    assert lines[-1] == "Skipped 1 action(s) that are not webhooks: 71 (email)."


@pytest.mark.keychain
def test_pull_of_an_unknown_campaign_fails_plainly(logged_in: Cli) -> None:
    done = logged_in("cio", "pull", "404")
    assert done.returncode == 1 and "no campaign 404 (HTTP 404" in _one_line(done)


@pytest.mark.keychain
def test_people_pull_says_it_is_personal_data_and_remove_pulled_undoes_it(
    logged_in: Cli,
) -> None:
    sample = logged_in.json("people", "list")  # the sample workspace has its own 1001
    done = logged_in("cio", "people", "pull", "--segment", "5", "--limit", "2")
    assert done.returncode == 0
    assert done.stderr == (
        f"webhook-composer: {PERSONAL_DATA_NOTICE} Remove them with "
        "'webhook-composer cio people remove-pulled'.\n"
    )
    assert done.stdout == (
        "Pulled 1 person by segment 5 (1 new, 0 refreshed).\n"
        "Left as they are (made in this workspace): 1001.\n"
    )
    by_id = logged_in.json("cio", "people", "pull", "--id", "1003", "404")
    assert by_id == {
        "source": "id",
        "new": ["1003"],
        "refreshed": [],
        "kept": [],
        "missing": ["404"],
    }
    listed = logged_in.json("people", "list")
    assert [p["id"] for p in listed] == [p["id"] for p in sample] + ["1002", "1003"]
    assert listed[-1]["attributes"] == {"first_name": "Cy", "plan": "pro", "cio_id": "03000003"}
    gone = logged_in("cio", "people", "remove-pulled")
    assert gone.stdout == "Removed 2 people pulled from Customer.io.\n"
    assert logged_in.json("people", "list") == sample
    too_many = logged_in("cio", "people", "pull", "--segment", "5", "--limit", "5000")
    assert too_many.returncode == 2 and "at most 1000" in too_many.stderr


@pytest.mark.keychain
def test_round_trip_pull_edit_check_push(logged_in: Cli, cio: CioServer) -> None:
    assert logged_in("cio", "pull", "7").returncode == 0
    with logged_in.db() as db:
        request = db.requests.get("Create card")
        db.requests.update("Create card", dataclasses.replace(request, body='{"v": 2}'))
    preview = logged_in("cio", "push", "Create card")
    assert preview.returncode == 1
    assert "Per-person check: passes" in preview.stdout
    assert preview.stdout.splitlines()[-1] == ("Nothing was pushed. To push, run again with --yes.")
    assert cio.action(7, 70)["body"] == CARD_BODY
    pushed = logged_in.json("cio", "push", "Create card", "--yes")
    assert pushed["pushed"] and pushed["diff"] == [
        {"field": "body", "theirs": CARD_BODY, "ours": '{"v": 2}'}
    ]
    assert cio.action(7, 70)["body"] == '{"v": 2}'
    assert pushed["updated"] == cio.action(7, 70)["updated"]
    again = logged_in("cio", "push", "Create card", "--yes")
    assert again.returncode == 0 and "nothing to push" in again.stdout


@pytest.mark.keychain
def test_push_refuses_a_conflict_until_overwrite(logged_in: Cli, cio: CioServer) -> None:
    logged_in("cio", "pull", "7")
    with logged_in.db() as db:
        request = db.requests.get("Ping")
        db.requests.update("Ping", dataclasses.replace(request, method="POST"))
    cio.touch_action(7, 72, body="changed in Customer.io")
    done = logged_in("cio", "push", "Ping", "--yes", "--json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["needs"] == ["--overwrite"] and not data["pushed"]
    assert data["conflict"]["pulled_updated"] == 1_700_000_000
    assert "--overwrite" in logged_in("cio", "push", "Ping", "--yes").stdout.splitlines()[-1]
    assert cio.action(7, 72)["method"] == "get"
    forced = logged_in("cio", "push", "Ping", "--yes", "--overwrite")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert cio.action(7, 72)["method"] == "post"


@pytest.mark.keychain
def test_push_refuses_a_failing_check_and_unresolvable_secrets(
    logged_in: Cli, cio: CioServer
) -> None:
    logged_in("cio", "pull", "7")
    with logged_in.db() as db:
        db.people.upsert(Person("q", "q@example.com", {"first_name": 'Mc"Quote'}))
        request = db.requests.get("Create card")
        url = "https://api.trello.com/1/cards?key={{ secrets.trello_key }}"
        db.requests.update("Create card", dataclasses.replace(request, url=url))
        db.execute("INSERT INTO secret_names (name) VALUES ('trello_key')")
    done = logged_in("cio", "push", "Create card", "--yes")
    assert done.returncode == 1
    assert "1 failing" in done.stdout and "{{ secrets.trello_key }}" in done.stdout
    assert done.stdout.splitlines()[-1] == (
        "Nothing was pushed. To push, run again with --force --secrets keep|values."
    )
    pushed = logged_in("cio", "push", "Create card", "--yes", "--force", "--secrets", "keep")
    assert pushed.returncode == 0, pushed.stderr
    assert cio.action(7, 70)["url"].endswith("key={{ secrets.trello_key }}")


@pytest.mark.keychain
def test_unknown_requests_are_usage_errors_and_api_failures_are_work_failures(
    logged_in: Cli, cio: CioServer
) -> None:
    assert logged_in("cio", "push", "Nope").returncode == 2
    logged_in("cio", "pull", "7")
    cio.fail_next(503, count=5)
    done = logged_in("cio", "push", "Ping", *FAST)
    assert done.returncode == 1 and "3 attempts, the last HTTP 503" in _one_line(done)


@pytest.mark.keychain
def test_the_key_never_reaches_the_workspace_its_exports_or_any_output(
    logged_in: Cli, cio: CioServer, tmp_path: Path
) -> None:
    logged_in("cio", "campaigns")
    logged_in("cio", "pull", "7")
    logged_in("cio", "people", "pull", "--segment", "5")
    with logged_in.db() as db:
        request = db.requests.get("Create card")
        db.requests.update("Create card", dataclasses.replace(request, body='{"x": 1}'))
    logged_in("cio", "push", "Create card", "--yes")
    logged_in("cio", "push", "Create card", "--json")
    cio.fail_next(401)
    logged_in("cio", "campaigns", *FAST)
    logged_in("people", "export", str(tmp_path / "people.json"))
    logged_in("people", "export", str(tmp_path / "people.csv"))
    logged_in("requests", "list", "--json")
    logged_in("secrets", "list")
    assert any(r.headers.get("Authorization") == f"Bearer {KEY}" for r in cio.received)
    for text in logged_in.outputs:
        assert KEY not in text
    files = [*logged_in.data.iterdir(), tmp_path / "people.json", tmp_path / "people.csv"]
    for file in files:
        if file.is_file():
            assert KEY.encode() not in file.read_bytes(), file
