"""The window and Customer.io's two Liquid versions: the switch beside the request and its
undo, the preview's version line, the comparison and its persistence, both renderings side
by side, completion of the version's filters, and the workspace default.

Tests marked :data:`two_engines` need the real latest and legacy engines, which render
``{{ 2.0 | times: 3 }}`` as ``6`` and ``6.0``; while one stand-in serves both versions
(equal titles, or the same output for that template) they are skipped. The others hold
whatever the engines are.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget
from ui_helpers import UI_MARKS, make_window, open_request

from composer.liquid import engine
from composer.model import Header, Request
from composer.rendering.diagnostics import Diagnostic
from composer.rendering.render import render
from composer.store.database import Database
from ui.editor.preview import PreviewJob, first_difference, qt_position, render_job
from ui.widgets.qt_settings import open_settings

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain

TIMES = '{\n  "n": {{ 2.0 | times: 3 }}\n}'
"""A body latest renders with ``6`` and legacy with ``6.0``."""


def _one_stand_in() -> bool:
    latest, legacy = engine("latest"), engine("legacy")
    probe = "{{ 2.0 | times: 3 }}"
    return (
        latest.title == legacy.title
        or latest.render(probe, {}).text == legacy.render(probe, {}).text
    )


two_engines = pytest.mark.skipif(
    _one_stand_in(),
    reason="one stand-in engine serves both Liquid versions until the real engines land",
)
"""For tests that need the two versions to render differently."""


def json_request(name: str, body: str, version: str = "latest") -> Request:
    return Request(
        name=name,
        url="https://example.com/hook",
        headers=(Header("Content-Type", "application/json"),),
        body=body,
        liquid_version=version,  # type: ignore[arg-type]
    )


def choose(window: Any, version: str) -> None:
    """Pick ``version`` in the switch as a user does."""
    switch = window.composer.liquid
    switch.setCurrentIndex(switch.findData(version))


# -- the switch ------------------------------------------------------------------------


def test_the_switch_shows_the_requests_version_beside_it(qtbot: Any, window: Any) -> None:
    switch = window.composer.liquid
    assert window.composer.cornerWidget(Qt.Corner.TopRightCorner) is switch
    assert switch.isVisible()
    assert switch.accessibleName() == "Liquid version"
    assert "LiquidJS" in switch.toolTip() and "Ruby Liquid 2.5.3" in switch.toolTip()
    open_request(qtbot, window, json_request("Old one", "{}", "legacy"))
    assert switch.currentText() == "Liquid: legacy"
    assert window.current_request().liquid_version == "legacy"
    open_request(qtbot, window, json_request("New one", "{}", "latest"))
    assert switch.currentText() == "Liquid: latest"


def test_switching_renders_at_once_says_so_and_is_saved(qtbot: Any, window: Any) -> None:
    open_request(qtbot, window, json_request("Switch me", '{"a": 1}'))
    with qtbot.waitSignal(
        window.previewShown,
        check_params_cb=lambda r: r.rendered.liquid_version == "legacy",
        timeout=5000,
    ):
        choose(window, "legacy")
    label = window.composer.body_tab.version_label.text()
    assert label.startswith(f"Rendered with legacy Liquid{engine('legacy').title[6:]}")
    assert window.composer.body_tab.compare.text() == "Compare with latest"
    with qtbot.waitSignal(window.saved, timeout=5000):
        pass  # the autosave
    assert window.db.requests.get("Switch me").liquid_version == "legacy"


def test_ctrl_z_switches_back_and_text_fields_keep_their_own_undo(qtbot: Any, window: Any) -> None:
    open_request(qtbot, window, json_request("Undo me", '{"a": 1}'))
    window.activateWindow()
    editor = window.composer.body_tab.editor
    window.composer.show_body()
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " ")
    choose(window, "legacy")
    assert window.switch_undo_action.isEnabled()
    assert "legacy" in window.switch_undo_action.text()
    # in the editor, Ctrl+Z undoes the typing, not the switch
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.text() == '{"a": 1}'
    assert window.composer.liquid_version() == "legacy"
    # elsewhere it switches back, re-rendered at once
    window.composer.liquid.setFocus()
    with qtbot.waitSignal(
        window.previewShown,
        check_params_cb=lambda r: r.rendered.liquid_version == "latest",
        timeout=5000,
    ):
        qtbot.keyClick(window.composer.liquid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.composer.liquid.currentText() == "Liquid: latest"
    assert window.current_request().liquid_version == "latest"
    assert not window.switch_undo_action.isEnabled()
    assert ui_helpers.save_and_wait(qtbot, window)
    assert window.db.requests.get("Undo me").liquid_version == "latest"


def test_ctrl_z_on_another_page_leaves_the_switch_alone(qtbot: Any, window: Any) -> None:
    from PySide6.QtWidgets import QPushButton

    open_request(qtbot, window, json_request("Stay", "{}"))
    choose(window, "legacy")
    elsewhere = QPushButton("Elsewhere")
    window.add_page("Elsewhere", elsewhere)
    window.show_page("Elsewhere")
    window.activateWindow()
    elsewhere.setFocus()
    qtbot.keyClick(elsewhere, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.composer.liquid_version() == "legacy"
    window.switch_undo_action.trigger()  # Edit ▸ Undo switch still works from the menu
    assert window.composer.liquid_version() == "latest"


def test_another_request_does_not_undo_this_ones_switch(qtbot: Any, window: Any) -> None:
    window.db.requests.save(json_request("Second", "{}"))
    open_request(qtbot, window, json_request("First", "{}"))
    choose(window, "legacy")
    ui_helpers.open_and_wait(qtbot, window, "Second")  # as a click in the list does
    assert not window.switch_undo_action.isEnabled()
    assert window.db.requests.get("First").liquid_version == "legacy"  # saved on leaving


# -- the comparison --------------------------------------------------------------------


def test_the_comparison_is_on_by_default_and_its_switches_persist(
    qtbot: Any, workspace: Database
) -> None:
    first = make_window(qtbot, workspace)
    tab = first.composer.body_tab
    assert tab.compare.isChecked() and tab.compare.accessibleName() and tab.compare.toolTip()
    assert tab.side_by_side.accessibleName() and tab.side_by_side.toolTip()
    assert not tab.showing_side_by_side
    with qtbot.waitSignal(first.previewShown, timeout=5000) as shown:
        first.refresh_preview()
    assert shown.args[0].other is not None
    assert shown.args[0].other.liquid_version != shown.args[0].rendered.liquid_version
    tab.side_by_side.setChecked(True)
    assert tab.showing_side_by_side
    with qtbot.waitSignal(
        first.previewShown, check_params_cb=lambda r: r.other is None, timeout=5000
    ):
        tab.compare.setChecked(False)
    assert not tab.showing_side_by_side and not tab.side_by_side.isEnabled()
    assert "renders the same" not in tab.version_label.text()
    ui_helpers.close_and_wait(qtbot, first)

    second = make_window(qtbot, workspace)
    assert not second.composer.compare
    assert second.composer.body_tab.side_by_side.isChecked()
    with qtbot.waitSignal(
        second.previewShown, check_params_cb=lambda r: r.other is not None, timeout=5000
    ):
        second.composer.body_tab.compare.setChecked(True)
    assert second.composer.body_tab.showing_side_by_side
    assert open_settings().value("preview/compare") in (True, "true")


def test_side_by_side_shows_the_other_versions_body(qtbot: Any, window: Any) -> None:
    open_request(qtbot, window, json_request("Both", '{"name": {{ customer.name | json }}}'))
    tab = window.composer.body_tab
    tab.side_by_side.setChecked(True)
    other = tab.other
    assert other.view.isReadOnly() and other.view.accessibleName() and other.view.toolTip()
    assert other.view.toPlainText() == '{"name": "Maya Patel"}'
    assert other.heading.text() == f"<b>{engine('legacy').title}</b>"
    assert tab.this_heading.text() == f"<b>{engine('latest').title}</b>"
    with qtbot.waitSignal(
        window.previewShown, check_params_cb=lambda r: "Sam" in r.rendered.body, timeout=5000
    ):
        tab.editor.set_text('{"name": "Sam"}')
    assert other.view.toPlainText() == '{"name": "Sam"}'  # updated with the preview
    if engine("latest").title == engine("legacy").title:
        assert other.note.text() == "Both versions render this body the same."


def _result_with_other(window: Any, body: str, other_body: str) -> Any:
    """A preview result whose other version renders ``other_body`` (engines aside)."""
    request = json_request("Synthetic", body)
    job = PreviewJob(request, window.context_bar.context(), (), compare=True)
    result = render_job(job)
    other = dataclasses.replace(result.other, body=other_body)
    difference = Diagnostic("warning", "body", 2, 8, 'in legacy Liquid this renders "6.0"')
    at = qt_position(other_body, first_difference(result.body_view, other_body) or 0)
    return dataclasses.replace(
        result,
        rendered=dataclasses.replace(
            result.rendered, diagnostics=(*result.rendered.diagnostics, difference)
        ),
        other=other,
        other_body_view=other_body,
        differences=(difference,),
        first_difference=at,
        liquid_title="latest (LiquidJS)",
        other_title="legacy (Ruby Liquid 2.5.3)",
    )


def test_a_difference_is_said_highlighted_and_jumps_to_its_line(qtbot: Any, window: Any) -> None:
    open_request(qtbot, window, json_request("Synthetic", TIMES))
    tab = window.composer.body_tab
    tab.side_by_side.setChecked(True)
    result = _result_with_other(window, '{\n  "n": 6\n}', '{\n  "n": 6.0\n}')
    window.composer.show_preview(result)
    assert tab.version_label.text() == (
        "Rendered with latest Liquid (LiquidJS); legacy renders 1 part differently "
        "(see the warnings)."
    )
    assert tab.other.note.text() == "First difference: line 2, column 9."
    for view in (tab.body_view, tab.other.view):
        (mark,) = view.extraSelections()
        assert mark.cursor.blockNumber() == 1 and mark.cursor.positionInBlock() in (8, 9)
    row = next(
        i for i, d in enumerate(tab.diagnostics.diagnostics()) if "legacy Liquid" in d.message
    )
    window.composer.setCurrentIndex(0)
    tab.activate_row(row)
    assert window.composer.currentWidget() is tab
    assert tab.editor.cursor_line_column() == (2, 8)
    tab.side_by_side.setChecked(False)
    assert tab.body_view.extraSelections() == []


def test_the_first_difference_counts_positions_as_qt_does(qtbot: Any, window: Any) -> None:
    assert first_difference("same", "same") is None
    assert first_difference("6", "6.0") == 1
    assert first_difference("x" * 5000 + "a", "x" * 5000 + "b") == 5000
    assert qt_position("🎉 6", 3) == 4 and qt_position("é 6", 2) == 2
    open_request(qtbot, window, json_request("Synthetic", TIMES))
    tab = window.composer.body_tab
    tab.side_by_side.setChecked(True)
    window.composer.show_preview(_result_with_other(window, '"🎉 6"', '"🎉 6.0"'))
    for view, marked in ((tab.body_view, '"'), (tab.other.view, ".")):
        (mark,) = view.extraSelections()
        assert mark.cursor.selectedText() == marked
    assert tab.other.note.text() == "First difference: line 1, column 6."
    job = PreviewJob(json_request("Emoji", '"🎉{{ 1 }}"'), {}, (), compare=True)
    assert render_job(job).first_difference is None  # the engines agree here


def test_render_job_compares_only_when_asked() -> None:
    request = json_request("Plain", '{"a": {{ 1 | plus: 1 }}}')
    plain = render_job(PreviewJob(request, {}, ()))
    compared = render_job(PreviewJob(request, {}, (), compare=True))
    assert plain.other is None and plain.other_title == "" and plain.differences == ()
    assert compared.other is not None and compared.other.liquid_version == "legacy"
    assert compared.rendered.body == plain.rendered.body == '{"a": 2}'
    assert compared.liquid_title == engine("latest").title
    assert compared.filter_names == engine("latest").filter_names()
    assert compared.rendered.diagnostics == render(request, {}, compare=True).diagnostics


# -- with the real engines -------------------------------------------------------------


@two_engines
def test_the_other_versions_output_is_a_warning_that_jumps_to_its_line(
    qtbot: Any, window: Any
) -> None:
    open_request(qtbot, window, json_request("Times", TIMES))
    tab = window.composer.body_tab
    qtbot.waitUntil(lambda: "legacy renders 1 part differently" in tab.version_label.text())
    rows = [d for d in tab.diagnostics.diagnostics() if "in legacy Liquid" in d.message]
    assert len(rows) == 1 and "6.0" in rows[0].message and rows[0].line == 2
    tab.side_by_side.setChecked(True)
    assert "6.0" in tab.other.view.toPlainText() and "6.0" not in tab.body_view.toPlainText()
    assert tab.other.note.text().startswith("First difference: line 2")
    tab.activate_row(tab.diagnostics.diagnostics().index(rows[0]))
    assert tab.editor.cursor_line_column()[0] == 2


@two_engines
def test_switching_to_legacy_previews_legacys_bytes(qtbot: Any, window: Any) -> None:
    open_request(qtbot, window, json_request("Times", TIMES))
    assert "6.0" not in window.composer.body_tab.body_view.toPlainText()
    with qtbot.waitSignal(
        window.previewShown, check_params_cb=lambda r: "6.0" in r.rendered.body, timeout=5000
    ):
        choose(window, "legacy")
    assert "in latest Liquid" in " ".join(
        d.message for d in window.composer.body_tab.diagnostics.diagnostics()
    )


@two_engines
def test_completion_follows_the_version(qtbot: Any, window: Any) -> None:
    open_request(qtbot, window, json_request("Filters", "{}"))
    editor = window.composer.body_tab.editor
    assert set(editor.completions("filter")) == engine("latest").filter_names()
    with qtbot.waitSignal(
        window.previewShown,
        check_params_cb=lambda r: r.rendered.liquid_version == "legacy",
        timeout=5000,
    ):
        choose(window, "legacy")
    assert set(editor.completions("filter")) == engine("legacy").filter_names()


# -- completion ------------------------------------------------------------------------


def test_filter_and_tag_names_are_offered_where_they_are_typed(qtbot: Any, window: Any) -> None:
    open_request(qtbot, window, json_request("Complete", ""))
    editor = window.composer.body_tab.editor
    filters = sorted(engine("latest").filter_names())
    assert editor.completions("filter") == filters
    assert editor.completions("tag") == sorted(engine("latest").tag_names())
    window.composer.show_body()
    editor.setFocus()
    qtbot.keyClicks(editor, "{{ customer.name | upc")
    assert editor.show_completions()
    completer = editor._completer
    assert completer.model().stringList() == filters
    assert completer.currentCompletion() == "upcase"
    editor.set_text("")
    qtbot.keyClicks(editor, "{% ca")
    assert editor.show_completions()
    assert completer.currentCompletion() == "capture"
    editor.set_text("")
    qtbot.keyClicks(editor, "{{ customer.em")
    assert editor.show_completions()
    assert completer.currentCompletion() == "customer.email"
    url = window.composer.request_tab.url
    assert url.completions("filter") == filters


# -- the workspace default ---------------------------------------------------------------


def test_the_workspace_default_is_chosen_in_the_edit_menu(qtbot: Any, window: Any) -> None:
    from ui.dialogs.workspace import WorkspaceDialog

    edit = window.menu("&Edit")
    assert window.workspace_action in edit.actions()
    assert window.workspace_action.toolTip()

    window.workspace_action.trigger()  # the version is read by an op, then the dialog opens
    qtbot.waitUntil(lambda: window.findChild(WorkspaceDialog, "workspaceDialog") is not None)
    dialog = window.findChild(WorkspaceDialog, "workspaceDialog")
    assert dialog.isVisible() and dialog.isModal()
    for control in dialog.findChildren(QWidget):
        if isinstance(control, QAbstractButton | QComboBox):
            assert control.accessibleName() and control.toolTip()
    assert dialog.chosen() == window.db.settings.liquid_version()
    dialog.version.setCurrentIndex(dialog.version.findData("legacy"))
    dialog.accept()  # kept by a write op
    qtbot.waitUntil(lambda: "legacy" in window.statusBar().currentMessage())
    assert window.db.settings.liquid_version() == "legacy"
    before = window.current_name
    window.new_request()
    qtbot.waitUntil(lambda: window.current_name not in (None, before))  # stored, then read
    assert window.composer.liquid_version() == "legacy"
    assert window.db.requests.get(window.current_name).liquid_version == "legacy"
    window.set_default_liquid_version("latest")
    qtbot.waitUntil(lambda: "latest" in window.statusBar().currentMessage())
    before = window.current_name
    window.new_request()
    qtbot.waitUntil(lambda: window.current_name not in (None, before))
    assert window.composer.liquid_version() == "latest"


def test_the_side_by_side_picture_leaves_the_users_switches_alone(
    qtbot: Any, window: Any, tmp_path: Any
) -> None:
    settings = open_settings()
    settings.setValue("preview/side_by_side", False)
    saved = window.save_screenshots(tmp_path / "pictures")
    assert tmp_path / "pictures" / "liquid-versions.png" in saved
    assert window.composer.body_tab.showing_side_by_side
    assert open_settings().value("preview/side_by_side") in (False, "false")
