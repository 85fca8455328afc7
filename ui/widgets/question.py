"""The window's one way to ask before doing something that cannot be taken back.

:func:`ask` opens a window-modal question (``open()``: the event loop keeps running, so
nothing on the GUI thread waits for the answer) whose safe answer is the default button,
so Enter or Escape never sends or removes by accident. The answer comes back through a
callback: True for the action's own button, False for any other way out. The box deletes
itself when closed, and is returned so a caller (or a test) can keep and press it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["ask"]


def ask(
    parent: QWidget,
    title: str,
    text: str,
    action: str,
    answered: Callable[[bool], object],
    *,
    destructive: bool = False,
    decline: str | None = None,
    details: str | None = None,
    informative: str | None = None,
) -> QMessageBox:
    """Ask ``text``; ``action`` labels the button that goes ahead, ``decline`` the one that
    does not (default: Cancel), which is the default button."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setAccessibleName(title)
    if details is not None:
        box.setDetailedText(details)
    if informative is not None:
        box.setInformativeText(informative)
    role = (
        QMessageBox.ButtonRole.DestructiveRole if destructive else QMessageBox.ButtonRole.AcceptRole
    )
    yes = box.addButton(action, role)
    if decline is None:
        no = box.addButton(QMessageBox.StandardButton.Cancel)
    else:
        no = box.addButton(decline, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda button: answered(button is yes))
    box.open()
    return box
