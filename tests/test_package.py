"""The package as shipped: the wheel's contents, the import rule, the public surface."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest

import composer

ROOT = Path(__file__).resolve().parent.parent


def test_core_never_imports_qt() -> None:
    code = (
        "import importlib, pkgutil, sys, composer\n"
        "for m in pkgutil.walk_packages(composer.__path__, 'composer.'):\n"
        "    if m.name != 'composer.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "qt = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'ui'))\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == ""


def test_public_surface_is_complete() -> None:
    for name in composer.__all__:
        assert hasattr(composer, name), name
    for module_name in (
        "composer.model",
        "composer.rendering.render",
        "composer.rendering.diagnostics",
        "composer.errors",
    ):
        module = importlib.import_module(module_name)
        missing = set(module.__all__) - set(composer.__all__)
        assert not missing, f"{module_name} exports {missing} but composer does not"


def test_every_module_declares_all() -> None:
    for info in pkgutil.walk_packages(composer.__path__, "composer."):
        if info.name == "composer.__main__":
            continue
        module = importlib.import_module(info.name)
        assert isinstance(getattr(module, "__all__", None), list), info.name


@pytest.mark.slow
def test_wheel_ships_code_and_resources(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("webhook_composer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "composer/rendering/render.py" in names
    assert "ui/main.py" in names
    recipes = {n for n in names if n.startswith("resources/recipes/") and n.endswith(".json")}
    shipped = {f"resources/recipes/{p.name}" for p in (ROOT / "resources/recipes").glob("*.json")}
    assert shipped and recipes == shipped
    assert "resources/sample/people.json" in names
    assert not any(n.startswith("tests/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "webhook-composer = ui.main:main" in text


def test_a_public_name_stays_itself_after_every_submodule_is_imported() -> None:
    for info in pkgutil.walk_packages(composer.__path__, "composer."):
        if info.name != "composer.__main__":
            importlib.import_module(info.name)
    assert callable(composer.render) and not isinstance(composer.render, types.ModuleType)
