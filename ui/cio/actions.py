"""The Customer.io menu: the round trip with a workspace's App API, through the window.

:func:`install_cio_menu` adds "&Customer.io" to the window's menu bar with Connect…,
Pull from a campaign…, Pull sample people…, Remove pulled people… and Push to
Customer.io… (Ctrl+Shift+U, for the open request). :class:`CioActions` (a child of the
window, found with ``window.findChild(CioActions)``) owns the dialogs and the one thing
they share: how to reach Customer.io.

Decisions:

* **The key.** Connect… keeps the App API key in the OS keychain
  (:class:`composer.cioapi.KeyStore`). Without a usable keychain the dialog says so and
  the key is held in this object's memory for the session only
  (``login(remember=False)``), as the app's secrets are. It never reaches the workspace,
  a signal, a log or the screen (a password field; nothing shows it back).
* **Off the GUI thread.** Every App API call, keychain read and check runs in a
  :class:`~ui.cio.tasks.CioJobs` op; the dialogs show progress and a Cancel button.
* **The window's keychain.** Pull and Push read the app's secrets, so they need the
  window's keychain open. They never wait for it on the GUI thread: until it is open the
  status bar says "Opening the keychain…" and the dialog opens once it is, or the action
  gives up after ten seconds with a message (:class:`ui.dialogs.keychain_wait.KeychainWait`).
* **Retries.** The deliveries' rules (429, 5xx, timeouts and connection errors retried,
  ``Retry-After`` honoured), but three retries at most and a ``Retry-After`` capped at a
  minute (:data:`WINDOW_POLICY`): a person is waiting, and can cancel or try again.
* **Pull and the open request.** The open request is saved before a pull, so edits made
  here count as local edits (kept, with a diff); a pull that updates the open request
  shows the new version at once, so an autosave never writes the old text back.
* **Removing pulled people** asks first and says how many; it cannot be undone (pull
  them again), and the confirmation says so. The count and the removal are ops; the
  removal, like a pull of people, announces ``OpChanges(people=True)`` on the ops' hub,
  so the People page and every other page that shows people read them again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from composer.delivery.retry import RetryPolicy
from composer.store.database import Database
from composer.wording import counted
from ui.dialogs.keychain_wait import KeychainWait
from ui.ops import Changed, Op, OpChanges
from ui.widgets.question import ask

if TYPE_CHECKING:
    from collections.abc import Callable

    from composer.cioapi import CioClient
    from ui.window.main_window import MainWindow

__all__ = ["WINDOW_POLICY", "CioActions", "install_cio_menu"]

WINDOW_POLICY = RetryPolicy(max_retries=3, cap_retry_after=60.0)
"""The window's retry schedule for App API calls (the deliveries' rules, fewer retries)."""

APP_API_TIMEOUT = 30.0
"""Seconds one App API attempt may take in the window (the command line's default, kept
here so the window does not load the API client until Customer.io is used)."""


class CioActions(QObject):
    """The Customer.io menu's actions and dialogs for one window.

    Signals:
        connected(str): a key was accepted; the workspace's label ("the workspace …").
        pulled(object): a campaign was pulled (a :class:`composer.cioapi.CampaignPull`).
        peoplePulled(object): people were pulled (a :class:`composer.cioapi.PeoplePull`).
        peopleRemoved(int): pulled people were removed; how many.
        pushed(object): a request was pushed (a :class:`composer.cioapi.PushResult`).
    """

    connected = Signal(str)
    pulled = Signal(object)
    peoplePulled = Signal(object)
    peopleRemoved = Signal(int)
    pushed = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("cioActions")
        self.window = window
        self.db = window.db
        self.policy = WINDOW_POLICY
        """The retry schedule of App API calls."""
        self.timeout = APP_API_TIMEOUT
        """Seconds one App API attempt may take."""
        self._session_key: str | None = None
        self.dialogs: dict[str, Any] = {}
        """The dialogs made so far, by kind (``connect``, ``pull``, ``people``, ``push``)."""
        self.confirm_box: QMessageBox | None = None
        """The open "Remove pulled people?" question, if any."""
        self.actions: dict[str, QAction] = {}
        """The menu's actions, by kind."""
        self.keychain = KeychainWait(window, self)
        """Pull and Push wait here for the window's keychain (never in a nested loop)."""

    # -- what the dialogs share ------------------------------------------------------

    @property
    def session_key(self) -> bool:
        """Whether a key is held for this session only (no keychain)."""
        return self._session_key is not None

    def keep_for_session(self, key: str | None) -> None:
        """Hold ``key`` in memory for this session (None forgets it)."""
        self._session_key = key.strip() if key else None

    def client(self, cancelled: Callable[[], bool], db: Database) -> CioClient:
        """A client of the workspace's Customer.io (call it in a worker, with the worker's own
        connection ``db``: it reads the workspace and the keychain)."""
        from composer.cioapi import NoKeyError, open_client  # the client loads on first use

        try:
            return open_client(
                db,
                key=self._session_key,
                policy=self.policy,
                timeout=self.timeout,
                cancelled=cancelled,
            )
        except NoKeyError as exc:
            said = str(exc).replace("log in first", "connect first (Customer.io ▸ Connect…)")
            raise NoKeyError(said) from None

    def secret_values(self) -> dict[str, str]:
        """The app's secrets, name → value (call it in a worker: it reads the keychain)."""
        store = self.window.secret_store
        return {} if store is None else dict(store.all_values())

    # -- the menu's actions ----------------------------------------------------------

    def _dialog(self, kind: str, build: Callable[[], QWidget]) -> Any:
        dialog = self.dialogs.get(kind)
        if dialog is None:
            dialog = build()
            self.dialogs[kind] = dialog
        return dialog

    def open_connect(self) -> Any:
        """Show Connect… (key, region, Test connection)."""
        from ui.cio.connect_dialog import ConnectDialog

        dialog = self._dialog("connect", lambda: ConnectDialog(self, self.window))
        dialog.start()
        dialog.open()
        return dialog

    def open_pull(self) -> Any:
        """Show Pull from a campaign… (its campaigns are listed at once); the dialog, or
        None when it opens once the keychain does."""
        return self.keychain.when_open(self._open_pull)

    def _open_pull(self) -> Any:
        self.window.save_now()
        from ui.cio.pull_dialog import PullDialog

        dialog = self._dialog("pull", lambda: PullDialog(self, self.window))
        dialog.start()
        dialog.open()
        return dialog

    def open_people(self) -> Any:
        """Show Pull sample people… (with the personal-data notice)."""
        from ui.cio.people_dialog import PeopleDialog

        dialog = self._dialog("people", lambda: PeopleDialog(self, self.window))
        dialog.start()
        dialog.open()
        return dialog

    def open_push(self) -> Any:
        """Show Push to Customer.io… for the open request (its plan is made at once); the
        dialog, or None when it opens once the keychain does (or no request is open)."""
        if self.window.current_name is None:
            self.window.show_problem("Open a request pulled from Customer.io first.")
            return None
        return self.keychain.when_open(self._open_push)

    def _open_push(self) -> Any:
        name = self.window.current_name
        if name is None:  # closed while the keychain was opening
            self.window.show_problem("Open a request pulled from Customer.io first.")
            return None
        from ui.cio.push_dialog import PushDialog  # its plan begins once the edits are stored

        dialog = self._dialog("push", lambda: PushDialog(self, self.window))
        dialog.start(name)
        dialog.open()
        return dialog

    def ask_remove_people(self) -> None:
        """Count the pulled people (a read op), then ask, then remove them in one step."""
        from composer.cioapi import PulledPeople

        Op(self, lambda db: PulledPeople(db).count(), path=self.db.path).success(
            self._ask_remove
        ).failure(lambda error: self.window.show_problem(error.message)).run()

    def _ask_remove(self, count: int) -> None:
        if count == 0:
            self.window.statusBar().showMessage(
                "There are no people pulled from Customer.io in this workspace.", 8000
            )
            return
        who = counted(count, "person", "people")
        self.confirm_box = ask(
            self.window,
            "Remove pulled people?",
            f"Remove the {who} pulled from Customer.io, and their events, from this "
            "workspace? People made here stay. This cannot be undone; pull them again to get "
            "them back.",
            f"Remove {who}",
            self._answered,
            destructive=True,
        )

    def _answered(self, yes: bool) -> None:
        self.confirm_box = None
        if yes:
            self.remove_people()

    def remove_people(self) -> None:
        """Remove every pulled person now (no question), in a write op; ``peopleRemoved``
        says how many went, and the hub's ``changed`` (people) refreshes every page."""

        def remove(db: Database) -> Changed[int]:
            from composer.cioapi import remove_pulled_people

            return Changed(remove_pulled_people(db), OpChanges(people=True))

        Op[int](self, remove, path=self.db.path, write=True).success(self._removed).failure(
            lambda error: self.window.show_problem(f"Nobody was removed: {error.message}")
        ).run()

    def _removed(self, removed: int) -> None:
        self.window.reload_people()
        self.window.statusBar().showMessage(
            f"Removed {counted(removed, 'person', 'people')} pulled from Customer.io.", 10000
        )
        self.peopleRemoved.emit(removed)
        people = self.dialogs.get("people")
        if people is not None:
            people.show_count()

    def stop(self) -> None:
        """Cancel every dialog's work and wait for it (the window is closing)."""
        for dialog in self.dialogs.values():
            dialog.jobs.wait()


def install_cio_menu(window: MainWindow) -> None:
    """Add the "&Customer.io" menu to ``window`` (see the module docstring)."""
    actions = CioActions(window)
    menu = window.menu("&Customer.io")
    items: tuple[tuple[str, str, str, Callable[[], Any], str | None], ...] = (
        (
            "connect",
            "&Connect…",
            "Keep an App API key and region; test the connection",
            actions.open_connect,
            None,
        ),
        (
            "pull",
            "&Pull from a campaign…",
            "Import a campaign's webhook actions as requests",
            actions.open_pull,
            None,
        ),
        (
            "people",
            "Pull sample p&eople…",
            "Copy chosen people or a segment's first members into this workspace",
            actions.open_people,
            None,
        ),
        (
            "remove",
            "&Remove pulled people…",
            "Delete every person pulled from Customer.io, in one step",
            actions.ask_remove_people,
            None,
        ),
        (
            "push",
            "Pu&sh to Customer.io…",
            "Diff, check and update the action the open request came from",
            actions.open_push,
            "Ctrl+Shift+U",
        ),
    )
    for kind, text, tip, slot, keys in items:
        if kind == "push":
            menu.addSeparator()
        action = QAction(text, window)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _=False, run=slot: run())
        menu.addAction(action)
        actions.actions[kind] = action
    window.closeAsked.connect(actions.stop)
