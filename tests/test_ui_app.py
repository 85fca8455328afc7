"""``webhook-composer`` as a process: --exit-after-startup and --screenshots (offscreen)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ui.app import process_age_ms

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",  # never the user's keychain
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ui.main", "--data-dir", str(tmp_path / "data"), *args]
    return subprocess.run(
        command, cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )


def test_exit_after_startup_prints_the_time_and_exits_0(tmp_path: Path) -> None:
    done = _run(tmp_path, "--exit-after-startup")
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"started in \d+ ms\n", done.stdout)
    assert (tmp_path / "data" / "workspace.sqlite3").exists()


def test_screenshots_writes_the_pages_as_pngs(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    done = _run(tmp_path, "--screenshots", str(out))
    assert done.returncode == 0, done.stderr
    pictures = ("body-tab.png", "response-tab.png", "people.png", "outbox.png", "recipes.png")
    for name in (*pictures, "secrets.png"):
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000


def test_an_unreadable_workspace_is_one_plain_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "workspace.sqlite3").write_bytes(b"this is not SQLite" * 100)
    done = _run(tmp_path, "--exit-after-startup")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not a readable SQLite database" in done.stderr


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_process_age_counts_from_the_process_start() -> None:
    age, since = process_age_ms()
    assert since == "process start" and age > 0


def test_exit_after_startup_on_an_empty_workspace(tmp_path: Path) -> None:
    from composer.store.seed import open_workspace

    with open_workspace(tmp_path / "data") as db:
        for name in db.requests.names():
            db.requests.delete(name)
    done = _run(tmp_path, "--exit-after-startup")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("started in ")
