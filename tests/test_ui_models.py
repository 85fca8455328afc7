"""The window's item models and helpers, tested without a window."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocument

from composer.errors import KnownError
from composer.model import Person, Request
from composer.rendering.diagnostics import Diagnostic
from composer.store.database import Database
from ui.editor.context_bar import PAGE, PeopleComboModel, variable_paths
from ui.editor.diagnostics_model import DIAGNOSTIC_ROLE, DiagnosticsModel, describe_where
from ui.editor.highlighter import LiquidHighlighter, syntax_for
from ui.editor.pair_model import PairTableModel
from ui.editor.preview import PreviewJob, elide, render_job
from ui.window.request_list import RequestListModel
from ui.window.requests_controller import RequestsController, free_name

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")


def test_pair_model_edits_and_skips_unnamed_rows(qtmodeltester: Any) -> None:
    model = PairTableModel(("Name", "Value"), ("Preview",))
    model.set_pairs([("Content-Type", "application/json")])
    edits: list[int] = []
    model.edited.connect(lambda: edits.append(1))
    row = model.add()
    assert model.pairs() == [("Content-Type", "application/json")]
    assert model.setData(model.index(row, 0), "X-Trace")
    assert model.setData(model.index(row, 1), "{{ customer.id }}")
    assert not model.setData(model.index(row, 2), "read only")
    assert model.pairs()[-1] == ("X-Trace", "{{ customer.id }}")
    assert model.find("x-trace") == 1
    blank = model.add()
    model.add("Last", "x")
    assert model.row_of_pair(2) == blank + 1 and model.row_of_pair(3) == -1
    model.remove(blank + 1)
    model.remove(blank)
    assert model.move(1, -1) == 0
    model.set_extra([("a",), ("b",)], [False, True])
    assert model.index(1, 2).data(Qt.ItemDataRole.ForegroundRole) is not None
    model.remove(0)
    assert len(edits) == 9
    qtmodeltester.check(model)


def test_diagnostics_model_lists_errors_first() -> None:
    model = DiagnosticsModel()
    warning = Diagnostic("warning", "url", 1, 1, "w")
    error = Diagnostic("error", "body", 3, 7, "e")
    model.set_diagnostics((warning, error))
    assert model.rowCount() == 2
    assert model.index(0, 0).data(DIAGNOSTIC_ROLE) == error
    assert model.index(0, 0).data() == "error: body, line 3, column 7: e"


@pytest.mark.parametrize(
    ("where", "shown"),
    [
        ("url", "URL"),
        ("body", "body"),
        ("headers[0]", "header 1"),
        ("response_mappings[2]", "mapping 3"),
    ],
)
def test_describe_where(where: str, shown: str) -> None:
    assert describe_where(where) == shown


def test_people_combo_model_reads_a_page_at_a_time(
    qtbot: Any, qtmodeltester: Any, tmp_path: Any
) -> None:
    with Database(tmp_path / "w.sqlite3") as db:
        with db.transaction():
            for i in range(450):
                db.people.create(Person(str(i), f"p{i}@example.com", {"name": f"P {i}"}))
        model = PeopleComboModel(db.path)
        assert model.rowCount() == 0 and not model.canFetchMore()
        model.set_start(db.people.count(), db.people.list(PAGE, 0))  # what the start op reads
        assert model.rowCount() == PAGE and model.canFetchMore()
        inserted: list[int] = []
        model.rowsInserted.connect(lambda _p, first, last: inserted.append(last - first + 1))
        model.fetchMore(QModelIndex())
        model.fetchMore(QModelIndex())  # one page in flight: the second asks for nothing
        assert model.asking and model.rowCount() == PAGE  # the rows come with the answer
        qtbot.waitUntil(lambda: not model.asking)
        assert inserted == [PAGE] and model.rowCount() == 2 * PAGE
        assert model.row_of("420") == -1  # not read yet: nothing is read to find it
        assert model.pin(db.people.get("420")) == 0
        assert model.index(0, 0).data() == "420 — P 420" and model.index(1, 0).data() == "0 — P 0"
        model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not model.asking)
        assert not model.canFetchMore()
        ids = [model.person(row).id for row in range(model.rowCount())]
        assert len(ids) == 450 and ids.count("420") == 1  # the pinned person is listed once
        model.set_start(3, db.people.list(3, 0))  # reading again forgets the pin
        assert model.pinned is None and model.rowCount() == 3 and not model.canFetchMore()
        qtmodeltester.check(model)


def test_request_list_model() -> None:
    model = RequestListModel()
    model.set_names(["a", "B", "c"])
    assert model.rowCount() == 3 and model.row_of("B") == 1 and model.row_of("x") == -1
    assert model.index(2, 0).data() == "c"
    assert model.rowCount(model.index(0, 0)) == 0 and not QModelIndex().isValid()


@pytest.mark.parametrize(
    ("wanted", "taken", "name"),
    [("New request", set(), "New request"), ("X", {"X"}, "X 2"), ("X", {"X", "X 2"}, "X 3")],
)
def test_free_name(wanted: str, taken: set[str], name: str) -> None:
    assert free_name(wanted, taken) == name


def test_controller_delete_and_undo(qtbot: Any, tmp_path: Any) -> None:
    with Database(tmp_path / "w.sqlite3") as db:
        controller = RequestsController(db)
        with qtbot.waitSignal(controller.opened) as opened:
            name = controller.new()
        assert opened.args == [name]
        request = db.requests.get(name)  # as stored (the controller reads through ops)
        with qtbot.waitSignal(controller.closed):
            controller.delete(request)
        assert controller.names() == []
        with qtbot.waitSignal(controller.opened):
            controller.undo()
        assert controller.names() == [name]
        assert controller.recipes()
        with qtbot.waitSignal(controller.opened):
            controller.new_from_recipe(controller.recipes()[0][0])
        assert len(controller.names()) == 2
        with qtbot.waitSignal(controller.loaded) as loaded:
            controller.load(name, 7)
        assert loaded.args[0] == name
        assert (loaded.args[1].request, loaded.args[1].sample, loaded.args[1].ticket) == (
            request,
            "",
            7,
        )


def test_controller_refusals_are_told_at_once_or_by_a_signal(qtbot: Any, tmp_path: Any) -> None:
    with Database(tmp_path / "w.sqlite3") as db:
        controller = RequestsController(db)
        with qtbot.waitSignal(controller.opened):
            name = controller.new()
        with pytest.raises(KnownError, match="already exists"):  # told before any write
            controller.rename("Another", name)
        db.requests.delete(name)  # gone meanwhile (another program): only the write sees it
        with qtbot.waitSignal(controller.refused) as refused:
            controller.duplicate(name)
        assert refused.args == [f'There is no request named "{name}" in the workspace.']
        qtbot.waitUntil(lambda: controller.names() == [])  # read again after the refusal


def test_variable_paths_offer_nested_attributes_and_secrets() -> None:
    context = {"customer": {"id": "1", "address": {"city": "Berlin"}}, "event_name": "signup"}
    words = variable_paths(context, ["api_key"])
    assert {"customer.id", "customer.address.city", "event_name", "secrets.api_key"} <= set(words)


@pytest.mark.parametrize(
    ("content_type", "syntax"),
    [
        ("application/json", "json"),
        ("application/vnd.api+json; charset=utf-8", "json"),
        ("text/xml", "xml"),
        ("application/x-www-form-urlencoded", "form"),
        ("text/plain", "text"),
    ],
)
def test_syntax_for(content_type: str, syntax: str) -> None:
    assert syntax_for(content_type) == syntax


def test_highlighter_carries_open_liquid_regions_across_lines() -> None:
    document = QTextDocument()
    highlighter = LiquidHighlighter(document, "json")
    document.setPlainText('{"a": {{ customer\n | json }},\n{% comment %}\nx\n{% endcomment %}"b"')
    highlighter.rehighlight()
    states = [document.findBlockByNumber(i).userState() for i in range(document.blockCount())]
    assert states == [0, -1, 2, 2, -1]
    assert highlighter.syntax == "json"


def test_preview_render_job_masks_secrets_and_previews_mappings() -> None:
    from composer.model import Header, ResponseMapping

    request = Request(
        name="r",
        url="https://example.com/",
        headers=(Header("Authorization", "Bearer {{ secrets.key }}"),),
        body='{"pretty":1}',
        response_mappings=(ResponseMapping("n", "{{ response.n }}"),),
    )
    job = PreviewJob(request, {"customer": {"id": "1"}}, ("key",), '{"n": 3}', pretty=True)
    result = render_job(job)
    assert ("Authorization", "Bearer ••••••") in result.rendered.headers
    assert result.body_view == '{\n  "pretty": 1\n}'
    assert result.rendered.body == '{"pretty":1}'
    assert result.mappings[0].value == 3


def test_elide_says_how_much_is_hidden() -> None:
    assert elide("abc", 5) == "abc"
    assert elide("abcdefgh", 5).startswith("abcde\n\n… 3 more characters")


def test_the_preview_service_drops_stale_renders(qtbot: Any) -> None:
    from ui.editor.preview import PreviewService

    service = PreviewService()
    try:
        slow = Request(name="slow", url="https://example.com/", body="{{ 'x' }}" * 20000)
        fast = Request(name="fast", url="https://example.com/", body='{"n": 1}')
        shown: list[Any] = []
        service.ready.connect(shown.append)
        service.render_now(lambda: PreviewJob(slow, {}, ()))
        service.render_now(lambda: PreviewJob(fast, {}, ()))
        qtbot.waitUntil(lambda: bool(shown))
        qtbot.waitUntil(lambda: not service.pending and service.dropped == 1)
        assert [r.rendered.body for r in shown] == ['{"n": 1}']
        assert shown[0].generation == service.generation
    finally:
        service.close()


def test_typing_without_a_pause_still_renders(qtbot: Any) -> None:
    from ui.editor.preview import MAX_WAIT_MS, PreviewService

    service = PreviewService()
    try:
        shown: list[Any] = []
        service.ready.connect(shown.append)
        request = Request(name="r", url="https://example.com/", body="{}")
        keys = Repeater(
            qtbot, 20, lambda: service.schedule(lambda: PreviewJob(request, {}, ()), 10**6)
        )
        qtbot.waitUntil(lambda: bool(shown), timeout=MAX_WAIT_MS * 10)
        assert keys.ticks > 3 and keys.active
        keys.stop()
    finally:
        service.close()


class Repeater:
    """Calls ``action`` every ``ms`` milliseconds until stopped."""

    def __init__(self, qtbot: Any, ms: int, action: Any) -> None:
        from PySide6.QtCore import QTimer

        self.ticks = 0
        self.timer = QTimer()
        self.timer.setInterval(ms)
        self.timer.timeout.connect(self._tick)
        self._action = action
        self.timer.start()

    def _tick(self) -> None:
        self.ticks += 1
        self._action()

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def stop(self) -> None:
        self.timer.stop()


@pytest.mark.parametrize(
    ("kind", "value", "header"),
    [
        ("Bearer", "tok", "Bearer {{ secrets.api }}"),
        ("Basic", "dXNlcjpwdw==", "Basic {{ secrets.api }}"),
    ],
)
def test_auth_header_values(kind: str, value: str, header: str) -> None:
    from ui.editor.auth_dialog import AuthChoice, basic_credentials, header_value

    assert header_value(AuthChoice(kind, "api", value)) == header
    assert basic_credentials("user", "pw") == "dXNlcjpwdw=="


def test_the_auth_dialog_builds_a_basic_choice(qtbot: Any) -> None:
    from ui.editor.auth_dialog import AuthDialog

    dialog = AuthDialog(problem="No keychain was found")
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentText("Basic")
    dialog.secret_name.setText(" zendesk ")
    dialog.user.setText("me@example.com/token")
    dialog.password.setText("s3cret")
    choice = dialog.choice()
    assert (choice.kind, choice.secret_name) == ("Basic", "zendesk")
    import base64

    assert base64.b64decode(choice.value) == b"me@example.com/token:s3cret"


def test_the_highlighter_follows_a_dark_palette(qapp: Any) -> None:
    from PySide6.QtGui import QColor, QPalette

    from ui.editor.highlighter import dark_palette

    before = qapp.palette()
    try:
        dark = QPalette(before)
        dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
        qapp.setPalette(dark)
        assert dark_palette()
        highlighter = LiquidHighlighter(QTextDocument(), "json")
        assert highlighter.formats["str"].foreground().color().lightness() > 128
    finally:
        qapp.setPalette(before)
    assert not dark_palette()
