"""Starting the desktop application: ``ui.app.run(data_dir, exit_after_startup, screenshots)``.

Start-up is kept lean: Qt and the window are imported here, inside :func:`run`; the
keychain, the outbox and httpx are opened by the delivery worker in its own thread once the
first preview is drawn; people are read a page at a time.

``--exit-after-startup`` prints ``started in N ms`` once the window is shown *and* its
first preview drawn. N counts from the process's start as the kernel recorded it
(``/proc/self/stat`` field 22 against ``/proc/uptime``; 10 ms resolution), so the
interpreter's own start-up and every import are included. Where ``/proc`` is missing it
counts from this module's import instead, and says so.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

__all__ = ["process_age_ms", "run"]

_IMPORTED = time.perf_counter()


def process_age_ms() -> tuple[float, str]:
    """Milliseconds since the process started, and what they are measured from."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as uptime:
            up = float(uptime.read().split()[0])
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return (up - started) * 1000, "process start"
    except (OSError, ValueError, IndexError):
        return (time.perf_counter() - _IMPORTED) * 1000, "import of ui.app"


def run(data_dir: Path | None, exit_after_startup: bool, screenshots: str | None) -> int:
    """Open the window on the workspace in ``data_dir``; returns the exit code."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from composer.errors import KnownError
    from composer.seed import open_workspace

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Webhook Composer")
    QApplication.setDesktopFileName("webhook-composer")
    try:
        db = open_workspace(data_dir)
    except KnownError as exc:
        if exit_after_startup or screenshots:
            print(f"webhook-composer: {exc}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "Webhook Composer", str(exc))
        return 2

    from ui.main_window import MainWindow

    window = MainWindow(db)
    code = 0
    try:
        window.show()
        if screenshots:
            window.wait_for_preview()
            for path in window.save_screenshots(Path(screenshots)):
                print(path)
            return 0
        from ui.workers import freeze_startup_objects

        def first_preview(_result: object) -> None:
            window.previewShown.disconnect(first_preview)
            QTimer.singleShot(500, freeze_startup_objects)  # once start-up has settled

        window.previewShown.connect(first_preview)
        if exit_after_startup:

            def started(_result: object) -> None:
                window.previewShown.disconnect(started)

                def report() -> None:
                    age, since = process_age_ms()
                    suffix = "" if since == "process start" else f" (since the {since})"
                    print(f"started in {age:.0f} ms{suffix}", flush=True)
                    app.quit()

                QTimer.singleShot(0, report)

            window.previewShown.connect(started)
            if window.current_name is None:  # an empty workspace has no preview to wait for
                started(None)
        code = int(app.exec())
    finally:
        window.shutdown()
        window.deleteLater()
        db.close()
    return code
