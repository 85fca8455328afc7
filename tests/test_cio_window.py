"""The Customer.io menu through real widgets, against the local App API on 127.0.0.1.

A real window on the sample workspace, the menu installed as the app installs it, the
dialogs driven through their buttons. Without a keychain (the window tests' default) the
App API key is held for the session; one test, marked ``keychain``, keeps it in the real
keychain. Every test reads the workspace file's bytes where the key or a secret value
could have leaked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import ui_helpers
from cio_fixtures import CARD_BODY, cio
from cio_server import KEY, CioServer, webhook
from pytestqt.qtbot import QtBot
from store_keychain import keychain

from composer.cioapi import KeyStore, Origins, PulledPeople
from composer.delivery.retry import RetryPolicy
from composer.model import Header
from composer.store.database import Database
from ui.cio.actions import CioActions, install_cio_menu
from ui.pages.people import PeoplePage

__all__ = ["cio", "keychain"]  # fixtures used by name below

pytestmark = [
    pytest.mark.qt_log_ignore(r"This plugin does not support "),
    pytest.mark.usefixtures("ui_settings"),
]
ui_settings = ui_helpers.ui_settings
no_real_keychain = ui_helpers.no_real_keychain
workspace = ui_helpers.workspace

FAST = RetryPolicy(max_retries=2, base=0.01)
CARD_URL = "https://api.trello.com/1/cards?idList=L1"


def _menu_action(window: Any, text: str) -> Any:
    for action in window.menu("&Customer.io").actions():
        if action.text() == text:
            return action
    raise AssertionError(f"no {text!r} in the Customer.io menu")


def _idle(qtbot: QtBot, dialog: Any) -> None:
    qtbot.waitUntil(lambda: not dialog.jobs.busy, timeout=20_000)


def _file_bytes(db: Database) -> bytes:
    return b"".join(
        path.read_bytes()
        for path in (db.path, Path(f"{db.path}-wal"), Path(f"{db.path}-shm"))
        if path.exists()
    )


@pytest.fixture
def window(qtbot: QtBot, workspace: Database) -> Any:
    return ui_helpers.make_window(qtbot, workspace)


@pytest.fixture
def actions(window: Any) -> CioActions:
    install_cio_menu(window)
    found = window.findChild(CioActions)
    assert found is not None
    found.policy = FAST
    found.timeout = 5.0
    yield found
    found.stop()


def _connect(qtbot: QtBot, actions: CioActions, server: CioServer, key: str = KEY) -> Any:
    _menu_action(actions.window, "&Connect…").trigger()
    dialog = actions.dialogs["connect"]
    _idle(qtbot, dialog)
    dialog.address.setText(server.url)
    dialog.key.setText(key)
    dialog.connect_button.click()
    _idle(qtbot, dialog)
    return dialog


def _pull(qtbot: QtBot, actions: CioActions, campaign: int = 7) -> Any:
    _menu_action(actions.window, "&Pull from a campaign…").trigger()
    qtbot.waitUntil(lambda: "pull" in actions.dialogs)  # once the keychain is open
    dialog = actions.dialogs["pull"]
    _idle(qtbot, dialog)
    assert dialog.choose_campaign(campaign)
    _idle(qtbot, dialog)
    dialog.pull_button.click()
    _idle(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.jobs.busy and dialog.summary == "", timeout=20_000)
    return dialog


def _push_dialog(qtbot: QtBot, actions: CioActions) -> Any:
    _menu_action(actions.window, "Pu&sh to Customer.io…").trigger()
    qtbot.waitUntil(lambda: "push" in actions.dialogs)  # once the keychain is open
    dialog = actions.dialogs["push"]
    _idle(qtbot, dialog)
    return dialog


def _edit_url(qtbot: QtBot, window: Any, url: str) -> None:
    window.composer.request_tab.url.set_text(url)
    assert ui_helpers.save_and_wait(qtbot, window)
    assert window.db.requests.get(window.current_name).url == url


# -- connect ---------------------------------------------------------------------------


@pytest.mark.usefixtures("no_real_keychain")
def test_connect_names_the_workspace_and_keeps_the_key_out_of_the_file(
    qtbot: QtBot, actions: CioActions, cio: CioServer
) -> None:
    _menu_action(actions.window, "&Connect…").trigger()
    dialog = actions.dialogs["connect"]
    _idle(qtbot, dialog)
    assert dialog.banner.isVisible() and "session only" in dialog.banner.text()
    assert dialog.key.echoMode() == dialog.key.EchoMode.Password
    dialog.address.setText(cio.url)
    dialog.key.setText("not-the-key")
    dialog.test_button.click()
    _idle(qtbot, dialog)
    assert "refused the App API key (HTTP 401)" in dialog.message
    dialog.key.setText(KEY)
    dialog.test_button.click()
    _idle(qtbot, dialog)
    assert dialog.message == (
        'The key works: it opens the workspace "Acme Production". Not saved yet.'
    )
    assert not actions.session_key
    with qtbot.waitSignal(actions.connected) as connected:
        dialog.connect_button.click()
    assert connected.args == ['the workspace "Acme Production"']
    _idle(qtbot, dialog)
    assert "kept for this session only" in dialog.message
    assert dialog.key.text() == ""
    assert actions.session_key
    assert KEY.encode() not in _file_bytes(actions.db)
    assert all(
        r.headers.get("Authorization") in (f"Bearer {KEY}", "Bearer not-the-key")
        for r in cio.received
    )


@pytest.mark.keychain
def test_connect_keeps_the_key_in_the_real_keychain(
    qtbot: QtBot, actions: CioActions, cio: CioServer, keychain: Any
) -> None:
    dialog = _connect(qtbot, actions, cio)
    try:
        assert not dialog.banner.isVisible()
        assert "kept in the keychain" in dialog.message
        assert not actions.session_key
        assert KeyStore(actions.db).get() == KEY
        assert KEY.encode() not in _file_bytes(actions.db)
        pull = _pull(qtbot, actions)
        assert "2 new request" in pull.message
    finally:
        dialog.forget_button.click()
        _idle(qtbot, dialog)
    assert KeyStore(actions.db).get() is None
    assert "Not connected" in dialog.state.text()


# -- pull, edit, check, push --------------------------------------------------------------


@pytest.mark.usefixtures("no_real_keychain")
def test_round_trip_pull_edit_check_push(qtbot: QtBot, actions: CioActions, cio: CioServer) -> None:
    _connect(qtbot, actions, cio)
    pull = _pull(qtbot, actions)
    assert pull.message.startswith("Pulled campaign 7: 2 new request")
    assert [row.standing for row in pull.rows] == [
        'same as "Create card"',
        "not a webhook (email); skipped",
        'same as "Ping"',
    ]
    window = actions.window
    assert window.current_name == "Create card"
    origin = Origins(actions.db).get("Create card")
    assert origin is not None and (origin.campaign_id, origin.action_id) == (7, 70)
    assert window.current_request().body == CARD_BODY

    _edit_url(qtbot, window, CARD_URL + "&pos=top")
    push = _push_dialog(qtbot, actions)
    diff = push.diff_view.toPlainText()
    assert f"-{CARD_URL}\n+{CARD_URL}&pos=top" in diff
    assert "Per-person check:</b> passes" in push.checks.text()
    assert not push.conflict.isVisible() and not push.secrets_box.isVisible()
    assert push.push_button.isEnabled()
    with qtbot.waitSignal(actions.pushed, timeout=20_000):
        push.push_button.click()
    _idle(qtbot, push)
    assert push.message.startswith("Pushed.")
    assert cio.action(7, 70)["url"] == CARD_URL + "&pos=top"
    assert cio.received[-1].method == "PUT"

    # The pushed request is now the action: a second push has nothing to do.
    push.recheck_button.click()
    _idle(qtbot, push)
    assert "nothing to push" in push.message
    assert not push.push_button.isEnabled()


@pytest.mark.usefixtures("no_real_keychain")
def test_a_pull_keeps_local_edits_shows_the_diff_and_can_replace_them(
    qtbot: QtBot, actions: CioActions, cio: CioServer
) -> None:
    _connect(qtbot, actions, cio)
    pull = _pull(qtbot, actions)
    window = actions.window
    _edit_url(qtbot, window, "https://local.test/edit")
    cio.touch_action(7, 70, body='{"changed": "in Customer.io"}')
    pull.choose_campaign(7)
    pull.list_actions(7)
    _idle(qtbot, pull)
    assert pull.rows[0].standing == 'differs from "Create card"'
    shown = pull.diff_view.toPlainText()
    assert "-https://api.trello.com/1/cards?idList=L1\n+https://local.test/edit" in shown
    assert '-{"changed": "in Customer.io"}' in shown

    pull.pull_button.click()
    qtbot.waitUntil(lambda: not pull.jobs.busy and pull.summary == "", timeout=20_000)
    assert "kept your edits" in pull.message and "Take Customer.io's version" in pull.message
    assert pull.replace_button.isVisible()
    assert window.db.requests.get("Create card").url == "https://local.test/edit"
    pull.replace_button.click()
    qtbot.waitUntil(lambda: not pull.jobs.busy and pull.summary == "", timeout=20_000)
    assert "replaced your edits" in pull.message
    # The open request shows Customer.io's version at once (no autosave brings ours back).
    assert window.current_request().url == CARD_URL
    assert window.current_request().body == '{"changed": "in Customer.io"}'


@pytest.mark.usefixtures("no_real_keychain")
def test_a_push_over_changes_made_in_customerio_needs_a_confirmation(
    qtbot: QtBot, actions: CioActions, cio: CioServer
) -> None:
    _connect(qtbot, actions, cio)
    _pull(qtbot, actions)
    _edit_url(qtbot, actions.window, "https://local.test/mine")
    cio.touch_action(7, 70, url="https://theirs.test/changed")
    push = _push_dialog(qtbot, actions)
    assert push.conflict.isVisible() and "changed in Customer.io since" in push.conflict.text()
    assert not push.push_button.isEnabled()
    assert "confirm overwriting" in push.message
    assert "-https://theirs.test/changed\n+https://local.test/mine" in push.diff_view.toPlainText()
    push.push()  # refused while unconfirmed: nothing is sent
    assert not push.jobs.busy and not any(r.method == "PUT" for r in cio.received)

    push.overwrite.setChecked(True)
    assert push.push_button.isEnabled() and push.message == "Ready to push."
    push.push_button.click()
    _idle(qtbot, push)
    assert push.message.startswith("Pushed.")
    assert cio.action(7, 70)["url"] == "https://local.test/mine"


@pytest.mark.usefixtures("no_real_keychain")
def test_an_action_changed_while_the_push_was_prepared_is_not_overwritten(
    qtbot: QtBot, actions: CioActions, cio: CioServer
) -> None:
    _connect(qtbot, actions, cio)
    _pull(qtbot, actions)
    _edit_url(qtbot, actions.window, "https://local.test/mine")
    push = _push_dialog(qtbot, actions)
    assert push.push_button.isEnabled()
    cio.touch_action(7, 70, url="https://theirs.test/meanwhile")
    push.push_button.click()
    qtbot.waitUntil(lambda: not push.jobs.busy and push.plan is not None, timeout=20_000)
    assert "changed in Customer.io while the push was being prepared" in push.message
    assert push.plan.conflict and not push.push_button.isEnabled()
    assert cio.action(7, 70)["url"] == "https://theirs.test/meanwhile"


@pytest.mark.usefixtures("no_real_keychain")
def test_secrets_are_never_pushed_unresolved_without_a_choice(
    qtbot: QtBot, actions: CioActions, cio: CioServer
) -> None:
    _connect(qtbot, actions, cio)
    _pull(qtbot, actions)
    window = actions.window
    value = "tr3llo-token-value-91"
    window.secret_store.set("trello_token", value)
    window.composer.set_header("Authorization", "Bearer {{ secrets.trello_token }}")
    assert ui_helpers.save_and_wait(qtbot, window)
    push = _push_dialog(qtbot, actions)
    assert push.secrets_box.isVisible()
    assert "{{ secrets.trello_token }}" in push.secrets_note.text()
    assert not push.push_button.isEnabled()
    assert "choose what to push in place of the secrets" in push.message
    push.values.setChecked(True)
    shown = push.contains.toPlainText()
    assert "Authorization: Bearer ••••••" in shown and value not in shown
    assert value not in push.diff_view.toPlainText()
    push.keep.setChecked(True)
    assert "Authorization: Bearer {{ secrets.trello_token }}" in push.contains.toPlainText()
    push.values.setChecked(True)
    push.push_button.click()
    _idle(qtbot, push)
    assert push.message.startswith("Pushed.")
    assert f"Bearer {value}" in cio.action(7, 70)["headers"]
    stored = window.db.requests.get("Create card").headers
    assert Header("Authorization", "Bearer {{ secrets.trello_token }}") in stored
    assert value.encode() not in _file_bytes(window.db)


@pytest.mark.usefixtures("no_real_keychain")
def test_push_needs_a_pulled_request(qtbot: QtBot, actions: CioActions, cio: CioServer) -> None:
    _connect(qtbot, actions, cio)
    push = _push_dialog(qtbot, actions)
    assert "was not pulled from Customer.io" in push.message
    assert not push.push_button.isEnabled()


# -- people --------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_real_keychain")
def test_sample_people_are_pulled_with_a_notice_and_removed_in_one_action(
    qtbot: QtBot, actions: CioActions, cio: CioServer
) -> None:
    _connect(qtbot, actions, cio)
    before = actions.db.people.count()
    page = PeoplePage(actions.db)  # a page that shows people: a pull or removal refreshes it
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == before, timeout=20_000)
    _menu_action(actions.window, "Pull sample p&eople…").trigger()
    dialog = actions.dialogs["people"]
    assert "copies personal data" in dialog.notice.text()
    dialog.by_segment.setChecked(True)
    dialog.segment.setValue(5)
    dialog.limit.setValue(2)
    with qtbot.waitSignal(actions.peoplePulled, timeout=20_000):
        dialog.pull_button.click()
    _idle(qtbot, dialog)
    assert dialog.message == (
        "Pulled 1 person by segment 5 (1 new, 0 refreshed). "
        "Left as they are (made in this workspace): 1001."
    )
    qtbot.waitUntil(lambda: "holds 1 person pulled" in dialog.count_label.text())
    qtbot.waitUntil(lambda: page.model.rowCount() == before + 1, timeout=20_000)
    dialog.by_identifiers.setChecked(True)
    dialog.identifiers.setPlainText("cy@example.com\nnobody-404")
    dialog.pull_button.click()
    _idle(qtbot, dialog)
    assert "Pulled 1 person by id and email" in dialog.message
    assert "Not found in Customer.io: nobody-404." in dialog.message
    assert PulledPeople(actions.db).ids() == ["1002", "1003"]
    assert actions.db.people.count() == before + 2

    qtbot.waitUntil(lambda: page.model.rowCount() == before + 2, timeout=20_000)

    _menu_action(actions.window, "&Remove pulled people…").trigger()
    qtbot.waitUntil(lambda: actions.confirm_box is not None, timeout=20_000)  # counted first
    box = actions.confirm_box
    assert box is not None and "Remove the 2 people pulled" in box.text()
    remove = next(b for b in box.buttons() if b.text() == "Remove 2 people")
    with qtbot.waitSignal(actions.peopleRemoved) as removed:
        remove.click()
    assert removed.args == [2]
    assert PulledPeople(actions.db).count() == 0
    assert actions.db.people.count() == before
    assert actions.db.people.get("1001").id == "1001"  # made here: never pulled, kept
    assert "Removed 2 people pulled" in actions.window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: "holds 0 people pulled" in dialog.count_label.text())
    qtbot.waitUntil(lambda: page.model.rowCount() == before, timeout=20_000)


# -- faults --------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_real_keychain")
def test_faults_are_named_plainly(qtbot: QtBot, actions: CioActions, cio: CioServer) -> None:
    _menu_action(actions.window, "&Pull from a campaign…").trigger()
    qtbot.waitUntil(lambda: "pull" in actions.dialogs)
    pull = actions.dialogs["pull"]
    _idle(qtbot, pull)
    assert pull.message == (
        "No Customer.io App API key is stored for this workspace; connect first "
        "(Customer.io ▸ Connect…)."
    )
    _connect(qtbot, actions, cio)
    cio.fail_next(429, count=3, retry_after="0")
    pull.start()
    _idle(qtbot, pull)
    assert pull.message == (
        "Customer.io's App API did not answer while listing the campaigns: 3 attempts, "
        "the last HTTP 429."
    )
    cio.fail_next(429, retry_after="0")
    pull.start()
    _idle(qtbot, pull)
    assert pull.message.startswith("1 campaign.")
    cio.state.actions.pop(7)
    pull.list_actions(7)
    _idle(qtbot, pull)
    assert "Customer.io has no campaign 7 (HTTP 404" in pull.message
    cio.fail_next(429, count=3, retry_after="30")
    pull.start()
    assert pull.cancel_button.isVisible()
    qtbot.waitUntil(lambda: any(r.path == "/v1/campaigns" for r in cio.received[-1:]))
    pull.cancel_button.click()
    _idle(qtbot, pull)
    assert pull.message.startswith("Cancelled")


@pytest.mark.usefixtures("no_real_keychain")
def test_a_legacy_action_shows_the_upgrade_check_and_needs_force(
    qtbot: QtBot, actions: CioActions, cio: CioServer
) -> None:
    body = '{{ customer | replace: "=>", ":" }}'
    cio.add_campaign(8, "Legacy", [webhook(80, "Old hook", body=body, liquid_version="legacy")])
    _connect(qtbot, actions, cio)
    _pull(qtbot, actions, campaign=8)
    window = actions.window
    assert window.current_name == "Old hook"
    assert window.current_request().liquid_version == "legacy"
    _edit_url(qtbot, window, "https://local.test/legacy")
    push = _push_dialog(qtbot, actions)
    text = push.checks.text()
    assert "<b>Upgrade check</b> (the action uses legacy Liquid): " in text
    assert push.plan is not None and push.plan.upgrade_differs
    assert push.force.isVisible() and not push.push_button.isEnabled()
    push.force.setChecked(True)
    assert push.push_button.isEnabled()
    push.push_button.click()
    _idle(qtbot, push)
    assert push.message.startswith("Pushed.")
    assert cio.action(8, 80)["url"] == "https://local.test/legacy"


@pytest.mark.usefixtures("no_real_keychain")
def test_a_push_right_after_an_edit_plans_from_the_edit(
    qtbot: QtBot, actions: CioActions, cio: CioServer
) -> None:
    """The plan is read from the workspace: an edit not yet autosaved is stored first."""
    _connect(qtbot, actions, cio)
    _pull(qtbot, actions)
    window = actions.window
    window.composer.request_tab.url.set_text(CARD_URL + "&pos=bottom")  # no wait for a save
    push = _push_dialog(qtbot, actions)
    assert f"-{CARD_URL}\n+{CARD_URL}&pos=bottom" in push.diff_view.toPlainText()
    assert window.db.requests.get("Create card").url == CARD_URL + "&pos=bottom"


def test_the_window_timeout_is_the_clients_default() -> None:
    from composer.cioapi import DEFAULT_TIMEOUT
    from ui.cio.actions import APP_API_TIMEOUT

    assert APP_API_TIMEOUT == DEFAULT_TIMEOUT
