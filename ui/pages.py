"""Pages of the window, and the pictures ``--screenshots`` takes of them.

:class:`PageStack` is the window's central widget: a bar of page buttons over a
QStackedWidget. The composer is the first page; every other page (people, outbox,
recipes…) plugs in with one call, ``window.add_page("People", PeoplePage(...))``. The bar
is hidden while there is only one page.

:class:`Screenshots` keeps, per picture, a file name and a function that brings the page
forward and returns the widget to grab; ``--screenshots OUT`` saves them all as PNGs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QStackedWidget, QToolBar, QVBoxLayout, QWidget

__all__ = ["PageStack", "Screenshots"]


class PageStack(QWidget):
    """A page bar over a stack of pages."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stack = QStackedWidget()
        self.bar = QToolBar("Pages")
        self.bar.setObjectName("pages")
        self.bar.setAccessibleName("Pages")
        self.group = QActionGroup(self)
        self._actions: dict[int, QAction] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack, 1)

    def add_page(self, name: str, widget: QWidget) -> QAction:
        """Add a page and its button; returns the button's action."""
        self.stack.addWidget(widget)
        act = QAction(name, self)
        act.setCheckable(True)
        act.triggered.connect(lambda _=False, w=widget: self.show_page(w))
        self.group.addAction(act)
        self.bar.addAction(act)
        self._actions[id(widget)] = act
        if self.stack.count() == 1:
            act.setChecked(True)
        self.bar.setVisible(self.stack.count() > 1)
        return act

    def show_page(self, widget: QWidget) -> None:
        """Bring a page forward."""
        self.stack.setCurrentWidget(widget)
        act = self._actions.get(id(widget))
        if act is not None:
            act.setChecked(True)

    def current(self) -> QWidget | None:
        """The page shown."""
        return self.stack.currentWidget()


class Screenshots:
    """Named pictures of the window, each with the function that prepares it."""

    def __init__(self) -> None:
        self._targets: list[tuple[str, Callable[[], QWidget]]] = []

    def add(self, filename: str, prepare: Callable[[], QWidget]) -> None:
        """Register ``filename``; ``prepare`` shows its page and returns what to grab."""
        self._targets.append((filename, prepare))

    def names(self) -> list[str]:
        """The registered file names, in order."""
        return [name for name, _ in self._targets]

    def save(self, folder: Path, settle: Callable[[], None]) -> list[Path]:
        """Save every picture in ``folder``; ``settle`` waits for the page to be drawn."""
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for filename, prepare in self._targets:
            widget = prepare()
            settle()
            QEventLoop().processEvents()  # not the static one: it unbalances None in PySide 6.12.0
            path = folder / filename
            if not widget.grab().save(str(path)):
                raise OSError(f"{path} could not be written")
            out.append(path)
        return out
