"""The built PyInstaller bundle starts, finds its data, and holds only what it should.

Skipped unless ``WEBHOOK_COMPOSER_BUNDLE`` names a bundle folder (``dist/webhook-composer``
after ``make bundle``)::

    WEBHOOK_COMPOSER_BUNDLE=dist/webhook-composer .venv/bin/python -m pytest \\
        tests/test_bundle_smoke.py

Each test runs the frozen executable as a user would, offscreen, on a fresh workspace.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_BUNDLE = os.environ.get("WEBHOOK_COMPOSER_BUNDLE", "")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not _BUNDLE, reason="WEBHOOK_COMPOSER_BUNDLE names no built bundle"),
]


@pytest.fixture
def bundle() -> Path:
    folder = Path(_BUNDLE).resolve()
    assert folder.is_dir(), f"WEBHOOK_COMPOSER_BUNDLE={_BUNDLE} is not a folder"
    return folder


@pytest.fixture
def executable(bundle: Path) -> Path:
    name = "webhook-composer.exe" if sys.platform == "win32" else "webhook-composer"
    path = bundle / name
    assert path.is_file(), path
    return path


def _run(
    executable: Path, home: Path, *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["WEBHOOK_COMPOSER_HOME"] = str(home)
    env.pop("PYTHONPATH", None)  # the bundle must not lean on the source tree
    return subprocess.run(
        [str(executable), *args],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def test_window_starts_and_exits(executable: Path, tmp_path: Path) -> None:
    result = _run(executable, tmp_path, "--exit-after-startup")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "started in" in result.stdout


def test_first_start_seeds_the_shipped_recipes(executable: Path, tmp_path: Path) -> None:
    result = _run(executable, tmp_path, "requests", "list", "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    names = {request["name"] for request in json.loads(result.stdout)}
    recipes = [p for p in (ROOT / "resources/recipes").glob("*.json") if p.name != "index.json"]
    assert len(names) == len(recipes)


def test_renders_a_recipe_with_the_bundled_liquid(
    executable: Path, bundle: Path, tmp_path: Path
) -> None:
    resources = next(bundle.rglob("resources/recipes")).parent
    result = _run(
        executable,
        tmp_path,
        "render",
        str(resources / "recipes" / "trello-card.json"),
        "--context",
        str(resources / "sample" / "context.json"),
        "--json",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rendered = json.loads(result.stdout)
    assert rendered["method"] == "POST"
    assert rendered["url"].startswith("https://api.trello.com/")
    assert rendered["diagnostics"] == []


def test_check_forks_workers_inside_the_bundle(executable: Path, tmp_path: Path) -> None:
    """Enough people for the per-person check to hand chunks to worker processes."""
    people = [
        {"id": f"p{i}", "email": f"p{i}@example.com", "attributes": {"first_name": f"F{i}"}}
        for i in range(1500)
    ]
    people_file = tmp_path / "people.json"
    people_file.write_text(json.dumps(people), encoding="utf-8")
    imported = _run(executable, tmp_path, "people", "import", str(people_file))
    assert imported.returncode == 0, imported.stderr[-2000:]
    listed = _run(executable, tmp_path, "requests", "list", "--json")
    name = json.loads(listed.stdout)[0]["name"]
    result = _run(executable, tmp_path, "check", name, "--json", "--workers", "2")
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert isinstance(json.loads(result.stdout), list)
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2_with_one_line(executable: Path, tmp_path: Path) -> None:
    result = _run(executable, tmp_path, "no-such-command")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "unwanted",
    ["QtNetwork", "QtQml", "QtQuick", "QtWebEngine", "QtPdf", "qgtk3", "qeglfs", "qjpeg"],
)
def test_unused_qt_parts_are_left_out(bundle: Path, unwanted: str) -> None:
    found = [p for p in bundle.rglob(f"*{unwanted}*") if p.is_file() or p.is_symlink()]
    assert found == []


def test_no_qt_translations_and_no_dangling_links(bundle: Path) -> None:
    assert not [p for p in bundle.rglob("*.qm")]
    assert not [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]


def test_desktop_files_travel_with_the_bundle(bundle: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the share/ folder is laid out for Linux desktops")
    app_id = "io.github.webhookcomposer.WebhookComposer"
    share = bundle / "share"
    assert (share / "applications" / f"{app_id}.desktop").is_file()
    assert (share / "metainfo" / f"{app_id}.metainfo.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{app_id}.svg").is_file()
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / f"{app_id}.png").is_file()
