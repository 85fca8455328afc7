"""Start-up and closing stay lean: the keychain is not opened for a window that is closing,
the engine's steps reach the GUI thread in order however they are batched, and a closed
app leaves no engine thread or run lock behind."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import shiboken6
import ui_helpers
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS

from composer.delivery.records import Deliveries
from composer.model import Request
from composer.store.database import Database
from ui.ops import engine as engine_module
from ui.ops import hub
from ui.ops.delivery_client import DeliveryClient
from ui.ops.engine import DeliveryEngine, SendJob, SendUpdate

pytestmark = UI_MARKS
workspace = ui_helpers.workspace
ui_settings = ui_helpers.ui_settings
no_real_keychain = ui_helpers.no_real_keychain

ROOT = Path(__file__).resolve().parent.parent


def test_a_stopped_client_never_opens_the_keychain(qtbot: QtBot, workspace: Database) -> None:
    client = DeliveryClient(workspace)
    client.stop()  # the window closed before its first preview's timer fired
    client.start()
    assert not client.started
    assert hub().busy == 0  # no op opening the keychain
    assert client.secret_store is None and client.engine is None


def test_a_keychain_opened_after_closing_starts_no_engine_and_keeps_the_sends(
    qtbot: QtBot, workspace: Database
) -> None:
    client = DeliveryClient(workspace)
    client.start()  # the keychain opens on a worker
    job = SendJob(Request("Late", "http://127.0.0.1:9/late", body="{}"), {}, None)
    client.send(job)  # asked while the keychain was still opening
    client.stop()  # and the window closed
    assert hub().wait_idle(10)
    assert client.engine is None
    assert workspace.path not in engine_module._engines  # nothing left running
    recorded = Deliveries(workspace).list()
    assert [d.request_name for d in recorded] == ["Late"]
    assert recorded[0].state == "queued"  # sent at the next start


def test_steps_from_the_scheduler_thread_arrive_in_order(qtbot: QtBot, tmp_path: Path) -> None:
    engine = DeliveryEngine(tmp_path / "unused.sqlite3", None)
    seen: list[int] = []
    engine.update.connect(lambda update: seen.append(update.delivery_id))

    def scheduler() -> None:
        for i in range(2000):
            engine._say("update", SendUpdate(i, "attempt_started"))

    thread = threading.Thread(target=scheduler)
    thread.start()
    qtbot.waitUntil(lambda: len(seen) == 2000, timeout=10_000)
    thread.join()
    assert seen == list(range(2000))


def test_a_step_after_the_engine_is_deleted_is_dropped_quietly(tmp_path: Path) -> None:
    engine = DeliveryEngine(tmp_path / "unused.sqlite3", None)
    shiboken6.delete(engine)  # the app quit while the scheduler ended its pass
    thread = threading.Thread(target=lambda: engine._say("resumed", 0))
    thread.start()
    thread.join()  # a traceback here would fail the test (threading.excepthook)


def test_exit_after_startup_leaves_no_engine_or_run_lock(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    data = tmp_path / "data"
    command = [sys.executable, "-m", "ui.main", "--data-dir", str(data), "--exit-after-startup"]
    for _ in range(2):  # the second start opens the workspace the first one seeded
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    outbox = data / "workspace.sqlite3.outbox"
    locks = list(outbox.glob("run-*.lock")) if outbox.exists() else []
    assert locks == []
