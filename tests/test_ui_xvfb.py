"""End to end under a real X server: the app starts on the sample workspace and is drawn.

Each test starts its own Xvfb (skipped when Xvfb is not installed, failed when ``CI`` is
set) and runs ``python -m ui.main --data-dir …`` with the xcb platform as a separate
process: once waiting for the "Webhook Composer" window and saving a screenshot of the
screen under the test's tmp_path, once with ``--screenshots`` saving every page (the body
and response tabs, People, the outbox…); no picture may be blank. A third run pastes a
1 MB pretty-printed JSON (31,000 lines) into the body with the real clipboard (held by a
small Qt program on the same display), waits until the workspace file holds it, and
requires that the application logged nothing at all meanwhile: no Qt warning, no Python
traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
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
        pictures = (
            "body-tab.png",
            "response-tab.png",
            "response-viewer.png",
            "people.png",
            "outbox.png",
            "dark-theme.png",
        )
        for name in pictures:
            assert _colors(out / name, env) > 10, f"{name} looks blank"
    finally:
        server.terminate()
        server.wait(10)


_CLIPBOARD_OWNER = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
app.clipboard().setText(open(sys.argv[1], encoding="utf-8").read())
print("ready", flush=True)
app.exec()
"""


def _stored_body_length(database: Path, name: str) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
            row = db.execute("SELECT data FROM requests WHERE name = ?", (name,)).fetchone()
    except sqlite3.Error:
        return 0
    return len(json.loads(row[0]).get("body", "")) if row else 0


def test_pasting_a_megabyte_into_the_body_logs_nothing(tmp_path: Path) -> None:
    _require_tools()
    lines = [f"{{{{ customer.email }}}} line {i:06} of the pasted body" for i in range(31_000)]
    text = json.dumps({"lines": lines}, indent=2)
    assert len(text) > 1_000_000 and text.count("\n") > 31_000
    source = tmp_path / "big.json"
    source.write_text(text, encoding="utf-8")
    server, display = _start_xvfb(tmp_path)
    env = _env(tmp_path, display)
    data = tmp_path / "data"
    log_path = tmp_path / "app.log"
    log = log_path.open("wb")
    app = subprocess.Popen(
        [sys.executable, "-m", "ui.main", "--data-dir", str(data)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    owner = subprocess.Popen(
        [sys.executable, "-c", _CLIPBOARD_OWNER, str(source)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == "ready"
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Webhook Composer"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert found.returncode == 0, log_path.read_text()
        window = found.stdout.split()[0]
        shape = subprocess.run(
            ["xdotool", "getwindowgeometry", "--shell", window],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        geometry = dict(line.split("=", 1) for line in shape.split())
        # the body editor: the left half of the composer, which opens on the Body tab
        x = int(geometry["X"]) + int(int(geometry["WIDTH"]) * 0.43)
        y = int(geometry["Y"]) + int(int(geometry["HEIGHT"]) * 0.375)
        opened = subprocess.run(  # the title names the request once it is open to edit
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Plain JSON: id and email"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert opened.returncode == 0, log_path.read_text()
        time.sleep(0.5)  # the first preview
        subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], env=env, check=True)
        subprocess.run(["xdotool", "key", "ctrl+a", "ctrl+v"], env=env, check=True)
        deadline = time.monotonic() + 60
        while _stored_body_length(data / "workspace.sqlite3", "Plain JSON: id and email") < len(
            text
        ):
            assert time.monotonic() < deadline, "the paste never reached the workspace"
            assert app.poll() is None, log_path.read_text()
            time.sleep(0.2)
        shot = tmp_path / "pasted.png"
        subprocess.run(["import", "-window", "root", str(shot)], env=env, check=True)
        assert app.poll() is None, log_path.read_text()
    finally:
        app.terminate()
        app.wait(20)
        owner.terminate()
        owner.wait(10)
        if owner.stdout is not None:
            owner.stdout.close()
        log.close()
        server.terminate()
        server.wait(10)
    logged = log_path.read_text(errors="replace")
    assert logged == "", f"the application logged while a 1 MB body was pasted:\n{logged[:4000]}"
