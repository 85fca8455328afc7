"""End to end under a real X server: the app starts on the sample workspace and is drawn.

Each test starts its own Xvfb (skipped when Xvfb is not installed, failed when ``CI`` is
set) and runs ``python -m ui.main --data-dir …`` with the xcb platform as a separate
process: once waiting for the "Webhook Composer" window and saving a screenshot of the
screen under the test's tmp_path, once with ``--screenshots`` saving every page (the body
and response tabs, People, the outbox…); no picture may be blank.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("Xvfb", "xdotool", "import", "identify")

pytestmark = pytest.mark.xvfb


def _require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"needs {', '.join(missing)} (apt-get install xvfb xdotool imagemagick)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _start_xvfb(tmp_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    with (tmp_path / "xvfb.log").open("wb") as log:
        server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        number = pipe.readline().decode().strip()
    if not number:
        server.kill()
        server.wait()
        pytest.fail("Xvfb did not start; see xvfb.log")
    return server, f":{number}"


def _colors(path: Path, env: dict[str, str]) -> int:
    out = subprocess.run(
        ["identify", "-format", "%k", str(path)], env=env, capture_output=True, check=True
    )
    return int(out.stdout.decode().strip() or 0)


def _env(tmp_path: Path, display: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",  # never the user's keychain
        WEBHOOK_COMPOSER_HOME=str(tmp_path / "home"),
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


def test_the_app_starts_under_xvfb_and_draws_its_window(tmp_path: Path) -> None:
    _require_tools()
    server, display = _start_xvfb(tmp_path)
    env = _env(tmp_path, display)
    log = (tmp_path / "app.log").open("wb")
    app = subprocess.Popen(
        [sys.executable, "-m", "ui.main", "--data-dir", str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Webhook Composer"],
            env=env,
            capture_output=True,
            timeout=60,
        )
        assert found.returncode == 0, (tmp_path / "app.log").read_text()
        shot = tmp_path / "shot.png"
        colors = 0
        deadline = time.monotonic() + 30
        while colors <= 200 and time.monotonic() < deadline:  # until the preview is drawn
            subprocess.run(["import", "-window", "root", str(shot)], env=env, check=True)
            colors = _colors(shot, env)
        assert shot.exists() and shot.stat().st_size > 0
        assert colors > 10, f"the screenshot looks blank ({colors} colours)"
        assert app.poll() is None, (tmp_path / "app.log").read_text()
    finally:
        app.terminate()
        app.wait(10)
        log.close()
        server.terminate()
        server.wait(10)


def test_every_page_is_drawn_under_xvfb(tmp_path: Path) -> None:
    _require_tools()
    server, display = _start_xvfb(tmp_path)
    env = _env(tmp_path, display)
    out = tmp_path / "pages"
    command = [sys.executable, "-m", "ui.main", "--data-dir", str(tmp_path / "data")]
    try:
        done = subprocess.run(
            [*command, "--screenshots", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        for name in ("body-tab.png", "response-tab.png", "people.png", "outbox.png"):
            assert _colors(out / name, env) > 10, f"{name} looks blank"
    finally:
        server.terminate()
        server.wait(10)
