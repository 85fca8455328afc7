"""The recipes gallery, and every page of this suite rendered in a light and a dark palette."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from store_keychain import no_keychain

from composer.delivery.outbox import Outbox
from composer.delivery.retry import RetryPolicy
from composer.model import Person, context_for
from composer.secrets import SecretStore
from composer.store.database import Database
from composer.store.seed import open_workspace
from ui.dialogs.secrets import SecretsDialog
from ui.pages.outbox import OutboxPage
from ui.pages.people import PeoplePage
from ui.pages.recipes import RecipesPage, load_recipe_catalogue
from ui.widgets.palette import dark_palette, is_dark, palette_for

__all__ = ["no_keychain"]  # fixture used by name below

pytestmark = [
    pytest.mark.qt_log_ignore(r"This plugin does not support "),
    pytest.mark.usefixtures("no_keychain"),
]


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Database]:
    db = open_workspace(tmp_path / "data")
    yield db
    db.close()


def test_catalogue_lists_every_recipe_file_with_description_and_secrets() -> None:
    recipes = load_recipe_catalogue()
    folder = Path(__file__).resolve().parent.parent / "resources" / "recipes"
    files = sorted(p.name for p in folder.glob("*.json") if p.name != "index.json")
    assert sorted(r.file for r in recipes) == files
    assert all(r.description for r in recipes)
    trello = next(r for r in recipes if r.file == "trello-card.json")
    assert trello.secrets and all(s.startswith("trello") for s in trello.secrets)


def test_gallery_shows_description_and_needed_secrets(qtbot: QtBot, workspace: Database) -> None:
    store = SecretStore(workspace)
    page = RecipesPage(workspace, lambda: store)  # the window passes the store once open
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.marks_read)  # the keychain is read off the GUI thread
    model = page.model
    for row in range(model.rowCount()):
        recipe = model.recipe(row)
        text = model.data(model.index(row))
        assert text.splitlines()[0] == recipe.request.name
        assert recipe.description in text
        for name in recipe.secrets:
            assert f"{name} (missing)" in text
    row = next(r for r in range(model.rowCount()) if model.recipe(r).secrets)
    recipe = model.recipe(row)
    store.set(recipe.secrets[0], "x")
    page.read_marks()
    qtbot.waitUntil(lambda: f"{recipe.secrets[0]} (set)" in model.data(model.index(row)))
    page.list.setCurrentIndex(model.index(row))
    assert recipe.description == page.description.text()
    assert page.request_view.toPlainText().startswith(f"{recipe.request.method} ")


def test_use_creates_a_request_and_asks_for_missing_secrets(
    qtbot: QtBot, workspace: Database
) -> None:
    store = SecretStore(workspace)
    page = RecipesPage(workspace, store)
    qtbot.addWidget(page)
    row = next(r for r in range(page.model.rowCount()) if len(page.model.recipe(r).secrets) >= 1)
    recipe = page.model.recipe(row)
    page.list.setCurrentIndex(page.model.index(row))
    with qtbot.waitSignal(page.requestCreated) as created:
        qtbot.mouseClick(page.use_button, Qt.MouseButton.LeftButton)
    name = created.args[0]
    assert name == f"{recipe.request.name} copy"  # the sample workspace holds the recipe
    stored = workspace.requests.get(name)
    assert (stored.url, stored.body) == (recipe.request.url, recipe.request.body)
    dialog = page.secrets_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.loaded)  # the keychain is read off the GUI thread
    assert dialog.name_edit.text() == recipe.secrets[0]
    with qtbot.waitSignal(page.requestCreated) as again:
        assert page.use(row) is not None
    assert again.args[0] == f"{recipe.request.name} copy 2"


def _pages(db: Database) -> list[QWidget]:
    store = SecretStore(db)
    person = db.people.list(1)[0]
    request = next(r for r in db.requests.list() if "secrets" not in r.to_json())
    Outbox(db).create(request, context_for(person), person_id=person.id, policy=RetryPolicy())
    outbox = OutboxPage(db, store)
    outbox.prepare_screenshot()
    people = PeoplePage(db, store)
    people.select_ids([person.id])
    return [people, outbox, RecipesPage(db, store).prepare_screenshot(), SecretsDialog(store)]


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_pages_render_readably_in_light_and_dark_palettes(
    qtbot: QtBot, tmp_path: Path, dark: bool
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    previous = app.palette()
    if dark:
        app.setPalette(dark_palette())
    db = open_workspace(tmp_path / "data")
    try:
        db.people.create(Person("extra", "e@example.com", {"plan": "pro"}))
        pages = _pages(db)
        for widget in pages:
            qtbot.addWidget(widget)
            widget.resize(900, 600)
            assert is_dark(widget) is dark
            palette = widget.palette()
            for text, back in (
                (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
                (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
            ):
                contrast = abs(palette.color(text).lightnessF() - palette.color(back).lightnessF())
                assert contrast > 0.5
            image = widget.grab().toImage()
            assert not image.isNull()
            corner = image.pixelColor(2, image.height() - 2)
            assert (corner.lightnessF() < 0.5) is dark
            assert len({image.pixel(x, y) for x in range(0, 900, 7) for y in range(0, 600, 7)}) > 3
        pages[1].shutdown()  # type: ignore[attr-defined]
    finally:
        db.close()
        app.setPalette(previous)


@pytest.mark.parametrize(
    ("scheme", "now_dark", "switches_to"),
    [
        (Qt.ColorScheme.Dark, False, "dark"),
        (Qt.ColorScheme.Dark, True, None),
        (Qt.ColorScheme.Light, True, "light"),
        (Qt.ColorScheme.Light, False, None),
        (Qt.ColorScheme.Unknown, False, None),
        (Qt.ColorScheme.Unknown, True, None),
    ],
)
def test_palette_follows_the_system_scheme(
    qtbot: QtBot, scheme: Qt.ColorScheme, now_dark: bool, switches_to: str | None
) -> None:
    light = QPalette(QColor("#efefef"))
    current = dark_palette() if now_dark else light
    chosen = palette_for(scheme, current, light)
    if switches_to is None:
        assert chosen is None
    else:
        assert chosen is not None
        dark_chosen = chosen.color(QPalette.ColorRole.Window).lightnessF() < 0.5
        assert dark_chosen is (switches_to == "dark")
