"""The Recipes gallery: every shipped recipe, what it does, and the secrets it needs.

The entries come from ``resources/recipes/index.json`` (a one-line description and the
secret names of each recipe file) through :func:`ui.table_models.load_recipe_catalogue`.
The gallery lists each recipe with its description and its secrets, each marked as set or
missing in the :class:`~composer.secrets.SecretStore`; the panel beside it shows the
request itself (method, URL, body). "Use" stores a copy of the recipe as a new request (under
the recipe's name, or "NAME copy" when that is taken) and, when some of its secrets have
no value yet, opens the Secrets dialog on them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QSize, Signal
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

from composer.errors import KnownError
from composer.model import Request
from composer.secrets import SecretStore
from composer.store import Database
from composer.store_requests import copy_name
from ui.person_dialog import mono
from ui.secrets_dialog import SecretsDialog
from ui.table_models import Recipe, RecipesListModel, load_recipe_catalogue

__all__ = ["RecipesPage"]


class RecipesPage(QWidget):
    """The recipes gallery.

    Signals:
        requestCreated(str): "Use" stored a new request (its name); the window opens it.
    """

    requestCreated = Signal(str)

    def __init__(
        self,
        db: Database,
        secrets: SecretStore | None = None,
        recipes: Sequence[Recipe] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.secrets = secrets
        self.model = RecipesListModel(
            list(recipes) if recipes is not None else load_recipe_catalogue()
        )
        self.model.missing = self.missing_secrets
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
        self.request_view = QPlainTextEdit()
        self.request_view.setAccessibleName("Recipe request")
        self.request_view.setReadOnly(True)
        mono(self.request_view)
        self.use_button = QPushButton("&Use this recipe")
        self.use_button.setAccessibleName("Use this recipe")
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

    def missing_secrets(self, recipe: Recipe) -> list[str]:
        """The recipe's secrets that have no value yet."""
        if self.secrets is None:
            return list(recipe.secrets)
        return [name for name in recipe.secrets if self.secrets.get(name) is None]

    def _show(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        recipe = self.model.recipe(index.row())
        request = recipe.request
        self.name_label.setText(f"<b>{request.name}</b> — {recipe.file}")
        self.description.setText(recipe.description)
        missing = set(self.missing_secrets(recipe))
        if recipe.secrets:
            marks = [f"{n} ({'missing' if n in missing else 'set'})" for n in recipe.secrets]
            self.needs.setText("Needs the secrets: " + ", ".join(marks))
        else:
            self.needs.setText("Needs no secrets.")
        headers = "\n".join(f"{h.name}: {h.value}" for h in request.headers)
        self.request_view.setPlainText(
            f"{request.method} {request.url}\n{headers}\n\n{request.body}"
        )

    def use(self, row: int) -> str | None:
        """Store the recipe on ``row`` as a new request; ask for its missing secrets."""
        if row < 0 or row >= self.model.rowCount():
            return None
        recipe = self.model.recipe(row)
        names = set(self.db.requests.names())
        name = (
            recipe.request.name
            if recipe.request.name not in names
            else copy_name(recipe.request.name, names)
        )
        try:
            self.db.requests.create(Request.from_dict({**recipe.request.to_dict(), "name": name}))
        except KnownError as exc:
            self.status.setText(str(exc))
            return None
        self.status.setText(f'Created the request "{name}".')
        missing = self.missing_secrets(recipe)
        if missing and self.secrets is not None:
            self.secrets_dialog = SecretsDialog(self.secrets, missing, self)
            self.secrets_dialog.secretsChanged.connect(lambda: self._show(self.list.currentIndex()))
            self.secrets_dialog.open()
        self.requestCreated.emit(name)
        return name

    def sizeHint(self) -> QSize:
        return QSize(900, 600)

    def prepare_screenshot(self) -> QWidget:
        """The page with its first recipe shown (for ``--screenshots``)."""
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))
        return self
