"""The preview's worker thread: stopped on request, and harmless when dropped unstopped."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_a_worker_thread_dropped_without_stop_does_not_abort_the_process() -> None:
    # Qt aborts the whole process when a running QThread is destroyed: run it apart
    code = textwrap.dedent(
        """
        import gc
        from PySide6.QtCore import QCoreApplication, QObject
        from ui.ops.threads import WorkerThread

        app = QCoreApplication([])
        thread = WorkerThread(QObject(), "dropped")
        assert thread.running
        del thread
        gc.collect()
        print("survived")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "survived"
    assert "Destroyed while thread" not in done.stderr
