"""Response mappings say what the response lacks, and warn before writing an empty value."""

from __future__ import annotations

from typing import Any

import pytest
import ui_helpers
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS, open_request

from composer.delivery.mapping import EMPTY_VALUE, explain, missing_in_response, render_mapping
from composer.liquid import DEFAULT_VERSION
from composer.model import Request, ResponseMapping
from ui.editor.tabs import RESPONSE

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain

RESPONSE_BODY = {"data": {"items": [], "name": None}, "count": 2}


@pytest.mark.parametrize(
    ("path", "response", "message"),
    [
        ("response.id", RESPONSE_BODY, "the response has no field `id`"),
        ("response.data.id", RESPONSE_BODY, "`response.data` has no field `id`"),
        ("response.data.items[0]", RESPONSE_BODY,
         "`response.data.items` has 0 items, so there is no item [0]"),
        ("response.count.id", RESPONSE_BODY,
         "`response.count` is a number, not an object, so it has no field `id`"),
        ("response.data.name.first", RESPONSE_BODY,
         "`response.data.name` is null, not an object, so it has no field `first`"),
        ("response.id", "plain text", "the response is text, not JSON, so it has no field `id`"),
        ('response["x y"]', {}, "the response has no field `x y`"),
        ("response.data.name", RESPONSE_BODY, "`response.data.name` is null in the response"),
    ],
)  # fmt: skip
def test_what_is_missing_where(path: str, response: Any, message: str) -> None:
    assert missing_in_response(path, response) == message


def test_a_missing_field_is_said_about_the_response_and_its_empty_value() -> None:
    globals_ = {"response": RESPONSE_BODY, "customer": {"id": "1"}}
    text, diagnostics = render_mapping(0, "{{ response.id }}", globals_, DEFAULT_VERSION)
    assert text == ""
    assert [d.message for d in diagnostics] == [
        "the response has no field `id`, so this mapping would write an empty value"
    ]
    assert diagnostics[0].where == "response_mappings[0]"
    assert explain(diagnostics, text, RESPONSE_BODY, "response_mappings[0]") == diagnostics


def test_an_empty_value_is_warned_about_once() -> None:
    globals_ = {"response": RESPONSE_BODY}
    template = "{{ response.count | minus: 2 | remove: '0' }}"
    text, diagnostics = render_mapping(2, template, globals_, DEFAULT_VERSION)
    assert text == ""
    assert [(d.severity, d.where, d.message) for d in diagnostics] == [
        ("warning", "response_mappings[2]", EMPTY_VALUE)
    ]
    assert explain(diagnostics, text, RESPONSE_BODY, "response_mappings[2]") == diagnostics
    fine = render_mapping(0, "{{ response.count }}", globals_, DEFAULT_VERSION)
    assert fine == ("2", ())


def test_the_response_tab_says_what_is_missing_where(qtbot: QtBot, window: Any) -> None:
    request = Request(
        name="Mapped",
        url="https://api.example.com/x",
        response_mappings=(
            ResponseMapping("card_id", "{{ response.id }}"),
            ResponseMapping("count", "{{ response.count }}"),
            ResponseMapping("blank", "{{ response.data.name }}"),
        ),
    )
    open_request(qtbot, window, request)
    window.composer.set_sample_response('{"data": {"name": null}, "count": 2}')
    tabs = window.composer
    qtbot.waitUntil(lambda: "no field `id`" in tabs.response_tab.preview_row(0)[1], timeout=10_000)
    _shown, problem = tabs.response_tab.preview_row(0)
    assert "the response has no field `id`, so this mapping would write an empty value" in problem
    assert "not set for this person" not in problem
    assert tabs.response_tab.preview_row(1) == ("2  (int)", "")
    assert EMPTY_VALUE in tabs.response_tab.preview_row(2)[1]
    listed = [d.message for d in tabs.body_tab.diagnostics.diagnostics()]
    assert any("the response has no field `id`" in m for m in listed)
    assert tabs.tabText(RESPONSE) == "Res&ponse"  # warnings, not errors
