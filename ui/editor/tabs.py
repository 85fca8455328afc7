"""The composer: the Request, Headers, Body and Response tabs over one request.

:class:`ComposerTabs` is the one editor the window talks to: :meth:`load` shows a request,
:meth:`to_model` returns it as edited, :meth:`show_preview` hands a preview to the tabs
that show it, and :meth:`jump_to` takes a diagnostic to its editor, line and column. The
window never reaches into the tabs.

The request's Liquid version is switched in the tab bar's corner
(:class:`~ui.editor.liquid_switch.LiquidVersionSwitch`), visible whichever tab is forward. A
switch is a step on :attr:`ComposerTabs.undo_stack` (cleared when another request is
loaded), so the window's Ctrl+Z switches back while no text field has the focus (a text
field's Ctrl+Z undoes its own typing, as before). Adding, removing, moving or editing a
header or a response mapping is a step on the same stack (:mod:`ui.editor.pair_model`), so
Ctrl+Z in the tables takes back a removed row. Each preview brings the filter and tag
names of the version it rendered with, which the editors then offer for completion.

Each tab's title counts the errors that belong to it (the URL's on Request, a header's on
Headers, the body's on Body, a response mapping's on Response), and a header with a
problem has its row tinted. A diagnostic about a missing secret ("the secret 'x' is not
set"), when activated, opens the Secrets dialog on that name, listing the request's other
secrets after it; the store is :attr:`ComposerTabs.secret_source` (else the window's
``secret_store``), and a change there is announced with ``secretsChanged``.

Loading a request whose URL is sent to the local inbox's remembered port starts the inbox
again (:func:`ui.pages.inbox.follow_request`, once the event loop runs, so the window's
pages are all added by then). Where no inbox ever ran (no port is remembered) the inbox's
code is not loaded at all: some 14 ms less of start-up.

A response mapping's diagnostics come from the preview, said about the sample response
(:func:`composer.delivery.mapping.render_mapping`: "the response has no field `id`"; a
mapping that would write an empty value is warned about).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QTabWidget, QWidget

from composer.liquid import DEFAULT_VERSION, LiquidVersion, other_version, version_named
from composer.model import Request
from composer.rendering.diagnostics import Diagnostic
from composer.secrets import missing_secret_name, secrets_used
from composer.wording import counted
from ui.editor.body_tab import BodyTab
from ui.editor.headers_tab import HeadersTab
from ui.editor.highlighter import syntax_for
from ui.editor.liquid_switch import LiquidVersionSwitch, SwitchVersionCommand
from ui.editor.preview import PreviewResult
from ui.editor.request_tab import RequestTab
from ui.editor.response_tab import ResponseTab
from ui.ops.engine import SecretsSource, resolve_store
from ui.pages.inbox_settings import remembered_port

__all__ = ["ComposerTabs", "tab_of"]


REQUEST, HEADERS, BODY, RESPONSE = range(4)
_TITLES = {REQUEST: "&Request", HEADERS: "&Headers", BODY: "&Body", RESPONSE: "Res&ponse"}


def tab_of(where: str) -> int:
    """The tab a diagnostic's ``where`` belongs to (the URL on Request, and so on)."""
    if where == "url":
        return REQUEST
    if where.startswith("headers["):
        return HEADERS
    if where.startswith("response_mappings["):
        return RESPONSE
    return BODY


class ComposerTabs(QTabWidget):
    """Edits one request.

    Signals:
        edited(): the request changed (not emitted by :meth:`load`).
        versionChanged(str): the Liquid version was switched, by the user or an undo (an
            edit too, though ``edited`` is not emitted for it; not emitted by :meth:`load`).
        sampleEdited(): the sample response changed.
        prettyToggled(bool): the body preview's pretty-JSON view was switched.
        compareToggled(bool): the comparison with the other Liquid version was switched.
        sideBySideToggled(bool): the side-by-side view of both renderings was switched.
        authRequested(): the Headers tab's auth helper was asked for.
        lastResponseRequested(): the Response tab wants the last real response.
        secretRequested(str): a missing secret's diagnostic was activated (its name).
        secretsChanged(): a secret was stored or deleted in the dialog opened from here.
    """

    edited = Signal()
    versionChanged = Signal(str)
    sampleEdited = Signal()
    prettyToggled = Signal(bool)
    compareToggled = Signal(bool)
    sideBySideToggled = Signal(bool)
    authRequested = Signal()
    lastResponseRequested = Signal()
    secretRequested = Signal(str)
    secretsChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Composer tabs")
        self.tabBar().setAccessibleName("Composer tab bar")
        self.request_tab = RequestTab()
        self.headers_tab = HeadersTab()
        self.body_tab = BodyTab()
        self.response_tab = ResponseTab()
        for tab in (self.request_tab, self.headers_tab, self.body_tab, self.response_tab):
            self.addTab(tab, _TITLES[self.count()])
        self.setCurrentIndex(BODY)  # the live preview is what a newcomer wants to see first
        self.liquid = LiquidVersionSwitch()
        self.setCornerWidget(self.liquid, Qt.Corner.TopRightCorner)
        self.undo_stack = QUndoStack(self)
        """Undo for switches of the Liquid version and for every change to the header and
        mapping tables (text fields keep their own undo)."""
        self.headers_tab.model.undo_stack = self.undo_stack
        self.response_tab.model.undo_stack = self.undo_stack
        self._base: Request | None = None
        self._loading = False
        self._liquid_names: tuple[frozenset[str], frozenset[str]] | None = None
        self.secret_source: SecretsSource = None
        """Where the Secrets dialog opened from a diagnostic stores values."""
        self.secrets_dialog: QDialog | None = None
        self.liquid.switched.connect(self._switched)
        for tab in (self.request_tab, self.headers_tab, self.body_tab):
            tab.edited.connect(self._edited)
        self.response_tab.model.edited.connect(self._edited)
        self.response_tab.sample.textChanged.connect(self._sample_edited)
        self.headers_tab.edited.connect(self._update_syntax)
        self.body_tab.prettyToggled.connect(self.prettyToggled)
        self.body_tab.compareToggled.connect(self.compareToggled)
        self.body_tab.sideBySideToggled.connect(self.sideBySideToggled)
        self.body_tab.diagnosticActivated.connect(self.jump_to)
        self.headers_tab.authRequested.connect(self.authRequested)
        self.response_tab.lastResponseRequested.connect(self.lastResponseRequested)

    # -- the model -----------------------------------------------------------------

    def load(self, request: Request, sample_response: str = "") -> None:
        """Show ``request`` (and its sample response) in every tab."""
        self._loading = True
        try:
            self._base = request
            self.request_tab.load(request)
            self.headers_tab.load(request)
            self.body_tab.load(request)
            self.response_tab.load(request)
            self.response_tab.set_sample(sample_response)
            self._show_version(request.liquid_version or DEFAULT_VERSION)
            self.undo_stack.clear()  # a switch of another request is not undone here
            self._update_syntax()
        finally:
            self._loading = False
        url = request.url
        if remembered_port():  # else no inbox ever ran: nothing to start
            QTimer.singleShot(0, self, lambda: self._follow_inbox(url))

    def _follow_inbox(self, url: str) -> None:
        from ui.pages.inbox import follow_request  # the Inbox page's code: only when it may run

        follow_request(self.window(), url)

    def to_model(self) -> Request | None:
        """The request as edited (None before the first :meth:`load`)."""
        if self._base is None:
            return None
        request = self.request_tab.to_model(self._base)
        request = replace(request, liquid_version=self.liquid.version())
        request = self.headers_tab.to_model(request)
        request = self.body_tab.to_model(request)
        return self.response_tab.to_model(request)

    def rename(self, name: str) -> None:
        """The loaded request now has this name (its content is unchanged)."""
        if self._base is not None:
            self._base = replace(self._base, name=name)

    def set_header(self, name: str, value: str) -> None:
        """Set a header (replacing the last one of that name) as if the user typed it."""
        self.headers_tab.set_header(name, value)

    def sample_response(self) -> str | None:
        """The sample response text, or None when empty."""
        return self.response_tab.sample_text()

    def set_sample_response(self, text: str, note: str | None = None) -> None:
        """Use ``text`` as the sample response."""
        self.response_tab.set_sample(text, note)

    def body_size(self) -> int:
        """The body template's length in characters (cheap: no copy of the text)."""
        return self.body_tab.editor.text_length()

    @property
    def pretty(self) -> bool:
        """Whether the body preview pretty-prints JSON."""
        return self.body_tab.pretty.isChecked()

    @property
    def compare(self) -> bool:
        """Whether the preview compares with the other Liquid version."""
        return self.body_tab.compare.isChecked()

    def set_compare(self, on: bool, side_by_side: bool) -> None:
        """Set the comparison and the side-by-side view (restoring the window's settings)."""
        self.body_tab.compare.setChecked(on)
        self.body_tab.side_by_side.setChecked(side_by_side)

    def liquid_version(self) -> LiquidVersion:
        """The open request's Liquid version as shown."""
        return self.liquid.version()

    def switch_liquid(self, version: LiquidVersion) -> None:
        """Switch the Liquid version as if the user chose it (an undoable edit)."""
        if version != self.liquid.version():
            self._switched(self.liquid.version(), version)

    # -- showing -------------------------------------------------------------------

    def show_preview(self, result: PreviewResult) -> None:
        """Show a preview in the Body and Response tabs."""
        self.body_tab.show_preview(result)
        self.response_tab.show_preview(result)
        names = (result.filter_names, result.tag_names)
        if names[0] and names != self._liquid_names:
            self._liquid_names = names
            for editor in (self.body_tab.editor, self.request_tab.url):
                editor.set_liquid_names(*names)
        diagnostics = result.diagnostics
        counts = dict.fromkeys(_TITLES, 0)
        for diagnostic in diagnostics:
            if diagnostic.severity == "error":
                counts[tab_of(diagnostic.where)] += 1
        for tab, title in _TITLES.items():
            errors = counts[tab]
            text = f"{title} ({counted(errors, 'error')})" if errors else title
            if self.tabText(tab) != text:  # the tab bar lays out and repaints on every set
                self.setTabText(tab, text)
        self.headers_tab.show_problems(diagnostics)

    def set_completions(self, words: Iterable[str]) -> None:
        """Variable paths offered by the editors' completion."""
        words = list(words)
        self.body_tab.editor.set_completions(words)
        self.request_tab.url.set_completions(words)

    def jump_to(self, diagnostic: Diagnostic) -> None:
        """Show the editor the diagnostic is about, at its line and column.

        A missing secret's diagnostic opens the Secrets dialog on that secret instead.
        """
        secret = missing_secret_name(diagnostic.message)
        if secret is not None:
            self.secretRequested.emit(secret)
            self.open_secrets(secret)
            return
        where = diagnostic.where
        if where == "url":
            self.setCurrentIndex(REQUEST)
            self.request_tab.url.jump_to(diagnostic.line, diagnostic.column)
        elif where.startswith("headers["):
            self.setCurrentIndex(HEADERS)
            self.headers_tab.select_row(int(where[8:-1]))
        elif where.startswith("response_mappings["):
            self.setCurrentIndex(RESPONSE)
            self.response_tab.select_row(int(where[18:-1]))
        else:
            self.setCurrentIndex(BODY)
            self.body_tab.editor.jump_to(diagnostic.line, diagnostic.column)

    def open_secrets(self, name: str | None = None) -> QDialog | None:
        """Open the Secrets dialog on the request's secrets (on ``name``); None without a store."""
        from ui.dialogs.secrets import SecretsDialog

        window = self.window()
        source = self.secret_source
        if source is None:
            source = getattr(window, "secret_store", None)
        store = resolve_store(source)
        request = self.to_model()
        if store is None or request is None:
            return None
        dialog = SecretsDialog(
            store, secrets_used(request), window, focus=name, needed_by=request.name
        )
        dialog.secretsChanged.connect(self.secretsChanged)
        refresh = getattr(window, "refresh_secrets", None)
        if callable(refresh) and self.secret_source is None:
            dialog.secretsChanged.connect(refresh)
        dialog.finished.connect(dialog.deleteLater)
        self.secrets_dialog = dialog
        dialog.open()
        return dialog

    def show_body(self) -> None:
        """Bring the Body tab forward."""
        self.setCurrentIndex(BODY)

    def show_response(self) -> None:
        """Bring the Response tab forward."""
        self.setCurrentIndex(RESPONSE)

    # -- internals -----------------------------------------------------------------

    def _edited(self) -> None:
        if not self._loading:
            self.edited.emit()

    def _switched(self, old: str, new: str) -> None:
        before, after = version_named(old), version_named(new)
        if self._loading or self._base is None:
            self.liquid.set_version(before)
            return
        self.undo_stack.push(SwitchVersionCommand(before, after, self._apply_version))

    def _apply_version(self, version: LiquidVersion) -> None:
        self._show_version(version)
        self.versionChanged.emit(version)

    def _show_version(self, version: LiquidVersion) -> None:
        self.liquid.set_version(version)
        self.body_tab.set_other_version(other_version(version))

    def _sample_edited(self) -> None:
        if not self._loading:
            self.sampleEdited.emit()

    def _update_syntax(self) -> None:
        content_type = ""
        for name, value in self.headers_tab.model.pairs():
            if name.strip().lower() == "content-type":
                content_type = value
        self.body_tab.editor.set_syntax(syntax_for(content_type))
