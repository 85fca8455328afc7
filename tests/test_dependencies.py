"""Every third-party import is a declared distribution, and every declared one is used.

The application's code (``composer/``, ``ui/``) may import only what ``[project]
dependencies`` declares; the tests and benchmarks also what the ``test`` extra declares.
Each top-level module name is mapped to the distributions that provide it through
``importlib.metadata.packages_distributions()``, so a module provided by a transitive
dependency only (imported, but not declared) is found.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"composer", "ui", "resources"}
# Declared for what they give without being imported by name.
NOT_IMPORTED = {
    "tzdata": "zoneinfo's time-zone database on Windows",
    "setuptools": "builds the wheel in test_package",
    "wheel": "builds the wheel in test_package",
    "pytest-timeout": "a pytest plugin, configured in pyproject",
    "pytest-qt": "a pytest plugin (its fixtures; imported as pytestqt)",
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(*groups: str) -> set[str]:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    lines = list(project["dependencies"])
    for group in groups:
        lines += project["optional-dependencies"][group]
    return {_normal(re.split(r"[\s<>=!~;\[]", line, maxsplit=1)[0]) for line in lines}


def _top_level_imports(folders: list[Path]) -> dict[str, str]:
    """Each third-party top-level module imported, with one place that imports it."""
    found: dict[str, str] = {}
    local = {p.stem for folder in folders for p in folder.rglob("*.py")} | {
        p.name for folder in folders for p in folder.rglob("*") if p.is_dir()
    }
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            if "node_modules" in path.parts:
                continue
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            except FileNotFoundError:
                continue  # removed while the walk ran
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in sys.stdlib_module_names or top in FIRST_PARTY or top in local:
                        continue
                    found.setdefault(top, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _undeclared(imports: dict[str, str], declared: set[str]) -> list[str]:
    providers = importlib.metadata.packages_distributions()
    problems = []
    for top, where in sorted(imports.items()):
        dists = {_normal(d) for d in providers.get(top, [])}
        if not dists & declared:
            problems.append(f"{top} ({where}) comes from {sorted(dists) or 'nothing installed'}")
    return problems


def test_the_application_imports_only_declared_distributions() -> None:
    imports = _top_level_imports([ROOT / "composer", ROOT / "ui"])
    assert _undeclared(imports, _declared()) == []


def test_the_tests_import_only_declared_distributions() -> None:
    imports = _top_level_imports([ROOT / "composer", ROOT / "ui", ROOT / "tests"])
    assert _undeclared(imports, _declared("test")) == []


def test_every_declared_distribution_is_used() -> None:
    providers = importlib.metadata.packages_distributions()
    imported = _top_level_imports([ROOT / "composer", ROOT / "ui", ROOT / "tests"])
    used = {_normal(d) for top in imported for d in providers.get(top, [])}
    unused = _declared("test") - used - set(NOT_IMPORTED)
    assert unused == set()


def test_the_version_is_written_once() -> None:
    import composer

    assert importlib.metadata.version("webhook-composer") == composer.__version__
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text and composer.__version__ not in text
    spec = (ROOT / "packaging" / "webhook-composer.spec").read_text(encoding="utf-8")
    assert composer.__version__ not in spec
