"""Starting the desktop application."""

from __future__ import annotations

import sys
import time
from pathlib import Path

_T0 = time.perf_counter()


def run(data_dir: Path | None, exit_after_startup: bool, screenshots: str | None) -> int:
    """Open the window on the workspace in ``data_dir``; returns the exit code."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit

    from composer.model import Request, load_context
    from composer.render import render

    app = QApplication.instance() or QApplication(sys.argv[:1])
    resources = Path(__file__).resolve().parent.parent / "resources"
    recipes = sorted((resources / "recipes").glob("*.json"))
    recipes = [p for p in recipes if p.name != "index.json"]
    window = QMainWindow()
    window.setWindowTitle("Webhook Composer")
    view = QPlainTextEdit()
    view.setReadOnly(True)
    if recipes:
        context_file = resources / "sample" / "context.json"
        context = load_context(context_file) if context_file.exists() else {}
        rendered = render(Request.from_file(recipes[0]), context)
        lines = [f"{rendered.method} {rendered.url}"]
        lines += [f"{n}: {v}" for n, v in rendered.headers]
        view.setPlainText("\n".join(lines) + "\n\n" + rendered.body)
    window.setCentralWidget(view)
    window.resize(900, 600)
    window.show()
    if exit_after_startup:

        def done() -> None:
            print(f"started in {(time.perf_counter() - _T0) * 1000:.0f} ms", flush=True)
            app.quit()

        QTimer.singleShot(0, done)
    return int(app.exec())
