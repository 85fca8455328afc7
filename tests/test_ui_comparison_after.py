"""The comparison with the other Liquid version made after an edit's preview is drawn.

An edit's preview shows the request's own version first (a result marked ``comparing``)
and the comparison follows for the same text; a comparison of text edited since is never
shown; typing then stopping ends with both views up to date. The window's service is set
to make every edit's comparison after (``stage_after_ms = 0``), as it does on its own for
long renders, so these hold whatever the machine's speed.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import ui_helpers
from PySide6.QtGui import QTextCursor
from ui_helpers import UI_MARKS, open_request

from composer.liquid import engine
from composer.model import Header, Request
from composer.rendering.render import render_both
from ui.editor import preview
from ui.editor.preview import (
    LARGE_BODY,
    PreviewJob,
    PreviewResult,
    PreviewService,
    render_comparison,
    render_job,
    render_own,
)

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain

TIMES = '{\n  "n": {{ 2.0 | times: 3 }}, "who": {{ customer.name | json }}\n}'
"""A body the real engines render differently (latest ``6``, legacy ``6.0``)."""


def json_request(name: str, body: str) -> Request:
    return Request(
        name=name,
        url="https://example.com/hook",
        headers=(Header("Content-Type", "application/json"),),
        body=body,
    )


def _staged_window(qtbot: Any, window: Any, body: str = TIMES) -> Any:
    """The window on a request with ``body``, every edit's comparison made after."""
    open_request(qtbot, window, json_request("Compared", body))
    window.preview.stage_after_ms = 0.0
    window.composer.set_compare(True, False)
    window.wait_for_preview()
    editor = window.composer.body_tab.editor
    window.composer.show_body()
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    return editor


def _expected(window: Any, body: str) -> Any:
    """What the core says comparing ``body`` gives, for the window's person."""
    request = json_request("Compared", body)
    return render_both(request, window.context_bar.context(), secrets={})


# -- in the window ---------------------------------------------------------------------


def test_an_edits_preview_comes_first_and_its_comparison_follows_and_matches(
    qtbot: Any, window: Any
) -> None:
    editor = _staged_window(qtbot, window)
    tab = window.composer.body_tab
    seen: list[tuple[PreviewResult, str]] = []  # each result, and the version line it left
    window.previewShown.connect(lambda r: seen.append((r, tab.version_label.text())))
    editor.insertPlainText(" ")
    qtbot.waitUntil(lambda: bool(seen) and not seen[-1][0].comparing and not window.preview.pending)
    first, first_line = seen[0]
    last, last_line = seen[-1]
    assert first.comparing and first.other is None and first.differences == ()
    assert first_line.startswith("Rendered with latest Liquid") and first_line.endswith(
        "; comparing with legacy…"
    )
    assert first.rendered.body.endswith("} ")  # the edited text, in its own version
    assert last.generation == first.generation and len(seen) == 2
    expected = _expected(window, TIMES + " ")
    assert last.other is not None and last.other.body == expected.other.body
    assert last.differences == expected.differences
    assert last.rendered.body == first.rendered.body == expected.rendered.body
    assert last.other_title == engine("legacy").title
    assert "comparing" not in last_line and "legacy renders" in last_line
    shown = tab.diagnostics.diagnostics()
    assert all(d in shown for d in expected.differences)


def test_the_side_by_side_view_waits_greyed_then_shows_the_new_comparison(
    qtbot: Any, window: Any
) -> None:
    editor = _staged_window(qtbot, window)
    tab = window.composer.body_tab
    tab.side_by_side.setChecked(True)
    other = tab.other
    assert other.view.isEnabled()
    states: list[tuple[bool, bool, str, str, int, int]] = []
    window.previewShown.connect(
        lambda r: states.append(
            (
                r.comparing,
                other.view.isEnabled(),
                other.heading.text(),
                other.note.text(),
                len(other.view.extraSelections()),
                len(tab.body_view.extraSelections()),
            )
        )
    )
    editor.insertPlainText("\n")
    qtbot.waitUntil(lambda: bool(states) and not states[-1][0] and not window.preview.pending)
    waiting, done = states[0], states[-1]
    assert waiting[:4] == (True, False, "<b>Comparing…</b>", "Updating for the newest text…")
    assert waiting[4:] == (0, 0)  # no highlight of a difference in older text
    assert done[1] and done[2] == f"<b>{engine('legacy').title}</b>"
    assert other.view.toPlainText() == _expected(window, TIMES + "\n").other.body
    assert other.view.accessibleName() and other.heading.accessibleName()


def test_typing_quickly_then_stopping_ends_with_both_views_up_to_date(
    qtbot: Any, window: Any
) -> None:
    editor = _staged_window(qtbot, window, '{"who": {{ customer.name | json }}')
    tab = window.composer.body_tab
    tab.side_by_side.setChecked(True)
    results: list[PreviewResult] = []
    window.previewShown.connect(results.append)
    qtbot.keyClicks(editor, ', "n": {{ 2.0 | times: 3 }}}')
    qtbot.waitUntil(
        lambda: bool(results) and not window.preview.pending and not results[-1].comparing
    )
    text = editor.text()
    expected = _expected(window, text)
    final = results[-1]
    assert final.rendered.body == expected.rendered.body
    assert final.other is not None and final.other.body == expected.other.body
    assert final.differences == expected.differences
    assert tab.body_view.toPlainText() == expected.rendered.body
    assert tab.other.view.toPlainText() == expected.other.body and tab.other.view.isEnabled()
    assert "comparing" not in tab.version_label.text()
    # in the order shown, generations never go back: no comparison follows newer text
    generations = [r.generation for r in results]
    assert generations == sorted(generations)


def test_a_deliberate_switch_is_drawn_whole_in_one_step(qtbot: Any, window: Any) -> None:
    _staged_window(qtbot, window)
    with qtbot.waitSignal(window.previewShown, timeout=5000) as shown:
        window.refresh_preview()
    assert not shown.args[0].comparing and shown.args[0].other is not None


# -- the service -----------------------------------------------------------------------


@pytest.fixture
def service() -> Any:
    made = PreviewService()
    made.stage_after_ms = 0.0
    yield made
    made.close()


def _job(body: str) -> PreviewJob:
    return PreviewJob(json_request("r", body), {"customer": {"name": "Ana"}}, (), compare=True)


def test_a_comparison_not_yet_started_is_dropped_for_newer_text(qtbot: Any, service: Any) -> None:
    shown: list[PreviewResult] = []

    def arrived(result: PreviewResult) -> None:
        shown.append(result)
        if result.rendered.body == '{"v": 1}':  # newer text, before its comparison starts
            service.schedule(lambda: _job('{"v": {{ 2 }}}'))

    service.ready.connect(arrived)
    service.schedule(lambda: _job('{"v": {{ 1 }}}'))
    qtbot.waitUntil(lambda: not service.pending and bool(shown) and not shown[-1].comparing)
    assert [(r.rendered.body, r.comparing) for r in shown] == [
        ('{"v": 1}', True),
        ('{"v": 2}', True),
        ('{"v": 2}', False),
    ]
    assert shown[-1].other is not None and shown[-1].other.body == '{"v": 2}'


def test_a_comparison_in_flight_for_old_text_is_never_shown(
    qtbot: Any, service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preview, "MAX_WAIT_MS", 0)  # every render drawn, superseded or not
    slow = "{% for i in (1..3000) %}{{ i | plus: 1 }}{% endfor %}"
    shown: list[PreviewResult] = []
    service.ready.connect(shown.append)
    sent: list[int] = []

    def comparing(asked: tuple[PreviewJob, PreviewResult]) -> None:
        sent.append(asked[0].generation)
        if len(sent) == 1:  # the old text's comparison is on its way: the text changes
            service.schedule(lambda: _job('{"v": "new"}'))

    service.submitComparison.connect(comparing)
    service.schedule(lambda: _job(slow))
    qtbot.waitUntil(
        lambda: not service.pending and bool(shown) and not shown[-1].comparing, timeout=10_000
    )
    assert len(sent) == 2 and service.dropped >= 1
    assert all(r.other is None for r in shown if r.generation == sent[0])
    assert [r.rendered.body for r in shown if r.other is not None] == ['{"v": "new"}']


def test_a_render_superseded_by_newer_text_is_not_drawn(
    qtbot: Any, service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preview, "MAX_WAIT_MS", 600_000)  # a preview was drawn "just now"
    shown: list[PreviewResult] = []
    service.ready.connect(shown.append)
    service.stage_after_ms = math.inf  # whole renders: one result each
    service.render_now(lambda: _job('{"v": "opened"}'))
    qtbot.waitUntil(lambda: not service.pending and bool(shown))
    shown.clear()
    service.schedule(lambda: _job('{"v": "first"}'))
    service.schedule(lambda: _job('{"v": "second"}'))  # typed while the first renders
    qtbot.waitUntil(lambda: not service.pending and bool(shown))
    assert [r.rendered.body for r in shown] == ['{"v": "second"}']
    assert service.dropped == 1


def test_long_renders_and_large_bodies_make_the_comparison_after(qtbot: Any) -> None:
    service = PreviewService()
    try:
        shown: list[PreviewResult] = []
        service.ready.connect(shown.append)
        service.schedule(lambda: _job('{"v": 1}'), 10)
        qtbot.waitUntil(lambda: not service.pending and len(shown) == 2)
        assert [r.comparing for r in shown] == [True, False]  # the first: see below
        shown.clear()
        service.schedule(lambda: _job('{"v": 2}'), 10)
        qtbot.waitUntil(lambda: not service.pending and bool(shown))
        assert service.stage_after_ms > 0
        if shown[0].own_ms < service.stage_after_ms:  # recipe-sized: drawn whole
            assert [r.comparing for r in shown] == [False]
        shown.clear()
        body = '{"v": "' + "x" * LARGE_BODY + '"}'
        service.schedule(lambda: _job(body), len(body))
        qtbot.waitUntil(lambda: not service.pending and len(shown) == 2, timeout=10_000)
        assert [r.comparing for r in shown] == [True, False]
    finally:
        service.close()


def test_the_first_preview_is_drawn_before_the_other_version_is_rendered(qtbot: Any) -> None:
    """A fresh service's first render (the window's first preview, asked for at once) also
    builds its version's engine: it is drawn on its own, and the comparison (which builds
    the other version's engine) follows; the next switch is drawn whole again."""
    service = PreviewService()
    try:
        shown: list[PreviewResult] = []
        service.ready.connect(shown.append)
        service.render_now(lambda: _job('{"v": 1}'))
        qtbot.waitUntil(lambda: not service.pending and len(shown) == 2)
        assert [(r.comparing, r.other is None) for r in shown] == [(True, True), (False, False)]
        shown.clear()
        service.render_now(lambda: _job('{"v": 2}'))
        qtbot.waitUntil(lambda: not service.pending and bool(shown))
        assert [r.comparing for r in shown] == [False]
    finally:
        service.close()


# -- the worker's steps ----------------------------------------------------------------


def test_the_two_steps_make_what_one_step_makes() -> None:
    job = _job(TIMES)
    whole = render_job(job)
    first = render_own(job)
    assert first.comparing and first.other is None and first.differences == ()
    assert first.filter_names == engine("latest").filter_names() and first.own_ms > 0
    done = render_comparison(job, first)
    assert not done.comparing and not whole.comparing
    assert done.rendered == whole.rendered and done.other == whole.other
    assert done.differences == whole.differences and done.body_view == whole.body_view
    assert done.other_body_view == whole.other_body_view
    assert done.first_difference == whole.first_difference
    plain = render_own(PreviewJob(job.request, job.context, ()))
    assert not plain.comparing and plain.other is None
