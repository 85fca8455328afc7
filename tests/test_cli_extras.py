"""``inbox``, ``curl``, ``requests import-curl`` and ``check`` run as a user runs them."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from command_runs import run_composer as run

from composer.inbox.server import Inbox
from composer.model import Header, Request

QUOTED = '{"id": "{{ customer.id }}", "name": "{{ customer.name }}"}'
NAME = 'Zoë "Z" O\'Neil'
# In latest Liquid | json of a missing value writes nothing: the fallback keeps it JSON.
JSONED = '{"id": {{ customer.id | json }}, "name": {{ customer.name | json | default: "null" }}}'


def one_line(stderr: str) -> None:
    assert len(stderr.strip().splitlines()) == 1, stderr


# -- inbox --------------------------------------------------------------------------------


@pytest.fixture
def inbox_process(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    reply = tmp_path / "reply.json"
    reply.write_text('{"id": 99}')
    process = subprocess.Popen(
        [python, "-m", "composer", "inbox", "--reply-status", "201", "--reply-body", str(reply)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert process.stderr is not None
        banner = process.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", banner)
        assert found, banner
        yield process, found.group()
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_inbox_prints_one_json_line_per_request_and_stops_cleanly(
    inbox_process: tuple[subprocess.Popen[str], str], stop_with: signal.Signals
) -> None:
    process, url = inbox_process
    assert process.stdout is not None
    with httpx.Client() as client:
        answer = client.post(url + "/hook?a=1", content="Zoë".encode(), headers={"X-Case": "Kept"})
        first = json.loads(process.stdout.readline())  # printed before the next one is sent
        client.put(url + "/bin", content=b"\xff\x00\xfe")
        second = json.loads(process.stdout.readline())
    assert answer.status_code == 201
    assert answer.json() == {"id": 99}
    assert answer.headers["content-type"] == "application/json"
    assert list(first) == ["method", "path", "headers", "body"]
    assert first["method"] == "POST"
    assert first["path"] == "/hook?a=1"
    assert ["X-Case", "Kept"] in first["headers"]
    assert first["headers"][0][0] == "Host"
    assert first["body"] == "Zoë"
    assert second["method"] == "PUT"
    assert "body" not in second
    assert base64.b64decode(second["body_base64"]) == b"\xff\x00\xfe"
    process.send_signal(stop_with)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert out == ""
    assert "stopped after 2 request(s)" in err
    assert "Traceback" not in err


def test_inbox_line_says_when_a_body_was_truncated(
    inbox_process: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = inbox_process
    assert process.stdout is not None
    size = 1024 * 1024 + 10  # the inbox keeps 1 MiB of a body
    statuses: list[int] = []
    # the line is printed before the answer is sent: read it while the client waits
    sending = threading.Thread(
        target=lambda: statuses.append(httpx.post(url + "/big", content=b"x" * size).status_code)
    )
    sending.start()
    line = json.loads(process.stdout.readline())
    sending.join()
    assert statuses == [201]
    assert line["body"] == "x" * (1024 * 1024)
    assert (line["truncated"], line["body_size"]) == (True, size)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=10)
    assert process.returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ["--host", "0.0.0.0"],
        ["--reply-status", "99"],
        ["--reply-body", "/no/such/file"],
        ["--reply-header", "no colon"],
        ["--port", "-1"],
    ],
)
def test_inbox_bad_usage_exits_2_with_one_line(
    python: str, cli_env: dict[str, str], args: list[str]
) -> None:
    done = run(python, cli_env, "inbox", *args)
    assert done.returncode == 2
    one_line(done.stderr)


# -- curl ---------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    context = tmp_path / "context.json"
    context.write_text(json.dumps({"customer": {"id": "7", "name": NAME}}))
    return {"context": context, "request": tmp_path / "request.json", "data": tmp_path / "data"}


def test_curl_prints_a_command_that_sends_the_rendered_request(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    with Inbox() as inbox:
        Request(
            "c",
            inbox.url + "/c/{{ customer.id }}",
            headers=(
                Header("Content-Type", "application/json"),
                Header("X-Key", "{{ secrets.k }}"),
            ),
            body=JSONED,
        ).save(files["request"])
        done = run(
            python, cli_env, "curl", str(files["request"]), "--context", str(files["context"])
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"curl '{inbox.url}/c/7' \\\n")
        assert "-H 'X-Key: ••••••'" in done.stdout
        assert '--data-raw \'{"id": "7", "name": "Zoë \\"Z\\" O\'\\\'\'Neil"}\'' in done.stdout
        assert "secrets are shown as ••••••" in done.stderr
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        ran = subprocess.run(
            ["sh", "-c", done.stdout.strip() + " -sS -o /dev/null"],
            env=env,
            timeout=30,
            check=False,
        )
        assert ran.returncode == 0
        [caught] = inbox.requests
    assert caught.target == "/c/7"
    assert json.loads(caught.body) == {"id": "7", "name": NAME}
    assert caught.header("X-Key") == "••••••"


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (Request("ok", "https://example.com/", body=JSONED), 0),
        (Request("broken json", "https://example.com/", body=QUOTED), 1),
        (Request("bad url", "ftp://example.com/"), 1),
    ],
)
def test_curl_exits_1_when_the_render_has_an_error(
    python: str, cli_env: dict[str, str], files: dict[str, Path], request_: Request, code: int
) -> None:
    request_.save(files["request"])
    done = run(python, cli_env, "curl", str(files["request"]), "--context", str(files["context"]))
    assert done.returncode == code, done.stderr
    assert done.stdout.startswith("curl ")
    assert ("error" in done.stderr) == bool(code)


def test_curl_with_a_bad_file_exits_2(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    files["request"].write_text("{not json")
    done = run(python, cli_env, "curl", str(files["request"]))
    assert done.returncode == 2
    one_line(done.stderr)


# -- requests import-curl -----------------------------------------------------------------

STRIPE = """curl https://api.stripe.com/v1/customers \\
  -u sk_test_123: \\
  -d email="jenny@example.com" -d name="Jenny Rosen"
"""


def test_import_curl_stores_a_request_with_a_unique_name(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    data = str(files["data"])
    first = run(python, cli_env, "--data-dir", data, "requests", "import-curl", STRIPE)
    assert first.returncode == 0, first.stderr
    assert 'Imported the request "api.stripe.com/v1/customers" (POST' in first.stdout
    assert 'secret "stripe"' in first.stderr
    second = run(python, cli_env, "requests", "import-curl", "-", "--data-dir", data, stdin=STRIPE)
    assert second.returncode == 0, second.stderr
    assert '"api.stripe.com/v1/customers 2"' in second.stdout
    named = run(
        python, cli_env, "--data-dir", data, "requests", "import-curl", STRIPE, "--name", "Mine"
    )
    assert named.returncode == 0
    listed = run(python, cli_env, "--data-dir", data, "requests", "list", "--json")
    stored = {r["name"]: r for r in json.loads(listed.stdout)}
    assert {"api.stripe.com/v1/customers", "api.stripe.com/v1/customers 2", "Mine"} <= set(stored)
    imported = stored["Mine"]
    assert imported["method"] == "POST"
    assert imported["body"] == "email=jenny@example.com&name=Jenny Rosen"
    assert imported["headers"] == [
        {
            "name": "Authorization",
            "value": 'Basic {{ secrets.stripe | append: ":" | base64_encode }}',
        },
        {"name": "Content-Type", "value": "application/x-www-form-urlencoded"},
    ]
    assert "sk_test_123" not in listed.stdout


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("curl -F a=@x.png https://example.com/", "-F (multipart form) is not supported"),
        ("curl -d @body.json https://e.com/", "asks curl to read a file"),
        ("wget x", "not a curl command"),
        ("", "not a curl command"),
        ("curl file:///etc/passwd", "the URL's scheme file: is not http or https"),
        ("curl gopher://127.0.0.1:6379/_INFO", "the URL's scheme gopher: is not http or https"),
        ("curl -sK/etc/passwd https://e.com/", "-K (read options from a file) is not supported"),
        ("curl --config=/etc/passwd https://e.com/", "--config (read options from a file)"),
        ("curl https://e.com/ -H $'X-A: 1\\x00'", "the value of the header X-A holds NUL"),
        ("curl https://e.com/ -H $'X-A: 1\\r\\nHost: evil'", "holds CR (carriage return)"),
    ],
)
def test_import_curl_refusals_exit_2_with_one_line(
    python: str, cli_env: dict[str, str], files: dict[str, Path], command: str, message: str
) -> None:
    done = run(
        python, cli_env, "--data-dir", str(files["data"]), "requests", "import-curl", command
    )
    assert done.returncode == 2
    one_line(done.stderr)
    assert done.stderr.startswith("webhook-composer: <curl command>: ")
    assert message in done.stderr
    listed = run(python, cli_env, "--data-dir", str(files["data"]), "requests", "list", "--json")
    assert not any(r["url"].startswith(("file:", "gopher:")) for r in json.loads(listed.stdout))


# -- check --------------------------------------------------------------------------------


def _stored(python: str, env: dict[str, str], files: dict[str, Path], body: str) -> str:
    Request("Quote test", "https://example.com/hook", body=body).save(files["request"])
    data = str(files["data"])
    done = run(
        python, env, "--data-dir", data, "requests", "import", str(files["request"]), "--replace"
    )
    assert done.returncode == 0, done.stderr
    return data


def test_check_finds_the_person_with_a_quote_and_none_once_json_is_used(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    data = _stored(python, cli_env, files, QUOTED)
    done = run(python, cli_env, "--data-dir", data, "check", "Quote test", "--json")
    assert done.returncode == 1, done.stderr
    listed = json.loads(done.stdout)
    failing = [
        item for item in listed if any(d["severity"] == "error" for d in item["diagnostics"])
    ]
    assert [item["person"] for item in failing] == ["3003"]
    assert list(failing[0]) == ["person", "diagnostics"]
    assert set(failing[0]["diagnostics"][0]) == {"severity", "where", "line", "column", "message"}
    text = run(python, cli_env, "check", "Quote test", "--data-dir", data)
    assert text.returncode == 1
    assert re.search(
        r"^3003: body:1:\d+: error: the rendered body is not valid JSON", text.stdout, re.M
    )
    assert "1 failing" in text.stderr

    _stored(python, cli_env, files, JSONED)
    fixed = run(python, cli_env, "--data-dir", data, "check", "Quote test", "--json")
    assert fixed.returncode == 0, fixed.stderr
    assert all(
        d["severity"] == "warning" for item in json.loads(fixed.stdout) for d in item["diagnostics"]
    )
    strict = run(python, cli_env, "--data-dir", data, "check", "Quote test", "--strict")
    assert strict.returncode == (1 if json.loads(fixed.stdout) else 0)


def test_check_lists_events_when_the_request_uses_them(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    data = _stored(python, cli_env, files, '{"e": "{{ event_name }}", "f": "{{ event.feedback }}"}')
    done = run(python, cli_env, "--data-dir", data, "check", "Quote test", "--json")
    listed = json.loads(done.stdout)
    assert all(list(item) == ["person", "event", "diagnostics"] for item in listed)
    assert done.returncode in (0, 1)


def test_check_an_unknown_request_exits_2(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    done = run(python, cli_env, "--data-dir", str(files["data"]), "check", "No such request")
    assert done.returncode == 2
    one_line(done.stderr)


def test_check_and_curl_render_with_the_liquid_version_asked_for(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    """``--liquid`` overrides the request's version: ``default`` is latest's only (legacy
    passes the value through, so a missing number leaves the JSON broken), and ``times``
    writes ``6`` in latest and ``6.0`` in legacy."""
    data = _stored(python, cli_env, files, '{"n": {{ customer.nothing | default: 1 }}}')
    for version, code in (("latest", 0), ("legacy", 1)):
        done = run(python, cli_env, "--data-dir", data, "check", "Quote test", "--liquid", version)
        assert done.returncode == code, (version, done.stdout, done.stderr)
    Request("t", "https://example.com/", body='{"n": {{ 2.0 | times: 3 }}}').save(files["request"])
    for version, body in (("latest", '{"n": 6}'), ("legacy", '{"n": 6.0}')):
        done = run(python, cli_env, "curl", str(files["request"]), "--liquid", version)
        assert done.returncode == 0, done.stderr
        assert f"--data-raw '{body}'" in done.stdout
