"""The Recipes gallery: every shipped recipe, what it does, and the secrets it needs.

The entries come from ``resources/recipes/index.json`` (a one-line description and the
secret names of each recipe file) through :func:`ui.pages.table_models.load_recipe_catalogue`.
The gallery lists each recipe with its description and its secrets, each marked as set or
missing in the :class:`~composer.secrets.SecretStore`; the panel beside it shows the
request itself (method, URL, body). "Use" stores a copy of the recipe as a new request (under
the recipe's name, or "NAME copy" when that is taken) by a write op
(:func:`ui.ops.requests.create`, off the GUI thread; the window's request list reads the
names again from the hub's change signal) and, once it is stored, says so, announces it
with ``requestCreated`` (the window opens it) and, when some of its secrets have no value
yet, opens the Secrets dialog on them; a refusal is shown in the page's status line. In
the panel, each missing secret of "Needs the secrets: x (missing)" is a link that opens
the Secrets dialog on that name.

Which secrets have a value is read from the keychain by an op (a Secret Service lookup can
take seconds, or wait on an unlock prompt), never while painting: once when the page is
built, each time it is shown (the keychain may have opened, or a secret been set
elsewhere) and after the Secrets dialog changed one. Until the first read answers each
secret is marked "checking"; without an open keychain, "missing".
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from composer.model import Request
from composer.paths import resources_dir
from composer.store.database import Database
from ui.dialogs.secrets import SecretsDialog
from ui.ops import Op, OpError
from ui.ops import requests as request_ops
from ui.ops.engine import SecretsSource, resolve_store
from ui.widgets.palette import mono

__all__ = ["Recipe", "RecipesListModel", "RecipesPage", "load_recipe_catalogue"]


Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


@dataclass(frozen=True, slots=True)
class Recipe:
    """A shipped recipe with its catalogue entry."""

    file: str
    """The recipe's file name in ``resources/recipes``."""
    request: Request
    """The request it holds."""
    description: str
    """One line saying what it does."""
    secrets: tuple[str, ...]
    """The secret names it needs."""


def load_recipe_catalogue(resources: Path | None = None) -> list[Recipe]:
    """Every recipe listed in ``resources/recipes/index.json``, in name order."""
    folder = (resources or resources_dir()) / "recipes"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    recipes = [
        Recipe(
            file=name,
            request=Request.from_file(folder / name),
            description=str(entry.get("description", "")),
            secrets=tuple(entry.get("secrets", ())),
        )
        for name, entry in index.items()
        if (folder / name).is_file()
    ]
    return sorted(recipes, key=lambda r: r.request.name.lower())


class RecipesListModel(QAbstractListModel):
    """The recipes gallery's entries: name, description and needed secrets on each line.

    ``mark`` (set by the page) says of a secret name "set", "missing" or "checking" (not
    read yet), so each entry can say which ones still have to be typed in. Signals: the
    standard model signals only.
    """

    RecipeRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, recipes: Sequence[Recipe]) -> None:
        super().__init__()
        self._recipes = list(recipes)
        self.mark: Callable[[str], str] = lambda name: "set"

    def recipe(self, row: int) -> Recipe:
        """The recipe on ``row``."""
        return self._recipes[row]

    def needs_text(self, recipe: Recipe) -> str:
        """``Needs: a (set), b (missing)`` or ``Needs no secrets``."""
        if not recipe.secrets:
            return "Needs no secrets"
        return "Needs: " + ", ".join(f"{n} ({self.mark(n)})" for n in recipe.secrets)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._recipes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        recipe = self._recipes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{recipe.request.name}\n{recipe.description}\n{self.needs_text(recipe)}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return f"{recipe.description} {self.needs_text(recipe)}."
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return recipe.request.name
        if role == self.RecipeRole:
            return recipe
        return None


class RecipesPage(QWidget):
    """The recipes gallery.

    Signals:
        requestCreated(str): "Use" stored a new request (its name); the window opens it.
    """

    requestCreated = Signal(str)

    def __init__(
        self,
        db: Database,
        secrets: SecretsSource = None,
        recipes: Sequence[Recipe] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.secrets = secrets
        self.model = RecipesListModel(
            list(recipes) if recipes is not None else load_recipe_catalogue()
        )
        self.model.mark = self.mark
        self._with_value: frozenset[str] | None = None
        """The recipes' secrets that have a value, as last read (None: not read yet)."""
        self._reading = 0
        """The newest read of the marks (older answers are dropped)."""
        self._answered = 0
        """The newest read that has answered."""
        self.secrets_dialog: SecretsDialog | None = None
        self.list = QListView()
        self.list.setAccessibleName("Recipes")
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setSpacing(4)
        self.list.setAlternatingRowColors(True)
        self.list.activated.connect(lambda index: self.use(index.row()))
        self.list.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show(cur))
        self.name_label = QLabel()
        self.name_label.setAccessibleName("Recipe")
        self.name_label.setWordWrap(True)
        self.description = QLabel()
        self.description.setAccessibleName("What it does")
        self.description.setWordWrap(True)
        self.needs = QLabel()
        self.needs.setAccessibleName("Secrets it needs")
        self.needs.setWordWrap(True)
        self.needs.setTextFormat(Qt.TextFormat.RichText)
        self.needs.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.needs.linkActivated.connect(self._secret_link)
        self.request_view = QPlainTextEdit()
        self.request_view.setAccessibleName("Recipe request")
        self.request_view.setReadOnly(True)
        mono(self.request_view)
        self.use_button = QPushButton("&Use this recipe")
        self.use_button.setAccessibleName("Use this recipe")
        self.use_button.setToolTip(
            "Make a new request from this recipe and open it; the recipe itself stays as it is"
        )
        self.use_button.clicked.connect(lambda _=False: self.use(self.list.currentIndex().row()))
        self.status = QLabel()
        self.status.setAccessibleName("Recipes status")
        self.status.setWordWrap(True)
        detail = QWidget()
        column = QVBoxLayout(detail)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.name_label, self.description, self.needs):
            column.addWidget(widget)
        column.addWidget(self.request_view, 1)
        row = QHBoxLayout()
        row.addWidget(self.use_button)
        row.addWidget(self.status, 1)
        column.addLayout(row)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        heading = QLabel("Start from a recipe: each one is a complete, working request.")
        layout.addWidget(heading)
        layout.addWidget(split, 1)
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))
        self.read_marks()

    @property
    def marks_read(self) -> bool:
        """Whether the keychain has answered which secrets have a value."""
        return self._with_value is not None

    def read_marks(self) -> Op[frozenset[str]] | None:
        """Ask the keychain (off the GUI thread) which of the recipes' secrets have a value;
        the marks are redrawn when it answers. None without an open keychain."""
        store = resolve_store(self.secrets)
        if store is None:
            return None
        names = sorted(
            {n for row in range(self.model.rowCount()) for n in self.model.recipe(row).secrets}
        )
        self._reading += 1
        reading = self._reading

        def read(_db: None) -> frozenset[str]:
            return frozenset(name for name in names if store.get(name) is not None)

        def answered(with_value: frozenset[str]) -> None:
            self._answered = max(self._answered, reading)
            if reading == self._reading:
                self._with_value = with_value
                self._marks_changed()
                self._show(self.list.currentIndex())

        def failed(_error: OpError) -> None:  # the marks stay as they were; showing asks again
            self._answered = max(self._answered, reading)

        op: Op[frozenset[str]] = Op(self, read).success(answered).failure(failed)
        op.run()
        return op

    def mark(self, name: str) -> str:
        """ "set", "missing" or "checking" for the secret ``name`` (as last read)."""
        if resolve_store(self.secrets) is None:
            return "missing"
        if self._with_value is None:
            return "checking"
        return "set" if name in self._with_value else "missing"

    def missing_secrets(self, recipe: Recipe) -> list[str]:
        """The recipe's secrets that have no value yet, as last read (all of them until the
        keychain answered: the Secrets dialog then says which are set)."""
        return [name for name in recipe.secrets if self.mark(name) != "set"]

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._answered == self._reading:  # else the read on its way is fresh enough
            self.read_marks()

    def _show(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        recipe = self.model.recipe(index.row())
        request = recipe.request
        self.name_label.setText(f"<b>{request.name}</b> — {recipe.file}")
        self.description.setText(recipe.description)
        if recipe.secrets:
            marks = [
                f'<a href="secret:{html.escape(n)}">{html.escape(n)} (missing)</a>'
                if self.mark(n) == "missing"
                else f"{html.escape(n)} ({self.mark(n)})"
                for n in recipe.secrets
            ]
            self.needs.setText("Needs the secrets: " + ", ".join(marks))
        else:
            self.needs.setText("Needs no secrets.")
        headers = "\n".join(f"{h.name}: {h.value}" for h in request.headers)
        self.request_view.setPlainText(
            f"{request.method} {request.url}\n{headers}\n\n{request.body}"
        )

    def _marks_changed(self) -> None:
        rows = self.model.rowCount()
        if rows:
            self.model.dataChanged.emit(self.model.index(0), self.model.index(rows - 1))

    def _secret_link(self, link: str) -> None:
        index = self.list.currentIndex()
        if link.startswith("secret:") and index.isValid():
            self.ask_secrets(self.model.recipe(index.row()), link.removeprefix("secret:"))

    def ask_secrets(self, recipe: Recipe, focus: str | None = None) -> SecretsDialog | None:
        """Open the Secrets dialog on the recipe's secrets (on ``focus``); None without a store."""
        store = resolve_store(self.secrets)
        if store is None:
            self.status.setText("The keychain is still being opened; try again in a moment.")
            return None
        dialog = SecretsDialog(
            store, list(recipe.secrets), self, focus=focus, needed_by=recipe.request.name
        )
        dialog.secretsChanged.connect(self.read_marks)
        self.secrets_dialog = dialog
        dialog.open()
        return dialog

    def use(self, row: int) -> Op[str] | None:
        """Store the recipe on ``row`` as a new request (a write op, returned; None for no
        such row); once stored, ask for its missing secrets and emit ``requestCreated``."""
        if row < 0 or row >= self.model.rowCount():
            return None
        recipe = self.model.recipe(row)
        request = Request.from_dict(recipe.request.to_dict())
        self.status.setText(f'Creating a request from "{recipe.request.name}"…')
        op = request_ops.create(self, self.db.path, request)
        op.success(lambda name: self._created(recipe, name)).failure(self._refused).run()
        return op

    def _created(self, recipe: Recipe, name: str) -> None:
        self.status.setText(f'Created the request "{name}".')
        missing = self.missing_secrets(recipe)
        store = resolve_store(self.secrets)
        if missing and store is not None:
            self.secrets_dialog = SecretsDialog(store, missing, self)
            self.secrets_dialog.secretsChanged.connect(self.read_marks)
            self.secrets_dialog.open()
        self.requestCreated.emit(name)

    def _refused(self, error: OpError) -> None:
        self.status.setText(error.message)

    def sizeHint(self) -> QSize:
        return QSize(900, 600)

    def prepare_screenshot(self) -> QWidget:
        """The page with its first recipe shown (for ``--screenshots``)."""
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))
        return self
