"""The Help menu: Keyboard shortcuts, Open log folder, About Webhook Composer.

**Keyboard shortcuts** is generated, not written by hand: :func:`shortcut_rows` walks the
window's QActions (the menus', the pages', the composer's and each editor's own) and lists
every one that has a key, under where it works: *Everywhere* for a window-wide action,
else the accessible name of the part that owns it (the composer page, the body editor,
the URL field). Adding an action with a shortcut anywhere in the window adds it here. A
filter field narrows the list; keys are shown as the platform writes them.

**About** says the version (:data:`composer.__version__`), Qt's and PySide6's, Python's,
the licence of the app and of each package it depends on (read with
:mod:`importlib.metadata`: the licence expression, else the licence field, else the
trove classifier), the workspace file and the log file. Each value is a read-only field
with a Copy button, and *Copy all* copies the whole report for a bug report.

**Open log folder** opens the folder of the log file (:mod:`composer.logs`) in the
desktop's file manager through :class:`QDesktopServices` (made first if no line was
written yet), so the rotated files beside it are there too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from importlib.metadata import Distribution

__all__ = [
    "AboutDialog",
    "ShortcutRow",
    "ShortcutsDialog",
    "about_facts",
    "dependency_licences",
    "install_help_menu",
    "open_log_folder",
    "shortcut_rows",
]

EVERYWHERE = "Everywhere"
"""Where a window-wide shortcut works."""
DISTRIBUTION = "webhook-composer"
"""The app's own distribution name."""
_FALLBACK_DEPENDENCIES = ("PySide6-Essentials", "shiboken6", "httpx", "httpcore", "keyring")
"""Listed when the app runs without its own metadata (a bundle)."""
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True, slots=True)
class ShortcutRow:
    """One shortcut: where it works, what it does, its keys as the platform writes them."""

    scope: str
    action: str
    keys: str


def _plain(text: str) -> str:
    """A menu text without its mnemonic marks and trailing dots."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…")


def _scope(action: QAction, window: QWidget) -> str:
    context = action.shortcutContext()
    if context.name in ("WindowShortcut", "ApplicationShortcut"):
        return EVERYWHERE
    for owner in action.associatedObjects():
        if isinstance(owner, QWidget) and not isinstance(owner, QMenu) and owner is not window:
            return owner.accessibleName() or owner.objectName() or type(owner).__name__
    return EVERYWHERE


def shortcut_rows(window: QWidget) -> list[ShortcutRow]:
    """Every action of ``window`` that has keys, by where it works and then by name."""
    rows: set[ShortcutRow] = set()
    actions: list[QAction] = list(window.findChildren(QAction))
    if isinstance(window, QMainWindow):
        actions += [a for a in window.actions() if a not in actions]
    for action in actions:
        keys = [k for k in action.shortcuts() if not k.isEmpty()]
        if not keys or not action.text():
            continue
        written = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        rows.add(ShortcutRow(_scope(action, window), _plain(action.text()), written))
    return sorted(rows, key=lambda r: (r.scope != EVERYWHERE, r.scope, r.action.casefold()))


class ShortcutsDialog(QDialog):
    """Every shortcut of the window, grouped by where it works, with a filter."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = shortcut_rows(window)
        self.filter = QLineEdit()
        self.filter.setAccessibleName("Filter shortcuts")
        self.filter.setPlaceholderText("Filter by action or key")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._fill)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Shortcuts")
        self.tree.setHeaderLabels(["Action", "Keys"])
        self.tree.setRootIsDecorated(False)
        header = self.tree.header()
        header.setAccessibleName("Shortcut columns")
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(560, 620)
        self._fill("")

    def _fill(self, text: str) -> None:
        self.tree.clear()
        wanted = text.strip().casefold()
        groups: dict[str, QTreeWidgetItem] = {}
        for row in self.rows:
            if wanted and wanted not in f"{row.action} {row.keys} {row.scope}".casefold():
                continue
            group = groups.get(row.scope)
            if group is None:
                group = groups[row.scope] = QTreeWidgetItem(self.tree, [row.scope])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(True)
            QTreeWidgetItem(group, [row.action, row.keys])
        self.tree.expandAll()

    def shown_rows(self) -> list[tuple[str, str, str]]:
        """What the list shows now: (where, action, keys)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            assert group is not None
            for j in range(group.childCount()):
                item = group.child(j)
                assert item is not None
                out.append((group.text(0), item.text(0), item.text(1)))
        return out


def _field(dist: Distribution, name: str) -> str:
    values = dist.metadata.get_all(name) or []
    return str(values[0]).strip() if values else ""


def _licence(dist: Distribution) -> str:
    meta = dist.metadata
    expression = _field(dist, "License-Expression")
    if expression:
        return expression
    text = _field(dist, "License")
    if text and "\n" not in text and len(text) <= 80:
        return text
    classifiers = [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return "; ".join(c.split(" :: ")[-1] for c in classifiers)
    return "see the package" if text else "not stated"


def dependency_licences() -> list[tuple[str, str, str]]:
    """(package, version, licence) of the app and of each package it needs to run."""
    from importlib import metadata  # on first use: start-up does not need it

    try:
        own = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        rows = [(DISTRIBUTION, _own_version(), "MIT")]
        names: Iterable[str] = _FALLBACK_DEPENDENCIES
    else:
        rows = [(DISTRIBUTION, own.version, _licence(own))]
        names = [
            found.group(1)
            for requirement in own.requires or ()
            if "extra ==" not in requirement and (found := _NAME.match(requirement))
        ]
    for name in names:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not needed on this platform (tzdata off Windows)
        rows.append((_field(dist, "Name") or name, dist.version, _licence(dist)))
    return rows


def _own_version() -> str:
    import composer

    return composer.__version__


def about_facts(workspace: Path | None) -> list[tuple[str, str]]:
    """(what, value) for the About box: versions and the paths a bug report needs."""
    import platform

    import PySide6

    from composer.logs import log_path

    return [
        ("Version", _own_version()),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("Workspace", str(workspace) if workspace is not None else "none open"),
        ("Log file", str(log_path())),
    ]


class AboutDialog(QDialog):
    """Version, licences and paths, each copyable."""

    def __init__(self, workspace: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Webhook Composer")
        self.facts = about_facts(workspace)
        self.licences = dependency_licences()
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for what, value in self.facts:
            field = QLineEdit(value)
            field.setReadOnly(True)
            field.setAccessibleName(what)
            field.setCursorPosition(0)
            copy = QPushButton("Copy")
            copy.setAccessibleName(f"Copy {what.lower()}")
            copy.setToolTip(f"Copy the {what.lower()} to the clipboard")
            copy.clicked.connect(lambda _=False, v=value: self._copy(v))
            row = QHBoxLayout()
            row.addWidget(field, 1)
            row.addWidget(copy)
            form.addRow(f"{what}:", row)
            self.fields[what] = field
        self.table = QTreeWidget()
        self.table.setAccessibleName("Licences")
        self.table.setHeaderLabels(["Package", "Version", "Licence"])
        self.table.setRootIsDecorated(False)
        self.table.header().setAccessibleName("Licence columns")
        for row_values in self.licences:
            QTreeWidgetItem(self.table, list(row_values))
        for column in range(3):
            self.table.resizeColumnToContents(column)
        copy_all = QPushButton("Copy &all")
        copy_all.setAccessibleName("Copy all")
        copy_all.setToolTip("Copy the versions, paths and licences, for a bug report")
        copy_all.clicked.connect(lambda: self._copy(self.report()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(copy_all, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 520)

    def report(self) -> str:
        """The About box as text."""
        lines = [f"{what}: {value}" for what, value in self.facts]
        lines.append("Licences:")
        lines += [f"  {name} {version}: {licence}" for name, version, licence in self.licences]
        return "\n".join(lines)

    @staticmethod
    def _copy(text: str) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)


def open_log_folder() -> Path:
    """Open the log file's folder in the file manager (made first); returns the folder."""
    from composer.logs import log_dir

    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
    return folder


def _open(dialog: QDialog) -> QDialog:
    """Show ``dialog`` window-modal (the event loop keeps running); deleted once closed."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def install_help_menu(window: QMainWindow, workspace: Path | None) -> QMenu:
    """Add the Help menu (shortcuts, log folder, About) to ``window``'s menu bar."""
    menu = window.menuBar().addMenu("&Help")
    items: tuple[tuple[str, str, Callable[[], object], str | None], ...] = (
        (
            "&Keyboard shortcuts",
            "Every shortcut of the window, by where it works",
            lambda: _open(ShortcutsDialog(window)),
            "F1",
        ),
        (
            "Open &log folder",
            "The folder of the log file (sends, retries, errors; secrets masked)",
            open_log_folder,
            None,
        ),
        (
            "&About Webhook Composer",
            "Version, licences, and where the workspace and the log are",
            lambda: _open(AboutDialog(workspace, window)),
            None,
        ),
    )
    for text, tip, slot, keys in items:
        action = QAction(text, window)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if keys:
            action.setShortcut(QKeySequence(keys))
            window.addAction(action)
        action.triggered.connect(lambda _=False, run=slot: run())
        menu.addAction(action)
    menu.actions()[-1].setMenuRole(QAction.MenuRole.AboutRole)
    return menu
