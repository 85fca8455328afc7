"""The window: settings, request housekeeping with undo, autosave, shortcuts, accessibility."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
)
from ui_helpers import (
    UI_MARKS,
    close_and_wait,
    make_window,
    open_and_wait,
    open_request,
    save_and_wait,
)

from composer.model import Request, ResponseMapping
from composer.store.database import Database
from ui.editor.auth_dialog import AuthChoice

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain


def test_a_newcomer_sees_a_recipe_with_its_preview(window: Any) -> None:
    assert window.windowTitle() == f"{window.current_name} — Webhook Composer"
    assert "secrets." not in window.current_request().to_json()  # no secret to set first
    assert window.composer.currentWidget() is window.composer.body_tab
    assert "error" not in window.composer.body_tab.summary.text()
    assert window.composer.body_tab.body_view.toPlainText().strip()
    assert window.composer.body_tab.request_line.text().startswith("<b>POST</b> https://")
    assert window.context_bar.person() is not None


def test_settings_persist_across_two_windows(qtbot: Any, workspace: Database) -> None:
    first = make_window(qtbot, workspace)
    names = first.requests.names()
    first.request_list.select(names[2])
    qtbot.waitUntil(lambda: first.current_name == names[2])
    first.context_bar.choose("2002")
    qtbot.waitUntil(lambda: first.context_bar.person().id == "2002")  # read by an op
    first.resize(760, 560)
    first.hsplit.setSizes([250, 500])
    sizes, size = first.hsplit.sizes(), first.size()
    close_and_wait(qtbot, first)

    second = make_window(qtbot, workspace)
    assert second.current_name == names[2]
    assert second.context_bar.person().id == "2002"
    assert second.size() == size
    assert second.hsplit.sizes() == sizes


def test_delete_then_undo_restores_the_request(qtbot: Any, window: Any) -> None:
    name = window.current_name
    window.composer.body_tab.editor.set_text('{"edited": true}')  # unsaved edit
    window.delete_current()
    qtbot.waitUntil(lambda: window.current_name != name)  # deleted by a write op
    assert name not in window.requests.names()
    assert "Undo" in window.statusBar().currentMessage()
    assert window.undo_button.isVisibleTo(window)
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_name == name)
    assert name in window.requests.names()
    assert window.db.requests.get(name).body == '{"edited": true}'


def test_edits_are_saved_to_the_sqlite_file(qtbot: Any, window: Any, tmp_path: Path) -> None:
    name = window.current_name
    window.composer.show_body()
    editor = window.composer.body_tab.editor
    editor.set_text("")
    with qtbot.waitSignal(window.saved, timeout=5000):
        qtbot.keyClicks(editor, '{"typed": 1}')
    with Database(tmp_path / "data" / "workspace.sqlite3") as again:
        assert again.requests.get(name).body == '{"typed": 1}'


def test_ctrl_s_saves_at_once(qtbot: Any, window: Any, tmp_path: Path) -> None:
    name = window.current_name
    window.composer.request_tab.url.set_text("https://example.com/saved")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == f'Saved "{name}".')
    with Database(tmp_path / "data" / "workspace.sqlite3") as again:
        assert again.requests.get(name).url == "https://example.com/saved"


def test_ctrl_n_creates_and_ctrl_k_searches(qtbot: Any, window: Any) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_name == "New request")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_name == "New request 2")
    window.composer.body_tab.editor.setFocus()
    qtbot.waitUntil(lambda: not window.request_list.search.hasFocus())
    qtbot.keyClick(
        window.focusWidget() or window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.waitUntil(window.request_list.search.hasFocus)
    qtbot.keyClicks(window.request_list.search, "trello")
    assert window.request_list.proxy.rowCount() == 1


@pytest.mark.parametrize(
    ("new_name", "message"),
    [
        ("", "cannot be empty"),
        ("   ", "cannot be empty"),
        ("Plain JSON: id and email", "already exists"),
    ],
)
def test_invalid_names_are_refused_plainly(
    qtbot: Any, window: Any, new_name: str, message: str
) -> None:
    open_and_wait(qtbot, window, "Close: lead from a signup")
    assert not window.rename_current(new_name)
    assert message in window.last_problem
    assert window.current_name == "Close: lead from a signup"


def test_rename_and_duplicate(qtbot: Any, window: Any) -> None:
    open_and_wait(qtbot, window, "Plain JSON: id and email")
    assert window.rename_current("Renamed")
    qtbot.waitUntil(lambda: window.current_name == "Renamed")
    window.request_list.duplicateRequested.emit()
    qtbot.waitUntil(lambda: window.current_name == "Renamed copy")


def test_new_from_recipe(qtbot: Any, window: Any) -> None:
    window.request_list.recipesWanted.emit()
    assert window.request_list.recipe_menu.actions()
    window.new_from_recipe("Plain JSON: id and email")
    qtbot.waitUntil(lambda: window.current_name == "Plain JSON: id and email 2")


def test_the_auth_helper_keeps_the_token_as_a_secret(qtbot: Any, window: Any) -> None:
    open_request(qtbot, window, Request(name="Auth", url="https://example.com/", body="{}"))
    with qtbot.waitSignal(window.secretsChanged, timeout=10000):
        window.apply_auth(AuthChoice("Bearer", "crm_token", "s3cr3t-value"))
    qtbot.waitUntil(lambda: "crm_token" in (window.secret_names or ()))
    window.wait_for_preview()
    headers = window.composer.body_tab.headers_view.toPlainText()
    assert "Authorization: Bearer ••••••" in headers
    stored = window.current_request()
    assert ("Authorization", "Bearer {{ secrets.crm_token }}") in [
        (h.name, h.value) for h in stored.headers
    ]
    assert "s3cr3t-value" not in stored.to_json()


def test_the_response_tab_previews_each_mapping(qtbot: Any, window: Any) -> None:
    request = Request(
        name="Mapped",
        url="https://example.com/",
        body="{}",
        response_mappings=(
            ResponseMapping("card_id", "{{ response.id }}"),
            ResponseMapping("score", "{{ response.n | plus: customer.NPS_rating }}"),
            ResponseMapping("broken", "{{ response.id | nosuchfilter }}"),
        ),
    )
    open_request(qtbot, window, request)
    window.composer.show_response()
    with qtbot.waitSignal(window.previewShown, timeout=5000):
        window.composer.set_sample_response('{"id": "abc", "n": 5}')
    tab = window.composer.response_tab
    assert tab.preview_row(0) == ('"abc"', "")
    assert tab.preview_row(1)[0] == "9  (int)"
    value, problem = tab.preview_row(2)  # an unknown filter passes the value through
    assert value == '"abc"' and "nosuchfilter" in problem


def test_every_control_has_an_accessible_name(window: Any) -> None:
    kinds = (QAbstractButton, QLineEdit, QComboBox, QPlainTextEdit, QAbstractItemView)
    unnamed = []
    for kind in kinds:
        for widget in window.findChildren(kind):
            if widget.parent() is not None and isinstance(widget.parent(), QComboBox):
                continue  # a combo's own line edit or list
            if type(widget).__name__ in ("QToolButton",) and not widget.isVisibleTo(window):
                continue
            if not widget.accessibleName() and widget.isVisibleTo(window):
                unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert unnamed == []


def test_request_tab_and_header_presets_reach_the_preview(qtbot: Any, window: Any) -> None:
    open_request(qtbot, window, Request(name="Tabs", url="https://example.com/", body='{"a": 1}'))
    with qtbot.waitSignal(
        window.previewShown, check_params_cb=lambda r: r.rendered.method == "GET", timeout=5000
    ) as blocker:
        window.composer.request_tab.method.setCurrentText("GET")
    assert any("GET request has a body" in d.message for d in blocker.args[0].diagnostics)
    headers = window.composer.headers_tab
    with qtbot.waitSignal(
        window.previewShown,
        check_params_cb=lambda r: ("Content-Type", "text/plain") in r.rendered.headers,
        timeout=5000,
    ):
        headers.preset.activated.emit(3)  # text/plain
    assert headers.model.pairs() == [("Content-Type", "text/plain")]
    assert window.composer.body_tab.editor.highlighter.syntax == "text"
    assert save_and_wait(qtbot, window)
    stored = window.db.requests.get("Tabs")
    assert stored.method == "GET" and stored.content_type() == "text/plain"


def test_other_pages_plug_in_and_choose_the_preview_person(qtbot: Any, window: Any) -> None:
    from PySide6.QtWidgets import QLabel

    page = QLabel("another page")
    action = window.add_page("People", page)
    assert window.pages.bar.isVisibleTo(window)
    action.trigger()
    assert window.pages.current() is page
    with qtbot.waitSignal(window.previewShown, timeout=5000):
        window.preview_for("2002")  # returns at once; the person is read by an op
    assert window.pages.current() is window.hsplit
    assert window.context_bar.person().id == "2002"
    window.preview_for("no such person")
    qtbot.waitUntil(lambda: "no such person" in window.statusBar().currentMessage())
    assert window.statusBar().currentMessage() == (
        'There is no person with id "no such person" in the workspace.'
    )
    assert window.context_bar.person().id == "2002"  # the choice stays
    window.db.people.delete("1001")
    window.reload_people()
    qtbot.waitUntil(lambda: not window.context_bar.busy)
    assert window.context_bar.people.total == window.db.people.count()
    assert window.context_bar.person().id == "2002"


def test_a_rename_right_after_an_autosave_keeps_the_edit(qtbot: Any, window: Any) -> None:
    name = window.current_name
    window.composer.body_tab.editor.set_text('{"edit": "before the rename"}')
    window.save_in_background()  # what the autosave timer does
    assert window.rename_current("Renamed at once")
    qtbot.waitUntil(lambda: window.current_name == "Renamed at once")  # after the autosave
    assert window.last_problem == ""
    assert window.db.requests.get("Renamed at once").body == '{"edit": "before the rename"}'
    assert not window.db.requests.exists(name)


def test_a_page_given_as_a_function_is_built_when_first_shown(qtbot: Any, window: Any) -> None:
    from PySide6.QtWidgets import QLabel

    built: list[QLabel] = []

    def build() -> QLabel:
        built.append(QLabel("built on demand"))
        return built[-1]

    window.add_page("Later", build)
    assert built == []
    shown = window.show_page("Later")
    assert built == [shown] and window.pages.current() is shown
    assert window.show_page("Later") is shown  # built once
    assert window.pages.names() == ["Composer", "Later"]


def test_the_secret_store_is_shared_once_open(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: window.secret_store is not None, timeout=10000)
    window.secret_store.set("shared_token", "value-1")
    with qtbot.waitSignal(window.secretsChanged, timeout=10000):
        window.apply_auth(AuthChoice("Bearer", "other_token", "value-2"))
    assert window.secret_store.get("other_token") == "value-2"


def test_an_empty_workspace_disables_the_composer_until_a_request_exists(
    qtbot: Any, window: Any
) -> None:
    while window.requests.names():
        count = len(window.requests.names())
        qtbot.waitUntil(lambda: window.current_name is not None)  # the next one opened
        window.delete_current()
        qtbot.waitUntil(lambda count=count: len(window.requests.names()) < count)
    assert window.requests.names() == [] and window.current_name is None
    assert not window.composer.isEnabled()
    window.save_now()  # nothing to save, nothing fails
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_name == "New request")
    assert window.composer.isEnabled()


def test_a_request_made_elsewhere_is_shown_on_request(qtbot: Any, window: Any) -> None:
    window.db.requests.save(Request(name="Made by a page", url="https://example.com/", body="{}"))
    window.show_request("Made by a page")
    assert window.current_name != "Made by a page"  # returned at once; shown once read
    qtbot.waitUntil(lambda: window.current_name == "Made by a page")
    assert window.request_list.current() == "Made by a page"


def test_secrets_changed_elsewhere_reach_the_preview(qtbot: Any, window: Any) -> None:
    open_request(
        qtbot,
        window,
        Request(name="Uses a secret", url="https://example.com/?k={{ secrets.fresh }}", body=""),
    )
    qtbot.waitUntil(lambda: window.secret_store is not None, timeout=10000)
    window.wait_for_preview()
    qtbot.waitUntil(
        lambda: any(
            "'fresh'" in d.message for d in window.composer.body_tab.diagnostics.diagnostics()
        )
    )
    window.secret_store.set("fresh", "v")  # as the secrets dialog does
    with qtbot.waitSignal(window.secretsChanged, timeout=10000):
        window.refresh_secrets()
    window.wait_for_preview()
    assert not any("fresh" in d.message for d in window.composer.body_tab.diagnostics.diagnostics())


def test_the_other_pages_plug_into_the_window(qtbot: Any, window: Any) -> None:
    from ui.app import install_pages

    install_pages(window, window.db)
    assert window.pages.names() == ["Composer", "People", "Outbox", "Recipes", "Inbox"]
    people = window.show_page("People")
    assert type(people).__name__ == "PeoplePage"
    with qtbot.waitSignal(window.previewShown, timeout=5000):
        people.personChosen.emit("2002")
    qtbot.waitUntil(lambda: window.context_bar.person().id == "2002")
    assert window.pages.current() is window.hsplit
    recipes = window.show_page("Recipes")
    window.db.requests.save(Request(name="From the gallery", url="https://example.com/"))
    recipes.requestCreated.emit("From the gallery")
    qtbot.waitUntil(lambda: window.current_name == "From the gallery")
    assert any(a.text() == "&Secrets…" for a in window.menu("&Edit").actions())
