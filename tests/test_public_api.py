"""The boundary between the core and the window: each public name is listed once, and ui/
imports from composer only names a module lists in its ``__all__``."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import composer

ROOT = Path(__file__).resolve().parent.parent
UI_FILES = sorted((ROOT / "ui").rglob("*.py"))


def _imports_from_composer(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name) for each composer import in a file (name None: a plain import)."""
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "composer" or node.module.startswith("composer."):
                found.extend((node.lineno, node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(
                (node.lineno, alias.name, None)
                for alias in node.names
                if alias.name == "composer" or alias.name.startswith("composer.")
            )
    return found


def _is_submodule(module: ModuleType, name: str) -> bool:
    if not hasattr(module, "__path__"):
        return False
    return any(info.name == name for info in pkgutil.iter_modules(module.__path__))


def test_the_package_lists_each_public_name_once() -> None:
    homes: dict[str, tuple[str, ...]] = composer._HOMES  # type: ignore[attr-defined]
    names = [name for group in homes.values() for name in group]
    assert len(names) == len(set(names))
    assert composer.__all__ == sorted([*names, "__version__"])
    for module_name, group in homes.items():
        module = importlib.import_module(module_name)
        assert sorted(module.__all__) == sorted(group), module_name
        for name in group:
            assert getattr(composer, name) is getattr(module, name)


def test_the_type_checking_imports_are_the_homes() -> None:
    tree = ast.parse((ROOT / "composer/__init__.py").read_text(encoding="utf-8"))
    guarded = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
    )
    modules = {n.module for n in guarded.body if isinstance(n, ast.ImportFrom)}
    assert modules == set(composer._HOMES)  # type: ignore[attr-defined]


def test_every_core_module_the_window_imports_declares_all() -> None:
    modules = {module for path in UI_FILES for _, module, _ in _imports_from_composer(path)}
    assert modules, "the window imports nothing from composer?"
    for module_name in sorted(modules):
        module = importlib.import_module(module_name)
        assert isinstance(getattr(module, "__all__", None), list), module_name


def _breaches(paths: list[Path]) -> list[str]:
    breaches: list[str] = []
    for path in paths:
        for line, module_name, name in _imports_from_composer(path):
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line}"
            if name is None:
                if any(part.startswith("_") for part in module_name.split(".")):
                    breaches.append(f"{where}: import {module_name} (a private module)")
                continue
            module = importlib.import_module(module_name)
            if name.startswith("_"):
                breaches.append(f"{where}: {name} from {module_name} is private")
            elif name not in getattr(module, "__all__", ()) and not _is_submodule(module, name):
                breaches.append(f"{where}: {name} is not in {module_name}.__all__")
    return breaches


def test_the_window_imports_only_public_core_names() -> None:
    assert _breaches(UI_FILES) == []


@pytest.mark.parametrize(
    ("source", "breach"),
    [
        ("from composer.store.people import _EXACT\n", "_EXACT from composer.store.people"),
        (
            "from composer.store.database import json\n",
            "json is not in composer.store.database.__all__",
        ),
    ],
)
def test_the_rule_catches_a_breach(tmp_path: Path, source: str, breach: str) -> None:
    bad = tmp_path / "page.py"
    bad.write_text(source, encoding="utf-8")
    found = _breaches([bad])
    assert len(found) == 1 and breach in found[0]
