"""The composer: the Request, Headers, Body and Response tabs over one request.

:class:`ComposerTabs` is the one editor the window talks to: :meth:`load` shows a request,
:meth:`to_model` returns it as edited, :meth:`show_preview` hands a preview to the tabs
that show it, and :meth:`jump_to` takes a diagnostic to its editor, line and column. The
window never reaches into the tabs.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from composer.diagnostics import Diagnostic
from composer.model import Request
from ui.body_tab import BodyTab
from ui.headers_tab import HeadersTab
from ui.highlighter import syntax_for
from ui.preview import PreviewResult
from ui.request_tab import RequestTab
from ui.response_tab import ResponseTab

__all__ = ["ComposerTabs"]

REQUEST, HEADERS, BODY, RESPONSE = range(4)


class ComposerTabs(QTabWidget):
    """Edits one request.

    Signals:
        edited(): the request changed (not emitted by :meth:`load`).
        sampleEdited(): the sample response changed.
        prettyToggled(bool): the body preview's pretty-JSON view was switched.
        authRequested(): the Headers tab's auth helper was asked for.
        lastResponseRequested(): the Response tab wants the last real response.
    """

    edited = Signal()
    sampleEdited = Signal()
    prettyToggled = Signal(bool)
    authRequested = Signal()
    lastResponseRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Composer tabs")
        self.request_tab = RequestTab()
        self.headers_tab = HeadersTab()
        self.body_tab = BodyTab()
        self.response_tab = ResponseTab()
        self.addTab(self.request_tab, "&Request")
        self.addTab(self.headers_tab, "&Headers")
        self.addTab(self.body_tab, "&Body")
        self.addTab(self.response_tab, "Res&ponse")
        self.setCurrentIndex(BODY)  # the live preview is what a newcomer wants to see first
        self._base: Request | None = None
        self._loading = False
        for tab in (self.request_tab, self.headers_tab, self.body_tab):
            tab.edited.connect(self._edited)
        self.response_tab.model.edited.connect(self._edited)
        self.response_tab.sample.textChanged.connect(self._sample_edited)
        self.headers_tab.edited.connect(self._update_syntax)
        self.body_tab.prettyToggled.connect(self.prettyToggled)
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
            self._update_syntax()
        finally:
            self._loading = False

    def to_model(self) -> Request | None:
        """The request as edited (None before the first :meth:`load`)."""
        if self._base is None:
            return None
        request = self.request_tab.to_model(self._base)
        request = self.headers_tab.to_model(request)
        request = self.body_tab.to_model(request)
        return self.response_tab.to_model(request)

    def rename(self, name: str) -> None:
        """The loaded request now has this name (its content is unchanged)."""
        if self._base is not None:
            from dataclasses import replace

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

    # -- showing -------------------------------------------------------------------

    def show_preview(self, result: PreviewResult) -> None:
        """Show a preview in the Body and Response tabs."""
        self.body_tab.show_preview(result)
        self.response_tab.show_preview(result)
        errors = sum(d.severity == "error" for d in result.diagnostics)
        self.setTabText(
            BODY, f"&Body ({errors} error{'s' if errors != 1 else ''})" if errors else "&Body"
        )

    def set_completions(self, words: Iterable[str]) -> None:
        """Variable paths offered by the editors' completion."""
        words = list(words)
        self.body_tab.editor.set_completions(words)
        self.request_tab.url.set_completions(words)

    def jump_to(self, diagnostic: Diagnostic) -> None:
        """Show the editor the diagnostic is about, at its line and column."""
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

    def _sample_edited(self) -> None:
        if not self._loading:
            self.sampleEdited.emit()

    def _update_syntax(self) -> None:
        content_type = ""
        for name, value in self.headers_tab.model.pairs():
            if name.strip().lower() == "content-type":
                content_type = value
        self.body_tab.editor.set_syntax(syntax_for(content_type))
