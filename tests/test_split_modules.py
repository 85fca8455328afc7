"""The pieces that have modules of their own: completion's reading of the cursor, the
values an answer is scrubbed of, the inbox's remembered settings, and a crashed attempt."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import ui_settings

from composer.delivery import journal
from composer.delivery.recovery import was_cut_off
from composer.delivery.wire import LazySecrets, scrub, sensitive_values
from composer.rendering.render import MASK
from ui.editor.completion import completion_context
from ui.pages.inbox_settings import SavedReply, remember, remembered_port, saved_reply
from ui.widgets.qt_settings import open_settings

__all__ = ["ui_settings"]  # a fixture used by name


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("plain text", None),
        ("{{ customer.em", ("variable", "customer.em")),
        ("{{ customer.email }} and ", None),
        ("{{ customer.email | up", ("filter", "up")),
        ("{{ x |", ("filter", "")),
        ("{% ", ("tag", "")),
        ("{%- if", ("tag", "if")),
        ("{% if customer.pl", ("variable", "customer.pl")),
        ("{% if a %} {{ b", ("variable", "b")),
        ("{% endif %}", None),
    ],
)
def test_completion_reads_what_is_typed_at_the_cursor(
    before: str, expected: tuple[str, str] | None
) -> None:
    assert completion_context(before) == expected


def test_an_answer_is_scrubbed_of_the_secrets_used_and_of_headers_that_differ() -> None:
    used = LazySecrets({"token": "s3cr3t-value", "unused": "never-read"}.get)
    assert used["token"] == "s3cr3t-value"
    sent = [("Authorization", "Basic dXNlcjpwYXNz"), ("Accept", "application/json")]
    masked = [["Authorization", f"Basic {MASK}"], ["Accept", "application/json"]]
    found = sensitive_values(used, sent, masked)
    assert found == {"s3cr3t-value", "Basic dXNlcjpwYXNz"}  # not the unused one, not Accept
    echoed = b'{"auth": "Basic dXNlcjpwYXNz", "t": "s3cr3t-value", "accept": "application/json"}'
    scrubbed = scrub(echoed, found)
    assert b"s3cr3t-value" not in scrubbed and b"dXNlcjpwYXNz" not in scrubbed
    assert b"application/json" in scrubbed


@pytest.mark.usefixtures("ui_settings")
def test_the_inbox_remembers_its_port_and_reply() -> None:
    assert remembered_port() == 0 and saved_reply() == SavedReply()
    reply = SavedReply(status=503, headers="Retry-After: 2", body="busy", delay=4.5)
    remember(8089, reply)
    assert remembered_port() == 8089
    assert saved_reply() == reply


@pytest.mark.usefixtures("ui_settings")
def test_settings_edited_by_hand_read_as_the_defaults() -> None:
    settings = open_settings()
    settings.setValue("inbox/port", "70000")
    settings.setValue("inbox/reply_status", "two hundred")
    settings.setValue("inbox/reply_delay", "soon")
    settings.sync()
    assert remembered_port() == 0  # not a port
    assert saved_reply().status == 200 and saved_reply().delay == 0.0


def test_an_attempt_is_cut_off_only_when_its_run_is_gone(tmp_path: Path) -> None:
    folder = tmp_path / "runs"
    assert was_cut_off(folder, None, None, None, stale=0.0)  # sending with no attempt open
    assert not was_cut_off(folder, 100.0, "mine", "mine", stale=1e9)  # the caller's own
    assert not was_cut_off(folder, 100.0, None, None, stale=50.0)  # no owner: within the lease
    assert was_cut_off(folder, 100.0, None, None, stale=100.0)  # no owner: the lease is over
    with journal.RunLock(folder) as lock:
        assert not was_cut_off(folder, 100.0, lock.token, "other", stale=1e9)  # alive
        token = lock.token
    assert was_cut_off(folder, 100.0, token, "other", stale=0.0)  # its run ended
