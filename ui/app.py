"""Starting the desktop application: ``ui.app.run(data_dir, exit_after_startup, screenshots)``.

Start-up is kept lean: Qt and the window are imported here, inside :func:`run`; the
keychain, the outbox and httpx are opened by the delivery worker in its own thread once the
first preview is drawn; people are read a page at a time.

The renderer module is imported before Qt, on the GUI thread, although only the render
thread uses it; the Liquid engines themselves (about 120 ms of imports for both, half of
it compiling regular expressions) load on the render thread at the first render, as
:func:`composer.liquid.engine` builds each version on first use. Importing both engines
here before Qt instead measured no faster (the process's wall time within 15 ms either
way): the GIL lets only one thread import at a time, so the work costs the same wherever
it runs. A process forked to render the first preview did not help either, as two busy
processes on the 2-core machine of the budgets run at half speed each.

Python's GIL switch interval is set here, once for the process, to
:data:`ui.ops.threads.SWITCH_INTERVAL` (0.5 ms instead of 5): the GUI thread waits for the GIL
each time it comes back from Qt into Python, and measured with ``tests/bench_ui.py`` the
longest stall while a 1 MB body renders in the background fell by about half. Creating a
worker thread never changes it; a test run keeps Python's default.

The cyclic garbage collector is off from the start of :func:`run` until the first preview
is drawn: nearly everything start-up allocates (modules, classes, Qt wrappers) lives as
long as the window, so the full collections that the imports would set off only walk it,
10–20 ms in all. Once the preview is drawn the collector is on again, and half a second
later those objects are frozen out of its reach (:func:`ui.ops.threads.freeze_startup_objects`).
When the window has closed (saved, threads stopped, the workspace closed) every object
left is frozen too, so the interpreter's final collections do not walk the whole heap on
the way out: the process ends about 60 ms sooner, and the memory goes back with it.

``--exit-after-startup`` prints ``started in N ms`` once the window is shown *and* its
first preview drawn (or, in an empty workspace, once the window knows there is none: the
first request is read by an op, and ``restored`` says which), then quits without opening
the keychain, which the window does only after its first preview. N counts from the
process's start as the kernel recorded it (``/proc/self/stat`` field 22 against
``/proc/uptime``; 10 ms resolution), so the interpreter's own start-up and every import
are included. Where ``/proc`` is missing it counts from this module's import instead, and
says so.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QWidget

    from composer.store.database import Database
    from ui.window.main_window import MainWindow

__all__ = ["install_pages", "place_beside_preview", "process_age_ms", "run"]

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


def run(
    data_dir: Path | None,
    exit_after_startup: bool,
    screenshots: str | None,
    *,
    verbose: bool = False,
) -> int:
    """Open the window on the workspace in ``data_dir``; returns the exit code.

    The log (:mod:`composer.logs`) is set up first; ``verbose`` prints its lines on stderr.
    """
    from composer.logs import setup_logging
    from ui.ops.threads import SWITCH_INTERVAL

    setup_logging(verbose=verbose)

    sys.setswitchinterval(SWITCH_INTERVAL)  # for the whole app: see the module docstring
    collecting = gc.isenabled()
    gc.disable()  # start-up allocates for good: see the module docstring
    try:
        return _run(data_dir, exit_after_startup, screenshots)
    finally:
        if collecting:
            gc.enable()
        gc.freeze()  # closed and saved: the exit need not walk the heap (module docstring)


def _report_started(app: Any) -> None:
    """``--exit-after-startup``: print how long start-up took, and quit."""
    age, since = process_age_ms()
    suffix = "" if since == "process start" else f" (since the {since})"
    print(f"started in {age:.0f} ms{suffix}", flush=True)
    app.quit()


def _app_icon() -> QIcon:
    """The application icon shipped in ``resources/icons`` (SVG, with a PNG fallback)."""
    from PySide6.QtGui import QIcon

    from composer.paths import resources_dir

    icons = resources_dir() / "icons"
    icon = QIcon(str(icons / "webhook-composer.svg"))
    icon.addFile(str(icons / "webhook-composer.png"))
    return icon


def _run(data_dir: Path | None, exit_after_startup: bool, screenshots: str | None) -> int:
    importlib.import_module("composer.rendering.render")  # before Qt: see the module docstring
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from composer.errors import KnownError
    from composer.store.seed import open_workspace

    app = QApplication.instance() or QApplication(sys.argv[:1])
    # The names the desktop matches: X11's WM_CLASS (the .desktop file's StartupWMClass)
    # and Wayland's app id (the .desktop file's name); see packaging/README.md.
    app.setApplicationName("webhook-composer")
    QApplication.setApplicationDisplayName("Webhook Composer")
    QApplication.setDesktopFileName("io.github.webhookcomposer.WebhookComposer")
    QApplication.setWindowIcon(_app_icon())
    try:
        db = open_workspace(data_dir)
    except KnownError as exc:
        logging.getLogger("ui.app").error("The workspace did not open: %s", exc)
        if exit_after_startup or screenshots:
            print(f"webhook-composer: {exc}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "Webhook Composer", str(exc))
        return 2

    import composer
    from ui.window.main_window import MainWindow

    logging.getLogger("ui.app").info("Webhook Composer %s opened %s", composer.__version__, db.path)
    window = MainWindow(db)
    install_pages(window, db)
    code = 0
    try:
        window.show()
        if screenshots:
            window.wait_for_preview()
            for path in window.save_screenshots(Path(screenshots)):
                print(path)
            return 0
        from ui.ops.threads import freeze_startup_objects

        over = False

        def started(_result: object = None) -> None:
            """Start-up is over: the first preview is drawn, or there is none to draw."""
            nonlocal over
            if over:
                return
            over = True
            gc.enable()
            QTimer.singleShot(500, freeze_startup_objects)  # once start-up has settled
            if exit_after_startup:
                # what follows the first preview (the keychain, the delivery engine) is not
                # start-up, and a window closing at once never waits for it to open
                window.deliveries.stop()
                QTimer.singleShot(0, lambda: _report_started(app))

        def restored(name: str) -> None:
            if not name:  # an empty workspace has no preview to wait for
                started()

        window.previewShown.connect(started, Qt.ConnectionType.SingleShotConnection)
        if getattr(window, "restoring", False):  # the first request is still being read
            window.restored.connect(restored, Qt.ConnectionType.SingleShotConnection)
        elif window.current_name is None:
            started()
        code = int(app.exec())
    finally:
        from ui.ops import close_workspace, hub
        from ui.ops.engine import stop_all

        window.shutdown()
        window.deleteLater()
        stop_all()  # any engine a page still held: attempts in flight are recorded first
        hub().wait_idle()
        close_workspace(db.path)
        db.close()
    return code


def _picture_of(window: MainWindow, name: str) -> Callable[[], QWidget]:
    """Bring page ``name`` forward and let it prepare its picture (``prepare_screenshot``)."""

    def prepare() -> QWidget:
        from PySide6.QtWidgets import QWidget

        page = window.show_page(name)
        prepare_page = getattr(page, "prepare_screenshot", None)
        shown = prepare_page() if callable(prepare_page) else page
        return shown if isinstance(shown, QWidget) else page

    return prepare


def install_pages(window: MainWindow, db: Database) -> None:
    """Add People, Outbox, Recipes and Inbox (each built when first shown), the Secrets
    dialog, the Request menu's check, cURL and Customer.io actions, and the Customer.io
    menu (:func:`ui.cio.actions.install_cio_menu`).

    The pages share the window's secret store once the keychain is open
    (``lambda: window.secret_store``); their pictures join ``--screenshots``.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction

    def secrets() -> Any:
        return window.secret_store

    def people() -> QWidget:
        from ui.pages.people import PeoplePage

        page = PeoplePage(db, secrets, window.current_request)
        page.personChosen.connect(window.preview_for)
        page.peopleChanged.connect(window.reload_people)
        return page

    def outbox() -> QWidget:
        from ui.pages.outbox import OutboxPage

        page = OutboxPage(db, secrets, backoff_base=window.deliveries.backoff_base)
        page.requestOpened.connect(window.show_request)
        page.personChosen.connect(window.preview_for)
        return page

    def recipes() -> QWidget:
        from ui.pages.recipes import RecipesPage

        page = RecipesPage(db, secrets)
        page.requestCreated.connect(window.show_request)
        return page

    for name, build, picture in (
        ("People", people, "people.png"),
        ("Outbox", outbox, "outbox.png"),
        ("Recipes", recipes, "recipes.png"),
    ):
        window.add_page(name, build)
        window.add_screenshot(picture, _picture_of(window, name))

    def secrets_dialog(picture: bool = False) -> Any:
        """Edit ▸ Secrets…: the dialog (window-modal) once the keychain is open. Not open
        yet: "Opening the keychain…", the dialog when it is, and None returned now. The
        picture (``--screenshots``) waits for the keychain and the dialog's first list."""
        from ui.dialogs.secrets import SecretsDialog

        def show(store: Any) -> Any:
            dialog = SecretsDialog(store, parent=window)
            dialog.secretsChanged.connect(window.refresh_secrets)
            if not picture:
                dialog.finished.connect(dialog.deleteLater)
                dialog.open()
                return dialog
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.show()
            if not dialog.loaded:
                from PySide6.QtCore import QEventLoop, QTimer

                loop = QEventLoop()
                limit = QTimer(loop)
                limit.setSingleShot(True)
                limit.timeout.connect(loop.quit)
                dialog.listed.connect(loop.quit)
                limit.start(10_000)
                loop.exec()
            return dialog

        if picture:
            store = window.wait_for_secret_store(10.0)
            if store is None:
                window.show_problem("The keychain is still being opened; try again in a moment.")
                return window
            return show(store)
        from ui.dialogs.keychain_wait import KeychainWait

        keychain = window.findChild(KeychainWait, "secretsKeychainWait")
        if keychain is None:
            keychain = KeychainWait(window)
            keychain.setObjectName("secretsKeychainWait")
        return keychain.when_open(lambda: show(window.secret_store))

    def inbox() -> QWidget:
        from ui.pages.inbox import InboxPage

        page = InboxPage()
        page.urlChosen.connect(lambda url: _use_url(window, url))
        return page

    window.add_page("Inbox", inbox)
    _install_request_tools(window, db)

    action = QAction("&Secrets…", window)
    action.triggered.connect(lambda _=False: secrets_dialog())
    window.menu("&Edit").addAction(action)
    window.add_screenshot("secrets.png", lambda: secrets_dialog(picture=True))

    from ui.cio.actions import install_cio_menu
    from ui.dialogs.preferences import install_preferences

    install_cio_menu(window)
    install_preferences(window)


def _use_url(window: MainWindow, url: str) -> None:
    """Put ``url`` in the open request's URL field (an edit, saved like any other)."""
    if window.current_name is None:
        window.show_problem("Open a request first, then use the inbox's URL for it.")
        return
    window.composer.request_tab.url.set_text(url)
    window.show_request(window.current_name)


def place_beside_preview(dialog: QWidget, window: MainWindow) -> None:
    """Put ``dialog`` over the request list and the editor, leaving the preview (the body
    tab's right half, where activating a person shows its rendering) uncovered; beside the
    window when there is no room over it."""
    from PySide6.QtCore import QPoint, QRect

    frame = window.frameGeometry()
    preview = window.composer.body_tab.split.widget(1)
    visible = preview is not None and preview.isVisible()
    preview_left = preview.mapToGlobal(QPoint(0, 0)).x() if preview is not None and visible else 0
    if preview_left <= frame.left():
        preview_left = frame.left() + frame.width() // 2
    width = preview_left - frame.left() - 8
    height = max(360, frame.height() - 80)
    if width >= 420:
        dialog.setGeometry(QRect(frame.left() + 4, frame.top() + 40, width, height))
        return
    screen = window.screen().availableGeometry() if window.screen() else None
    right = frame.right() + 8
    if screen is not None and screen.right() - right >= 420:
        dialog.setGeometry(QRect(right, frame.top(), min(640, screen.right() - right), height))
    else:
        dialog.setGeometry(QRect(frame.left() + 4, frame.top() + 40, 420, height))


def _install_request_tools(window: MainWindow, db: Database) -> None:
    """Add "Check every person…", "Upgrade check…", "Import from cURL…", "Copy as cURL"
    and "Copy for Customer.io…" to the Request menu.

    Each check runs in a window-less dialog kept for the session (its last report stays);
    choosing the menu item runs the check at once (no second click), and the dialog is
    placed beside the preview it points to, not over it. Closing the main window cancels a
    running check and waits for it.
    """
    from PySide6.QtGui import QAction

    def session_dialog(build: Callable[[], Any], run_at_once: bool) -> Callable[[], None]:
        made: list[Any] = []

        def show() -> None:
            if not made:
                dialog = build()
                dialog.page.personChosen.connect(window.preview_for)
                dialog.stop_with(window)
                made.append(dialog)
                place_beside_preview(dialog, window)
            made[0].show()
            made[0].raise_()
            if run_at_once:
                made[0].page.start()  # runs now; a run under way is left to finish

        return show

    def check_dialog() -> Any:
        from ui.pages.check import CheckDialog

        return CheckDialog(db, window.current_request, lambda: window.secret_names, window)

    def upgrade_dialog() -> Any:
        from ui.pages.upgrade import UpgradeCheckDialog

        dialog = UpgradeCheckDialog(db, window.current_request, lambda: window.secret_names, window)
        dialog.page.placeChosen.connect(window.show_place)
        return dialog

    check = session_dialog(check_dialog, run_at_once=True)
    upgrade = session_dialog(upgrade_dialog, run_at_once=False)

    def import_curl() -> None:
        from ui.dialogs.curl import CurlImportDialog

        dialog = CurlImportDialog(db, secrets=lambda: window.secret_store, parent=window)
        dialog.requestCreated.connect(window.show_request)
        dialog.exec()

    def copy_curl() -> None:
        from ui.dialogs.curl import CurlExportDialog

        request = window.current_request()
        if request is None:
            window.show_problem("Open a request first.")
            return
        window.save_now()
        dialog = CurlExportDialog(
            request, window.context_bar.context(), lambda: window.secret_store, parent=window
        )
        dialog.exec()

    def copy_cio() -> None:
        from ui.dialogs.copy_cio import CopyCioDialog

        request = window.current_request()
        if request is None:
            window.show_problem("Open a request first.")
            return
        CopyCioDialog(request, parent=window).exec()

    menu = window.menu("&Request")
    menu.addSeparator()
    for text, slot, tip in (
        ("Check every &person…", check, "Render the open request for every person"),
        (
            "Up&grade check…",
            upgrade,
            "Who would receive other bytes if the open request switched Liquid version",
        ),
        ("Import from c&URL…", import_curl, "Make a request from a cURL command"),
        ("Copy as cU&RL", copy_curl, "A cURL command that sends the rendered request"),
        ("Copy for Customer.&io…", copy_cio, "The request's fields, ready to paste"),
    ):
        action = QAction(text, window)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _=False, run=slot: run())
        menu.addAction(action)
