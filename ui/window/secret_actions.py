"""The window's side of secrets: the keychain once open, the log's mask, the Authorization
helper, and the last real response as a sample.

:class:`SecretActions` is a mixin of :class:`ui.window.main_window.MainWindow`, kept apart
so each file reads in one sitting. The keychain is opened by the delivery worker; its
values reach the log's mask off the GUI thread (a read op), once it is open and after
each change, so a secret typed since is masked too. The Authorization helper keeps a
credential as a secret and puts only ``{{ secrets.NAME }}`` in the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from composer.errors import KnownError

if TYPE_CHECKING:
    from PySide6.QtCore import QObject, SignalInstance
    from PySide6.QtWidgets import QWidget

    from ui.editor.tabs import ComposerTabs
    from ui.ops.delivery_client import DeliveryClient

__all__ = ["SecretActions"]


class SecretActions:
    """Secrets and the Authorization helper for the main window (a mixin; no signals)."""

    secret_store: Any
    secret_names: tuple[str, ...] | None
    keychain_problem: str | None
    composer: ComposerTabs
    deliveries: DeliveryClient
    current_name: str | None
    secretsChanged: SignalInstance

    if TYPE_CHECKING:  # provided by MainWindow

        def _problem(self, message: str, box: bool = False) -> None: ...
        def _update_completions(self) -> None: ...
        def refresh_preview(self) -> None: ...

    def _store_opened(self, store: object) -> None:
        self.secret_store = store
        self._mask_secrets_in_log()

    def _mask_secrets_in_log(self) -> None:
        """Give the log's filter every secret value (read off the GUI thread)."""
        store = self.secret_store
        if store is None:
            return
        from composer.logs import remember_secrets
        from ui.ops import Op

        values = Op(cast("QObject", self), lambda _db: tuple(store.all_values().values()))
        values.success(remember_secrets).run()

    def _secrets_known(self, names: tuple[str, ...], problem: object) -> None:
        self.secret_names = tuple(names)
        self.keychain_problem = problem if isinstance(problem, str) else None
        self._update_completions()
        self.refresh_preview()
        self._mask_secrets_in_log()  # a value set since is masked too
        self.secretsChanged.emit()

    def _auth(self) -> None:
        from ui.editor.auth_dialog import AuthDialog

        request = self.composer.to_model()
        current = None
        for header in request.headers if request is not None else ():
            if header.name.strip().lower() == "authorization":
                current = header.value  # the last one is the one sent
        dialog = AuthDialog(cast("QWidget", self), self.keychain_problem, current=current)
        if dialog.exec():
            self.apply_auth(dialog.choice())

    def apply_auth(self, choice: Any) -> None:
        """Keep ``choice``'s credential as a secret and reference it in Authorization."""
        from composer.secrets import check_name
        from ui.editor.auth_dialog import header_value

        try:
            check_name(choice.secret_name)
        except KnownError as exc:
            self._problem(str(exc), box=True)
            return
        self.deliveries.store_secret(choice.secret_name, choice.value)
        self.composer.set_header("Authorization", header_value(choice))

    def _ask_last_response(self) -> None:
        if self.current_name is not None:
            self.deliveries.find_last_response(self.current_name)

    def _last_response(self, name: str, text: str) -> None:
        if name != self.current_name:
            return
        if not text:
            self._problem("This request has no recorded response yet; send it once first.")
            return
        self.composer.set_sample_response(text, "Sample response: the last real response.")
