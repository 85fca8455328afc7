"""The log file: where it is, what reaches it, that it rotates, and that no secret does."""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import ui_helpers
from ui_helpers import make_window

from composer import logs
from composer.cli.main import main as cli_main

ui_settings, workspace = ui_helpers.ui_settings, ui_helpers.workspace
no_real_keychain = ui_helpers.no_real_keychain

SECRET = "s3cr3t-Välue/+42"
"""A secret with characters each encoding writes its own way."""


@pytest.fixture
def log_file() -> Iterator[Path]:
    """The log set up under this test's WEBHOOK_COMPOSER_HOME; closed (and forgotten) after."""
    path = logs.setup_logging()
    try:
        yield path
    finally:
        logs.close_logging()
        logs._MASK.forget()


def _text(path: Path) -> str:
    for handler in logging.getLogger("composer").handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_the_log_lives_under_the_home_folder(log_file: Path) -> None:
    assert log_file == Path(os.environ["WEBHOOK_COMPOSER_HOME"]) / "logs" / logs.LOG_FILE
    logging.getLogger("composer.delivery").info("sent %s to %s", "delivery 7", "example.com")
    logging.getLogger("ui.window").warning("Not saved: the disk is full")
    text = _text(log_file)
    assert "INFO    composer.delivery [MainThread] sent delivery 7 to example.com" in text
    assert "WARNING ui.window [MainThread] Not saved: the disk is full" in text


def test_other_libraries_do_not_reach_the_log(log_file: Path) -> None:
    logging.getLogger("httpx").warning("HTTP Request: GET https://x.test/?api_key=abc")
    logging.getLogger().warning("root says hello")
    logging.getLogger("composer").info("ours")
    text = _text(log_file)
    assert "ours" in text
    assert "api_key" not in text and "root says hello" not in text


def _forms(value: str) -> list[str]:
    encoded = value.encode("utf-8")
    return [
        value,
        json.dumps(value),  # JSON escapes, as a body echoes it
        json.dumps(json.dumps({"token": value})),  # JSON inside a JSON string
        base64.b64encode(encoded).decode(),
        base64.urlsafe_b64encode(b"user:" + encoded).decode(),
        urllib.parse.quote(value, safe=""),  # percent-encoded, as a query string
    ]


@pytest.mark.parametrize("form", range(6))
def test_a_known_secret_never_reaches_the_file_in_any_encoding(log_file: Path, form: int) -> None:
    logs.remember_secrets([SECRET, ""])
    written = _forms(SECRET)[form]
    logging.getLogger("composer.delivery").info("echoed body: %s", written)
    text = _text(log_file)
    assert "echoed body: " in text
    assert written not in text
    assert SECRET not in text
    assert logs.MASK in text


@pytest.mark.parametrize(
    ("line", "kept", "hidden"),
    [
        ("Authorization: Bearer abc.DEF-123", "Authorization: ", "abc.DEF-123"),
        ('headers {"Authorization": "Basic dXNlcjpwYXNz"}', '"Authorization": "', "dXNlcjpwYXNz"),
        ("[('Authorization', 'tok_live_998877')]", "'Authorization', '", "tok_live_998877"),
        ("proxy-authorization=Token 5ecr3t", "proxy-authorization=", "5ecr3t"),
        ("X-Api-Key: k-1234567890", "X-Api-Key: ", "k-1234567890"),
        ("Cookie: session=abcdef; theme=dark", "Cookie: ", "session=abcdef"),
        ("the header said Bearer eyJhbGciOi.payload.sig", "Bearer ", "eyJhbGciOi.payload.sig"),
        ("POST https://ann:hunter22@api.example.com/v1", "https://ann:", "hunter22"),
    ],
)
def test_credentials_are_masked_by_their_form(
    log_file: Path, line: str, kept: str, hidden: str
) -> None:
    logging.getLogger("composer.delivery").info("%s", line)
    text = _text(log_file)
    assert kept + logs.MASK in text
    assert hidden not in text


def test_a_secret_name_is_kept_and_plain_words_are_untouched(log_file: Path) -> None:
    logging.getLogger("composer").info(
        "rendered {{ secrets.zendesk_token }}; authorization header missing; retry 3 of 10"
    )
    assert (
        "rendered {{ secrets.zendesk_token }}; authorization header missing; retry 3 of 10"
        in _text(log_file)
    )


def test_tracebacks_and_arguments_are_masked_too(log_file: Path) -> None:
    logs.remember_secrets([SECRET])
    try:
        raise ValueError(f"the server answered {SECRET!r}")
    except ValueError:
        logging.getLogger("composer.delivery").exception("send failed for %r", {"k": SECRET})
    text = _text(log_file)
    assert "send failed for" in text and "ValueError: the server answered" in text
    assert SECRET not in text


def test_a_huge_record_is_cut(log_file: Path) -> None:
    logging.getLogger("composer").info("body %s", "x" * (logs.MAX_RECORD * 4))
    line = _text(log_file).splitlines()[-1]
    assert len(line) < logs.MAX_RECORD + 200
    assert line.endswith(f"({logs.MAX_RECORD * 3 + 5:,} more characters)")


def test_the_file_rotates_and_keeps_a_bounded_number(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 4000)
    logs.setup_logging()
    try:
        for i in range(400):
            logging.getLogger("composer").info("line %04d %s", i, "." * 60)
    finally:
        logs.close_logging()
    folder = logs.log_dir()
    files = sorted(p.name for p in folder.iterdir())
    assert files == [logs.LOG_FILE] + [f"{logs.LOG_FILE}.{n}" for n in range(1, logs.BACKUPS + 1)]
    assert all((folder / name).stat().st_size <= 4000 for name in files)
    assert "line 0399" in (folder / logs.LOG_FILE).read_text(encoding="utf-8")


def test_an_unwritable_folder_is_said_once_and_not_fatal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setenv("WEBHOOK_COMPOSER_HOME", str(blocker))
    try:
        logs.setup_logging()
        logging.getLogger("composer").info("first")
        logging.getLogger("composer").warning("second")
    finally:
        logs.close_logging()
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "cannot be written" in err and str(blocker) in err


def test_nothing_is_made_until_a_line_is_written(log_file: Path) -> None:
    assert not log_file.parent.exists()
    logging.getLogger("composer").debug("below the level: not written")
    assert not log_file.parent.exists()
    logging.getLogger("composer").info("now")
    assert "now" in _text(log_file)


def test_setting_up_again_replaces_the_handlers(log_file: Path) -> None:
    before = list(logging.getLogger("composer").handlers)
    logs.setup_logging()
    after = logging.getLogger("composer").handlers
    assert len(after) == len(before)
    assert not set(map(id, before)) & set(map(id, after))


def test_verbose_prints_the_log_lines_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    logs.remember_secrets([SECRET])
    try:
        assert cli_main(["--verbose", "requests", "list", "--json"]) == 0
        logging.getLogger("composer.delivery").info("retry 2 for %s", SECRET)
    finally:
        logs.close_logging()
        logs._MASK.forget()
    err = capsys.readouterr().err
    assert "composer.delivery [MainThread] retry 2 for " + logs.MASK in err
    assert SECRET not in err
    assert "retry 2 for" in logs.log_path().read_text(encoding="utf-8")


def test_without_verbose_stderr_stays_quiet(cli_env: dict[str, str], python: str) -> None:
    done = subprocess.run(
        [python, "-m", "composer", "requests", "list"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_the_option_is_documented() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "composer", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert "--verbose" in done.stdout


@pytest.mark.qt_log_ignore(r"This plugin does not support ")
@pytest.mark.usefixtures("ui_settings", "no_real_keychain")
def test_the_window_logs_its_problems_and_masks_the_keychains_values(
    qtbot: Any, log_file: Path, workspace: Any
) -> None:
    window = make_window(qtbot, workspace)
    store = window.wait_for_secret_store()
    assert store is not None
    store.set("trello_key", "tr-ello-VALUE-991")
    window.refresh_secrets()  # as the Secrets dialog does after a change
    qtbot.waitUntil(lambda: logs._MASK.mask("tr-ello-VALUE-991") == logs.MASK)
    window.show_problem("Not saved: the workspace is read-only")
    logging.getLogger("composer.delivery").info("sent key tr-ello-VALUE-991")
    text = _text(log_file)
    assert "WARNING ui.window [MainThread] Not saved: the workspace is read-only" in text
    assert f"sent key {logs.MASK}" in text and "tr-ello-VALUE-991" not in text
