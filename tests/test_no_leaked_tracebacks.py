"""The suite fails a test that leaks a traceback from a Qt slot, a finaliser or a thread.

Each check runs a small test file in its own pytest (with this suite's conftest) and reads
the outcome, since the failure is the point.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

LEAKS = {
    "qt_slot": """
from PySide6.QtCore import QTimer

def test_leak(qtbot):
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: 1 / 0)
    with qtbot.waitSignal(timer.timeout):
        timer.start(0)
""",
    "unraisable": """
import gc

class Broken:
    def __del__(self):
        raise ValueError("from a finaliser")

def test_leak():
    Broken()
    gc.collect()
""",
    "thread": """
import threading

def test_leak():
    worker = threading.Thread(target=lambda: 1 / 0, name="worker")
    worker.start()
    worker.join()
""",
}


def run_suite(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(HERE / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_case.py").write_text(body, encoding="utf-8")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-W",
            "ignore::pytest.PytestUnraisableExceptionWarning",
            "-W",
            "ignore::pytest.PytestUnhandledThreadExceptionWarning",
            str(tmp_path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("kind", sorted(LEAKS))
def test_a_leaked_traceback_fails_the_test(tmp_path: Path, kind: str) -> None:
    done = run_suite(tmp_path, LEAKS[kind])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "traceback(s) leaked during the test" in done.stdout, done.stdout
    assert "ZeroDivisionError" in done.stdout or "ValueError" in done.stdout, done.stdout


def test_a_quiet_test_passes(tmp_path: Path) -> None:
    done = run_suite(tmp_path, "def test_quiet():\n    assert 1 + 1 == 2\n")
    assert done.returncode == 0, done.stdout + done.stderr
