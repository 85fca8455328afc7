"""Pages of the window, and the pictures ``--screenshots`` takes of them.

:class:`PageStack` is the window's central widget: a bar of page buttons over a
QStackedWidget. The composer is the first page; every other page (people, outbox,
recipes…) plugs in with one call, ``window.add_page("People", PeoplePage(...))``, or
``window.add_page("People", lambda: PeoplePage(...))`` to build it only when it is first
shown, which keeps start-up lean. The bar is hidden while there is only one page. A page
with a ``shutdown()`` method has it called when the window closes.

Ctrl+1 … Ctrl+9 (and Alt+1 … Alt+9) show the pages in bar order, whichever widget has the
focus: no page or field of the app binds those keys (the Body tab's "&Body" and the other
mnemonics use letters). Each page's action is in the window's View menu and its button's
tooltip names the key.

:class:`Screenshots` keeps, per picture, a file name and a function that brings the page
forward and returns the widget to grab; ``--screenshots OUT`` saves them all as PNGs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QStackedWidget, QToolBar, QVBoxLayout, QWidget

__all__ = ["PageLike", "PageStack", "Screenshots"]


PageLike = QWidget | Callable[[], QWidget]
"""A page, or a function that builds it the first time it is shown."""


class PageStack(QWidget):
    """A page bar over a stack of pages; a page given as a function is built when first shown.

    Signals:
        pageShown(str): a page came forward (its name).
        pageAdded(QAction): a page was added; the action that shows it.
    """

    pageShown = Signal(str)
    pageAdded = Signal(QAction)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stack = QStackedWidget()
        self.bar = QToolBar("Pages")
        self.bar.setObjectName("pages")
        self.bar.setAccessibleName("Pages")
        self.group = QActionGroup(self)
        self._actions: dict[str, QAction] = {}
        self._pages: dict[str, QWidget] = {}
        self._builders: dict[str, Callable[[], QWidget]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack, 1)

    def add_page(self, name: str, page: PageLike) -> QAction:
        """Add a page (or its builder) and its button; returns the button's action."""
        if isinstance(page, QWidget):
            widget = page
        else:
            widget = QWidget()  # a stand-in until the page is first shown
            self._builders[name] = page
        self._pages[name] = widget
        self.stack.addWidget(widget)
        act = QAction(name, self)
        act.setCheckable(True)
        act.triggered.connect(lambda _=False, n=name: self.show_page(n))
        number = self.stack.count()
        if number <= 9:
            keys = [QKeySequence(f"Ctrl+{number}"), QKeySequence(f"Alt+{number}")]
            act.setShortcuts(keys)
            shown = keys[0].toString(QKeySequence.SequenceFormat.NativeText)
            act.setToolTip(f"Show the {name} page ({shown})")
        else:
            act.setToolTip(f"Show the {name} page")
        self.group.addAction(act)
        self.bar.addAction(act)
        self.addAction(act)  # the keys work while the bar is hidden too
        self._actions[name] = act
        if self.stack.count() == 1:
            act.setChecked(True)
        self.bar.setVisible(self.stack.count() > 1)
        self.pageAdded.emit(act)
        return act

    def actions_in_order(self) -> list[QAction]:
        """The actions that show each page, in bar order."""
        return list(self._actions.values())

    def page(self, name: str) -> QWidget:
        """The page called ``name``, built now if it was given as a function."""
        builder = self._builders.pop(name, None)
        if builder is not None:
            stand_in = self._pages[name]
            widget = builder()
            index = self.stack.indexOf(stand_in)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(stand_in)
            stand_in.deleteLater()
            self._pages[name] = widget
        return self._pages[name]

    def names(self) -> list[str]:
        """The pages' names, in bar order."""
        return list(self._pages)

    def show_page(self, page: str | QWidget) -> QWidget:
        """Bring a page (by name or widget) forward; returns it."""
        name = page if isinstance(page, str) else self._name_of(page)
        widget = self.page(name)
        self.stack.setCurrentWidget(widget)
        self._actions[name].setChecked(True)
        self.pageShown.emit(name)
        return widget

    def current(self) -> QWidget | None:
        """The page shown."""
        return self.stack.currentWidget()

    def shutdown(self) -> None:
        """Call ``shutdown()`` on every built page that has one (the window is closing)."""
        for widget in self._pages.values():
            stop = getattr(widget, "shutdown", None)
            if callable(stop):
                stop()

    def _name_of(self, widget: QWidget) -> str:
        for name, candidate in self._pages.items():
            if candidate is widget:
                return name
        raise KeyError("not a page of this window")


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
