"""``send`` and ``deliver`` as a tester runs them against faults: forcing a malformed body,
redirects, Retry-After, the Liquid version, hostile answers and echoed secrets."""

from __future__ import annotations

import base64
import json
import subprocess
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from servers import FaultServer, Received, Reply
from store_keychain import keychain

from composer.liquid import VERSIONS
from composer.model import Header, Person, Request, ResponseMapping
from composer.secrets import SecretStore
from composer.store.seed import open_workspace

__all__ = ["keychain"]  # a fixture used by name below

BAD_JSON = '{"name": {{ customer.name }}}'  # the name is not quoted: not JSON


def run(python: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "composer", *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    context = tmp_path / "context.json"
    context.write_text(json.dumps({"customer": {"id": "c1", "name": "Ann"}}))
    return {"context": context, "request": tmp_path / "request.json", "data": tmp_path / "data"}


def _request(server: FaultServer, **changes: Any) -> Request:
    fields: dict[str, Any] = {"name": "Sync", "url": server.url + "/sync", "body": BAD_JSON}
    fields.update(changes)
    return Request(**fields)


def _workspace(data: Path, request: Request) -> None:
    with open_workspace(data) as db:
        db.requests.save(request)
        db.people.upsert(Person("c1", "c@example.com", {"name": "Ann"}))


# -- sending anyway ----------------------------------------------------------------------


def test_send_refuses_a_body_that_is_not_json_unless_forced(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    with FaultServer([Reply(400, body=b"bad JSON")]) as server:
        _request(server).save(files["request"])
        args = ["send", str(files["request"]), "--context", str(files["context"])]
        refused = run(python, cli_env, *args, "--retries", "0")
        assert server.requests == []
        forced = run(python, cli_env, *args, "--retries", "0", "--force")
    assert refused.returncode == 1
    assert "not valid JSON" in refused.stderr and "add --force" in refused.stderr
    assert forced.returncode == 1, "the endpoint said 400: a final failure"
    assert "sending anyway (--force)" in forced.stderr
    (received,) = server.requests
    assert received.body == b'{"name": Ann}'
    assert "attempt 1: HTTP 400" in forced.stdout


def test_deliver_force_is_recorded_on_the_delivery(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    data = ["--data-dir", str(files["data"])]
    with FaultServer([Reply(200)]) as server:
        _workspace(files["data"], _request(server))
        refused = run(python, cli_env, *data, "deliver", "Sync", "--person", "c1")
        listed_before = run(python, cli_env, *data, "deliveries", "list", "--json")
        forced = run(python, cli_env, *data, "deliver", "Sync", "--person", "c1", "--force")
        listed = run(python, cli_env, *data, "deliveries", "list", "--json")
        human = run(python, cli_env, *data, "deliveries", "list")
    assert refused.returncode == 1 and "add --force" in refused.stderr
    assert json.loads(listed_before.stdout) == [], "a refused delivery is not recorded"
    assert forced.returncode == 0, forced.stderr
    (entry,) = json.loads(listed.stdout)
    assert entry["forced"] is True and entry["state"] == "succeeded"
    assert "(forced)" in human.stdout
    assert server.requests[0].body == b'{"name": Ann}'


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"url": "{{ customer.name }}/x"}, "the URL must start with http"),
        ({"headers": (Header("X-Name", "{{ customer.lines }}"),)}, "line break"),
        ({"body": "{{ secrets.never_set }}"}, "the secret 'never_set' is not set"),
        ({"body": '{"a": {% if %}}'}, "Liquid syntax error"),
    ],
    ids=["bad URL", "CR/LF in a header", "missing secret", "Liquid error"],
)
def test_force_never_sends_a_request_that_cannot_be_built(
    python: str,
    cli_env: dict[str, str],
    files: dict[str, Path],
    changes: dict[str, Any],
    said: str,
) -> None:
    files["context"].write_text(json.dumps({"customer": {"name": "Ann", "lines": "a\r\nB: c"}}))
    env = {**cli_env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    with FaultServer() as server:
        _request(server, **changes).save(files["request"])
        args = ["send", str(files["request"]), "--context", str(files["context"]), "--force"]
        done = run(python, env, *args, "--json")
    assert done.returncode == 1
    assert said in done.stderr
    assert "--force cannot override this" in done.stderr
    assert json.loads(done.stdout)["attempts"] == []
    assert server.requests == []


def test_a_liquid_error_in_the_body_cannot_be_forced_through_deliver(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    data = ["--data-dir", str(files["data"])]
    with FaultServer() as server:
        body = '{"a": {{ 1 | date: "%Y", "No/Zone" }}}'  # a render error
        _workspace(files["data"], _request(server, body=body))
        done = run(python, cli_env, *data, "deliver", "Sync", "--person", "c1", "--force")
        listed = run(python, cli_env, *data, "deliveries", "list", "--json")
    assert done.returncode == 1
    assert json.loads(listed.stdout) == [] and server.requests == []


# -- --liquid, redirects, Retry-After ------------------------------------------------------


def test_send_liquid_overrides_the_request_version(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    files["context"].write_text(json.dumps({"customer": {"tags": {"a": 1}}}))
    with FaultServer() as server:
        request = _request(
            server,
            body="{{ customer.tags }}",
            headers=(Header("Content-Type", "text/plain"),),
            liquid_version="latest",
        )
        request.save(files["request"])
        args = [str(files["request"]), "--context", str(files["context"]), "--json"]
        sent = {v: run(python, cli_env, "send", *args, "--liquid", v) for v in VERSIONS}
        rendered = {v: run(python, cli_env, "render", *args, "--liquid", v) for v in VERSIONS}
        bad = run(python, cli_env, "send", *args, "--liquid", "ruby")
    assert all(done.returncode == 0 for done in sent.values())
    bodies = dict(zip(VERSIONS, (r.body.decode() for r in server.requests), strict=True))
    for version in VERSIONS:
        assert bodies[version] == json.loads(rendered[version].stdout)["body"]
        assert json.loads(rendered[version].stdout)["liquid_version"] == version
    assert bodies["legacy"] == '{"a"=>1}', "legacy writes a hash as Ruby inspects it"
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["send", "deliver"])
def test_a_redirect_shows_its_location_without_json(
    python: str, cli_env: dict[str, str], files: dict[str, Path], command: str
) -> None:
    moved = Reply(301, (("Location", "https://example.com/new-home"),), b"moved")
    with FaultServer([moved]) as server:
        request = _request(server, body="{}")
        request.save(files["request"])
        _workspace(files["data"], request)
        if command == "send":
            done = run(python, cli_env, "send", str(files["request"]), "--retries", "0")
        else:
            data = ["--data-dir", str(files["data"])]
            done = run(python, cli_env, *data, "deliver", "Sync", "--person", "c1")
    assert done.returncode == 1
    assert "redirects to https://example.com/new-home (not followed)" in done.stdout
    assert "response 301 redirects to: https://example.com/new-home" in done.stdout
    assert len(server.requests) == 1


def test_retry_after_holds_however_compressed_the_schedule(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    script = [Reply(503, (("Retry-After", "1"),)), Reply(200)]
    with FaultServer(script) as server:
        _request(server, body="{}").save(files["request"])
        done = run(
            python, cli_env, "send", str(files["request"]), "--json",
            "--retries", "3", "--backoff-base", "0.01",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    gap = server.requests[1].at - server.requests[0].at
    assert 1.0 <= gap < 3.0, "the server's Retry-After: 1 is waited, not 0.01 s"


# -- hostile answers -----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["send", "deliver"])
def test_a_hostile_answer_is_a_plain_mapping_error(
    python: str, cli_env: dict[str, str], files: dict[str, Path], command: str
) -> None:
    deep = Reply(200, (("Content-Type", "application/json"),), b"[" * 20_000 + b"]" * 20_000)
    with FaultServer([deep]) as server:
        request = _request(
            server, body="{}", response_mappings=(ResponseMapping("crm", "{{ response.id }}"),)
        )
        request.save(files["request"])
        _workspace(files["data"], request)
        if command == "send":
            done = run(python, cli_env, "send", str(files["request"]), "--json")
        else:
            data = ["--data-dir", str(files["data"])]
            done = run(python, cli_env, *data, "deliver", "Sync", "--person", "c1", "--json")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout)["attribute_updates"] == {}
    if command == "send":
        assert "nested more than 64 levels deep" in done.stderr
    else:
        with open_workspace(files["data"]) as db:
            assert db.people.get("c1").attributes == {"name": "Ann"}


# -- echoed secrets, with the real keychain ----------------------------------------------------

SECRET = "kc/sécret+7 x"


def _echo(request: Received) -> Reply:
    token = (request.header("X-Token") or "").encode("latin-1").decode("utf-8")
    body = {
        "json": json.dumps(token),
        "percent": urllib.parse.quote(token, safe=""),
        "plus": urllib.parse.quote_plus(token),
        "b64": base64.b64encode(("bot:" + token).encode()).decode(),
        "raw": request.raw.decode("utf-8", errors="replace"),
    }
    echo = base64.urlsafe_b64encode(token.encode()).decode()
    return Reply(200, (("X-Echo", echo),), json.dumps(body).encode())


@pytest.mark.keychain
@pytest.mark.usefixtures("keychain")
def test_echoed_secrets_are_masked_in_everything_printed(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    with FaultServer([_echo]) as server:
        request = _request(
            server,
            body="{}",
            headers=(Header("X-Token", "{{ secrets.composer_echo_token }}"),),
            response_mappings=(ResponseMapping("copy", "{{ response.raw }}"),),
        )
        request.save(files["request"])
        _workspace(files["data"], request)
        with open_workspace(files["data"]) as db:
            SecretStore(db).set("composer_echo_token", SECRET)
        try:
            data = ["--data-dir", str(files["data"])]
            sent = run(python, cli_env, "send", str(files["request"]), "--json")
            done = run(python, cli_env, *data, "deliver", "Sync", "--person", "c1", "--json")
            listed = run(python, cli_env, *data, "deliveries", "list", "--json")
        finally:
            with open_workspace(files["data"]) as db:
                SecretStore(db).delete("composer_echo_token")
    assert sent.returncode == 0 and done.returncode == 0, sent.stderr + done.stderr
    forms = [
        SECRET,
        json.dumps(SECRET)[1:-1],
        urllib.parse.quote(SECRET, safe=""),
        urllib.parse.quote_plus(SECRET),
        base64.b64encode(SECRET.encode()).decode()[:12],
        base64.urlsafe_b64encode(SECRET.encode()).decode()[:12],
    ]
    for output in (sent.stdout, sent.stderr, done.stdout, done.stderr, listed.stdout):
        assert not [form for form in forms if form in output], output
    assert json.loads(sent.stdout)["attribute_updates"] == {}
    assert "would store a secret" in sent.stderr
    with open_workspace(files["data"]) as db:
        assert "copy" not in db.people.get("c1").attributes
