"""Themes: the Preferences choice (System / Light / Dark), colours readable in both schemes
(WCAG contrast against the text background), and crisp drawing at 200 %."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtGui import QColor, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from composer.rendering.diagnostics import Diagnostic
from ui.dialogs.preferences import PreferencesDialog, install_preferences
from ui.editor.diagnostics_model import DiagnosticsModel
from ui.editor.highlighter import LiquidHighlighter
from ui.editor.pair_model import PairTableModel
from ui.widgets import palette as theme
from ui.widgets.palette import accent, contrast_ratio, dark_palette, is_dark, state_colour
from ui.widgets.qt_settings import open_settings, saved_theme

pytestmark = ui_helpers.UI_MARKS
workspace = ui_helpers.workspace
ui_settings = ui_helpers.ui_settings
no_real_keychain = ui_helpers.no_real_keychain

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def palette_back(qapp: QApplication) -> Iterator[None]:
    """Every test leaves the application's palette and theme choice as it found them."""
    before = QPalette(qapp.palette())
    choice = theme.current_theme()
    yield
    qapp.setPalette(before)
    theme._theme["choice"] = choice


def schemes(app: QApplication) -> dict[str, QPalette]:
    return {"light": app.style().standardPalette(), "dark": dark_palette()}


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#777777", "#ffffff", 4.48)],
)
def test_contrast_ratio_is_the_wcag_formula(a: str, b: str, ratio: float) -> None:
    assert contrast_ratio(QColor(a), QColor(b)) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(QColor(b), QColor(a)) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_highlighter_colours_read_on_the_text_background(qapp: QApplication, scheme: str) -> None:
    base = schemes(qapp)[scheme].color(QPalette.ColorRole.Base)
    colours = LiquidHighlighter.colour_sets()[scheme]
    low = {k: round(contrast_ratio(QColor(c), base), 2) for k, c in colours.items()}
    assert all(ratio >= 4.5 for ratio in low.values()), low


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_state_and_diagnostic_colours_read_on_rows(qapp: QApplication, scheme: str) -> None:
    palette = schemes(qapp)[scheme]
    qapp.setPalette(palette)
    assert is_dark() is (scheme == "dark")
    states = ["succeeded", "failed", "waiting_retry", "sending", "queued", "draft", "cancelled"]
    model = DiagnosticsModel()
    model.set_diagnostics(
        (
            Diagnostic("error", "body", 1, 1, "bad"),
            Diagnostic("warning", "url", 1, 1, "odd"),
        )
    )
    diagnostic_colours = [
        model.data(model.index(r), Qt.ItemDataRole.ForegroundRole) for r in range(2)
    ]
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
        background = palette.color(role)
        for colour in [state_colour(s) for s in states] + diagnostic_colours:
            assert contrast_ratio(colour, background) >= 4.5, (colour.name(), background.name())
    text = palette.color(QPalette.ColorRole.Text)
    for mark in ("error_mark", "warning_mark"):
        assert contrast_ratio(text, accent(mark)) >= 4.5, mark


def test_pair_table_marks_follow_the_palette(qapp: QApplication) -> None:
    model = PairTableModel(("Name", "Value"))
    model.set_pairs([("X-A", "1")])
    model.set_marks({0: ("error", "bad header")})
    light = model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    qapp.setPalette(dark_palette())
    dark = model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert light.lightnessF() > 0.5 > dark.lightnessF()


def test_preferences_apply_at_once_and_are_kept(qtbot: QtBot, qapp: QApplication) -> None:
    document = QTextDocument('{"a": "{{ customer.id }}"}')
    highlighter = LiquidHighlighter(document, "json")
    light_string = highlighter.formats["str"].foreground().color()
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.buttons["system"].isChecked()
    dialog.buttons["dark"].click()
    assert is_dark()
    assert saved_theme() == "dark"
    assert open_settings().value("appearance/theme") == "dark"
    dark_string = highlighter.formats["str"].foreground().color()
    assert dark_string != light_string and dark_string.lightness() > 128
    dialog.buttons["light"].click()
    assert not is_dark()
    assert highlighter.formats["str"].foreground().color() == light_string
    for choice in ("system", "light", "dark"):
        assert dialog.buttons[choice].accessibleName()
        assert dialog.buttons[choice].toolTip()


def test_system_choice_follows_the_scheme_switches(qtbot: QtBot, qapp: QApplication) -> None:
    theme.apply_theme(qapp, "system")
    theme.follow_system_scheme(qapp)
    hints = qapp.styleHints()
    with qtbot.waitSignal(theme.theme_notifier().changed) as switched:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert switched.args == [True] and is_dark()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not is_dark()
    theme.apply_theme(qapp, "light")
    with qtbot.assertNotEmitted(theme.theme_notifier().changed):
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not is_dark()  # a chosen theme wins over the system's


def test_saved_theme_is_applied_at_start_and_in_the_edit_menu(
    qtbot: QtBot, qapp: QApplication, workspace: Any
) -> None:
    settings = open_settings()
    settings.setValue("appearance/theme", "dark")
    settings.sync()
    window = ui_helpers.make_window(qtbot, workspace)
    action = install_preferences(window)
    assert is_dark()
    assert action in window.menu("&Edit").actions()
    assert not action.shortcut().isEmpty()
    action.trigger()
    dialog = window.property("preferencesDialog")
    assert isinstance(dialog, PreferencesDialog) and dialog.isVisible()
    assert dialog.buttons["dark"].isChecked()
    dialog.buttons["light"].click()
    dialog.reject()
    assert not is_dark()
    assert "dark-theme.png" in window.screenshots.names()


def test_dark_theme_picture_is_dark_and_puts_the_theme_back(
    qtbot: QtBot, qapp: QApplication, workspace: Any, tmp_path: Path
) -> None:
    window = ui_helpers.make_window(qtbot, workspace)
    install_preferences(window)
    theme.apply_theme(qapp, "light")
    prepare = dict(window.screenshots._targets)["dark-theme.png"]
    target = prepare()
    QEventLoop().processEvents()  # as --screenshots does before grabbing
    shot = target.grab().toImage()
    assert shot.pixelColor(3, shot.height() - 3).lightnessF() < 0.5
    assert not is_dark() and theme.current_theme() == "light"


def test_unknown_stored_theme_reads_as_system() -> None:
    settings = open_settings()
    settings.setValue("appearance/theme", "purple")
    settings.sync()
    assert saved_theme() == "system"


_HIGH_DPI = r"""
import json, sys
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication
from composer.paths import resources_dir
from composer.store.database import Database
from ui.dialogs.preferences import PreferencesDialog
from ui.pages.people import PeoplePage

app = QApplication([])
icon = QIcon(str(resources_dir() / "icons" / "webhook-composer.svg"))
pixmap = icon.pixmap(32, 32)
db = Database(sys.argv[1])
page = PeoplePage(db)
page.resize(600, 400)
dialog = PreferencesDialog()
shots = [w.grab() for w in (page, dialog)]
print(json.dumps({
    "ratio": app.devicePixelRatio(),
    "icon": [pixmap.width(), pixmap.height(), pixmap.devicePixelRatio()],
    "grabs": [[s.width(), s.height(), s.devicePixelRatio()] for s in shots],
    "sizes": [[w.width(), w.height()] for w in (page, dialog)],
}))
page.close(); page.wait(); db.close()
"""


def test_window_draws_at_twice_the_pixels_at_200_percent(tmp_path: Path) -> None:
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-c", _HIGH_DPI, str(tmp_path / "w.sqlite3")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["ratio"] == 2
    assert figures["icon"] == [64, 64, 2]  # the SVG icon is drawn at the screen's pixels
    for (width, height, ratio), (logical_w, logical_h) in zip(
        figures["grabs"], figures["sizes"], strict=True
    ):
        assert (width, height, ratio) == (2 * logical_w, 2 * logical_h, 2)


def test_shipped_icons_are_scalable() -> None:
    icons = ROOT / "resources" / "icons"
    drawn = [p for p in icons.iterdir() if p.suffix in (".png", ".jpg")]
    for picture in drawn:  # a bitmap is only the fallback of an SVG of the same name
        assert picture.with_suffix(".svg").exists(), picture.name
    assert list(icons.glob("*.svg"))
