"""Workspace settings (Edit ▸ Workspace settings…): the Liquid version new requests get.

Customer.io gives every account created since 28 Nov 2023 the **latest** Liquid and
older accounts **legacy**; a workspace's default stands for that account setting. It is
the workspace's, not the window's, so it is kept in the workspace; requests that exist
keep their own version. The dialog only shows and chooses: the window reads the current
version before opening it and keeps :meth:`WorkspaceDialog.chosen` once it is accepted,
both by ops (:mod:`ui.ops.settings`).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from composer.liquid import VERSIONS, LiquidVersion, version_named

__all__ = ["WorkspaceDialog"]

_LABELS = {
    "latest": "latest (accounts created since 28 Nov 2023)",
    "legacy": "legacy (older accounts)",
}


class WorkspaceDialog(QDialog):
    """Chooses the workspace's default Liquid version.

    Signals: none of its own (accepted or rejected, as any QDialog).
    """

    def __init__(self, current: LiquidVersion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Workspace settings")
        self.version = QComboBox()
        for version in VERSIONS:
            self.version.addItem(_LABELS.get(version, version), version)
        self.version.setCurrentIndex(max(self.version.findData(current), 0))
        self.version.setAccessibleName("Liquid version for new requests")
        self.version.setToolTip(
            "The Liquid version a new request starts with, as your Customer.io account "
            "uses it. Existing requests keep their own; switch one beside its name."
        )
        note = QLabel(
            "Match your Customer.io account: accounts created on or after 28 Nov 2023 use "
            "latest for every message; older accounts use legacy unless a message was "
            "upgraded. Requests already in the workspace keep their version."
        )
        note.setWordWrap(True)
        note.setAccessibleName("About the default Liquid version")
        note.setToolTip("Customer.io's Liquid upgrade page tells the versions apart")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.setAccessibleName("Workspace settings buttons")
        for which, name, tip in (
            (QDialogButtonBox.StandardButton.Ok, "Save workspace settings", "Keep the choice"),
            (QDialogButtonBox.StandardButton.Cancel, "Cancel", "Leave the default as it was"),
        ):
            button = buttons.button(which)
            button.setAccessibleName(name)
            button.setToolTip(tip)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Liquid version for new requests", self.version)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen(self) -> LiquidVersion:
        """The version chosen."""
        return version_named(str(self.version.currentData()))
