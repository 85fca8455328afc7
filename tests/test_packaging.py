"""The packaging files: desktop entry, AppStream metainfo, icons and the PyInstaller recipe.

The desktop entry and the metainfo are checked by the validators the distributions use
(``desktop-file-validate`` from desktop-file-utils, ``appstreamcli`` from appstream),
which must be installed: a missing validator fails the test rather than skipping it. The
icons are read back from their bytes (PNG headers, the ``.ico`` directory, the ``.icns``
entries) and the runtime copy is loaded by Qt. The recipe is executed with stand-ins for
PyInstaller's build steps that record what they are given, so its choices (hidden
imports, excluded modules, data files, kept plugins) are checked without a build and
without PyInstaller installed; ``test_bundle_smoke.py`` checks a real bundle.
"""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import sys
import tomllib
import types
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import composer
from composer.cli.main import COMMAND_MODULES

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
APP_ID = "io.github.webhookcomposer.WebhookComposer"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
HICOLOR = PACKAGING / "icons" / "hicolor"
SVG = HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SPEC = PACKAGING / "webhook-composer.spec"


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed (Debian: desktop-file-utils, appstream)"
    return path


def _pyproject() -> dict[str, Any]:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def _png_header(path: Path) -> tuple[int, int, int]:
    """Width, height and colour type from a PNG's IHDR chunk."""
    data = path.read_bytes()[:26]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    assert data[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height, data[25]


# -- desktop entry --------------------------------------------------------------------


def test_desktop_entry_validates_cleanly() -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # no error, warning or hint


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Type", "Application"),
        ("Name", "Webhook Composer"),
        ("Exec", "webhook-composer"),
        ("Icon", APP_ID),
        ("Terminal", "false"),
        ("StartupWMClass", "webhook-composer"),
    ],
)
def test_desktop_entry_keys(key: str, value: str) -> None:
    assert _desktop_entry()[key] == value


def test_desktop_entry_launches_the_installed_command() -> None:
    command = _desktop_entry()["Exec"].split()[0]
    assert command in _pyproject()["project"]["scripts"]


# -- AppStream metainfo ---------------------------------------------------------------


def test_metainfo_validates_without_errors_or_warnings() -> None:
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", "--no-color", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    flagged = [
        line for line in result.stdout.splitlines() if line.lstrip().startswith(("E:", "W:"))
    ]
    assert flagged == []


def test_installed_tree_validates(tmp_path: Path) -> None:
    """Metainfo, desktop entry and icons together, laid out as a package installs them."""
    share = tmp_path / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir(parents=True)
    shutil.copy(DESKTOP, share / "applications")
    shutil.copy(METAINFO, share / "metainfo")
    shutil.copytree(HICOLOR, share / "icons" / "hicolor")
    result = subprocess.run(
        [_tool("appstreamcli"), "validate-tree", "--no-net", "--no-color", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "E:" not in result.stdout and "W:" not in result.stdout, result.stdout


def test_metainfo_agrees_with_the_project() -> None:
    root = ET.parse(METAINFO).getroot()
    project = _pyproject()["project"]
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("metadata_license") == "CC0-1.0"
    license = project["license"]  # an SPDX expression, or the older {text = ...} table
    assert root.findtext("project_license") == (
        license if isinstance(license, str) else license["text"]
    )
    launchable = root.find("launchable")
    assert launchable is not None and launchable.text == DESKTOP.name
    assert root.findtext("provides/binary") == _desktop_entry()["Exec"]
    versions = [release.get("version") for release in root.iter("release")]
    assert versions[0] == composer.__version__  # the newest release is this version
    assert root.find("content_rating") is not None


def test_the_ui_and_build_use_the_same_id() -> None:
    for path in (SPEC, PACKAGING / "build.sh", PACKAGING / "render_icons.sh"):
        assert APP_ID in path.read_text(encoding="utf-8"), path


# -- icons ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_theme_png_has_its_size(size: int) -> None:
    path = HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    assert _png_header(path) == (size, size, 6)  # colour type 6: RGBA


def test_svg_source_is_square_and_has_no_text() -> None:
    root = ET.parse(SVG).getroot()
    assert root.get("viewBox") == "0 0 256 256"
    assert not list(root.iter("{http://www.w3.org/2000/svg}text"))


def test_runtime_icon_is_a_copy_of_the_source() -> None:
    icons = ROOT / "resources" / "icons"
    assert (icons / "webhook-composer.svg").read_bytes() == SVG.read_bytes()
    png_256 = HICOLOR / "256x256" / "apps" / f"{APP_ID}.png"
    assert (icons / "webhook-composer.png").read_bytes() == png_256.read_bytes()


@pytest.mark.parametrize("name", ["webhook-composer.svg", "webhook-composer.png"])
def test_qt_loads_the_runtime_icon(qapp: Any, name: str) -> None:
    from PySide6.QtGui import QImage

    image = QImage(str(ROOT / "resources" / "icons" / name))
    assert not image.isNull()
    assert (image.width(), image.height()) == (256, 256)


def test_windows_ico_holds_each_size() -> None:
    data = (PACKAGING / "icons" / "webhook-composer.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        assert width == height
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        sizes.append(width or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_macos_icns_holds_png_entries() -> None:
    data = (PACKAGING / "icons" / "webhook-composer.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    kinds, at = [], 8
    while at < len(data):
        kind, length = data[at : at + 4], struct.unpack(">I", data[at + 4 : at + 8])[0]
        assert data[at + 8 : at + 16] == b"\x89PNG\r\n\x1a\n"
        kinds.append(kind)
        at += length
    assert at == len(data)
    assert {b"ic07", b"ic08", b"ic09", b"icp4", b"icp5"} <= set(kinds)


# -- the PyInstaller recipe -----------------------------------------------------------


class _Recorder:
    """Stands in for one of PyInstaller's build steps and keeps what it was given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs
        self.binaries: list[tuple[str, str, str]] = []
        self.datas: list[tuple[str, str, str]] = []
        self.pure: list[Any] = []
        self.scripts: list[Any] = []


@pytest.fixture
def spec(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The recipe's globals after running it with recording build steps."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda name: [name]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda name: []  # type: ignore[attr-defined]
    hooks.collect_data_files = lambda name: []  # type: ignore[attr-defined]
    bindepend = types.ModuleType("PyInstaller.depend.bindepend")
    bindepend.get_imports = lambda filename, search_paths=None: set()  # type: ignore[attr-defined]
    depend = types.ModuleType("PyInstaller.depend")
    depend.bindepend = bindepend  # type: ignore[attr-defined]
    for name, module in {
        "PyInstaller": types.ModuleType("PyInstaller"),
        "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
        "PyInstaller.utils.hooks": hooks,
        "PyInstaller.depend": depend,
        "PyInstaller.depend.bindepend": bindepend,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(sys, "path", list(sys.path))
    namespace: dict[str, Any] = {
        "SPECPATH": str(PACKAGING),
        "__file__": str(SPEC),
        **{step: _Recorder for step in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")},
    }
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return namespace


def test_spec_freezes_the_console_script_entry_point(spec: dict[str, Any]) -> None:
    (script,) = spec["a"].args[0]
    assert Path(script) == PACKAGING / "launcher.py"
    assert "from ui.main import main" in Path(script).read_text(encoding="utf-8")
    assert _pyproject()["project"]["scripts"]["webhook-composer"] == "ui.main:main"


def test_spec_names_every_command_module(spec: dict[str, Any]) -> None:
    hidden = spec["a"].kwargs["hiddenimports"]
    assert COMMAND_MODULES and set(COMMAND_MODULES) <= set(hidden)
    assert {"keyring.backends.fail", "keyring.backends.chainer"} <= set(hidden)
    assert "liquid.builtin" not in hidden  # the Liquid engines are the app's own
    assert {"composer", "ui"} <= set(hidden)  # every submodule, through collect_submodules
    if sys.platform.startswith("linux"):
        assert "keyring.backends.SecretService" in hidden


@pytest.mark.parametrize(
    "module",
    ["QtNetwork", "QtQml", "QtQuick", "QtWebEngineCore", "QtDBus", "QtSql", "QtPdf", "QtSvg"],
)
def test_spec_excludes_unused_qt_modules(spec: dict[str, Any], module: str) -> None:
    assert f"PySide6.{module}" in spec["a"].kwargs["excludes"]


@pytest.mark.parametrize("module", ["QtCore", "QtGui", "QtWidgets"])
def test_spec_keeps_the_qt_modules_the_app_uses(spec: dict[str, Any], module: str) -> None:
    assert f"PySide6.{module}" not in spec["a"].kwargs["excludes"]


def test_spec_ships_the_resources_the_wheel_ships(spec: dict[str, Any]) -> None:
    shipped = {(Path(src).name, dest) for src, dest in spec["a"].kwargs["datas"]}
    resources = ROOT / "resources"
    expected = {
        (path.name, str(path.parent.relative_to(ROOT)))
        for pattern in _pyproject()["tool"]["setuptools"]["package-data"]["resources"]
        for path in resources.glob(pattern)
        if "__pycache__" not in path.parts
    }
    assert ("trello-card.json", "resources/recipes") in expected
    assert ("people.json", "resources/sample") in expected
    assert ("webhook-composer.svg", "resources/icons") in expected
    assert shipped == expected


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqico.so", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
        ("PySide6/plugins/platforms/qwindows.dll", True),  # Windows wheels: no Qt/ level
        ("PySide6/plugins/imageformats/qjpeg.dll", False),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
        ("PySide6/Qt/plugins/styles/libqmacstyle.dylib", True),
        ("PySide6/Qt6Network.dll", True),  # not a plugin: left to the link analysis
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
    ],
)
def test_spec_plugin_allow_list(spec: dict[str, Any], dest: str, kept: bool) -> None:
    assert spec["_plugin_kept"](dest) is kept


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("PySide6/Qt/translations/qtbase_de.qm", True),
        ("PySide6/Qt/translations/qt_en.qm", True),
        ("resources/recipes/trello-card.json", False),
        ("composer/liquid/latest/icuzones.pyc", False),
    ],
)
def test_spec_drops_qt_translations_only(spec: dict[str, Any], dest: str, dropped: bool) -> None:
    assert spec["_is_translation"](dest) is dropped


def test_build_script_parses_and_reports_the_size() -> None:
    script = PACKAGING / "build.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text(encoding="utf-8")
    assert "du -sh" in text and "webhook-composer.spec" in text
