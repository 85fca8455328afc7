"""Customer.io ▸ Pull sample people…: real people's attributes, for previews and checks.

The dialog opens on a plain warning (:data:`composer.cioapi.PERSONAL_DATA_NOTICE`): this
copies personal data to this machine. Two ways to choose people: ids and emails typed
one per line (or separated by commas or spaces; an entry holding ``@`` is an email), or
the first members of a segment, bounded by a limit (200 unless changed, at most
:data:`composer.cioapi.MAX_PEOPLE`). The pull runs in the background with progress and
Cancel; a cancel stores nothing. The result says how many were new or refreshed, who
was left alone because they were made here, and who Customer.io does not have. The
count of pulled people is shown beside "Remove pulled people…", which removes them all
in one step after asking.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from composer.cioapi import (
    DEFAULT_PEOPLE_LIMIT,
    MAX_PEOPLE,
    PERSONAL_DATA_NOTICE,
    PeoplePull,
    PulledPeople,
    pull_people,
)
from composer.store.database import Database
from composer.wording import counted
from ui.cio.dialog_base import CioDialog, escape
from ui.ops import Changed, Op, OpChanges
from ui.widgets.palette import accent

if TYPE_CHECKING:
    from ui.cio.actions import CioActions

__all__ = ["PeopleDialog", "split_identifiers"]

_SEPARATORS = re.compile(r"[\s,;]+")


def split_identifiers(text: str) -> tuple[list[str], list[str]]:
    """``(ids, emails)`` typed in ``text``: one per line, or separated by commas or spaces."""
    ids: list[str] = []
    emails: list[str] = []
    for entry in _SEPARATORS.split(text):
        if entry:
            (emails if "@" in entry else ids).append(entry)
    return ids, emails


def _few(items: tuple[str, ...], shown: int = 10) -> str:
    """The first ``shown`` items, then how many more (a pull may name a thousand)."""
    text = ", ".join(item[:80] for item in items[:shown])
    return text + (f" and {len(items) - shown} more" if len(items) > shown else "")


class PeopleDialog(CioDialog):
    """Pull chosen people or a segment's first members, with the personal-data notice.

    Signals: none of its own; a pull is announced by
    :attr:`ui.cio.actions.CioActions.peoplePulled`.
    """

    def __init__(self, cio: CioActions, parent: QWidget | None = None) -> None:
        super().__init__(cio, "Pull sample people from Customer.io", parent)
        self.last_pull: PeoplePull | None = None
        """What the last pull did."""
        self.pulled_count: int | None = None
        """How many pulled people the workspace held when last counted (None: not yet)."""
        self.notice = QLabel(f"<b>Personal data.</b> {escape(PERSONAL_DATA_NOTICE)}")
        self.notice.setAccessibleName("Personal data notice")
        self.notice.setWordWrap(True)
        self.notice.setAutoFillBackground(True)
        self.notice.setMargin(8)
        palette = self.notice.palette()
        palette.setColor(self.notice.backgroundRole(), accent("banner", self))
        self.notice.setPalette(palette)
        self.by_identifiers = QRadioButton("People by &id or email")
        self.by_identifiers.setAccessibleName("People by id or email")
        self.by_segment = QRadioButton("The first members of a &segment")
        self.by_segment.setAccessibleName("Members of a segment")
        group = QButtonGroup(self)
        group.addButton(self.by_identifiers)
        group.addButton(self.by_segment)
        self.by_identifiers.setChecked(True)
        self.identifiers = QPlainTextEdit()
        self.identifiers.setAccessibleName("Ids and emails")
        self.identifiers.setPlaceholderText("one per line: 1001, ana@example.com, …")
        self.identifiers.setTabChangesFocus(True)
        self.identifiers.setMaximumHeight(110)
        self.segment = QSpinBox()
        self.segment.setAccessibleName("Segment id")
        self.segment.setRange(0, 2_000_000_000)
        self.limit = QSpinBox()
        self.limit.setAccessibleName("How many members")
        self.limit.setRange(1, MAX_PEOPLE)
        self.limit.setValue(DEFAULT_PEOPLE_LIMIT)
        self.limit.setSuffix(" people at most")
        segment_form = QFormLayout()
        segment_form.addRow("Segment &id", self.segment)
        segment_form.addRow("&Limit", self.limit)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Pulled people in this workspace")
        self.pull_button = QPushButton("&Pull people")
        self.pull_button.setAccessibleName("Pull people")
        self.pull_button.setDefault(True)
        self.pull_button.clicked.connect(lambda _=False: self.pull())
        self.remove_button = QPushButton("&Remove pulled people…")
        self.remove_button.setAccessibleName("Remove pulled people")
        self.remove_button.clicked.connect(lambda _=False: self.cio.ask_remove_people())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.pull_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.footer.addWidget(buttons)
        for toggle in (self.by_identifiers, self.by_segment):
            toggle.toggled.connect(lambda _on: self.refresh_buttons())
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.by_identifiers)
        layout.addWidget(self.identifiers)
        layout.addWidget(self.by_segment)
        layout.addLayout(segment_form)
        layout.addWidget(self.count_label)
        layout.addWidget(self.status)
        layout.addLayout(self.footer)
        self.resize(560, 480)
        self.refresh_buttons()

    def busy_widgets(self) -> list[QWidget]:
        return [self.pull_button, self.remove_button]

    def refresh_buttons(self) -> None:
        by_segment = self.by_segment.isChecked()
        self.identifiers.setEnabled(not by_segment)
        self.segment.setEnabled(by_segment)
        self.limit.setEnabled(by_segment)

    def start(self) -> None:
        """Show how many pulled people the workspace holds."""
        self.show_count()

    def show_count(self) -> None:
        """Say how many people pulled from Customer.io the workspace holds now."""
        Op(self, lambda db: PulledPeople(db).count(), path=self.cio.db.path).success(
            self._counted
        ).run()

    def _counted(self, count: int) -> None:
        self.pulled_count = count
        held = counted(count, "person", "people")
        self.count_label.setText(f"This workspace holds {held} pulled from Customer.io.")
        self.remove_button.setEnabled(count > 0 and not self.jobs.busy)

    def pull(self) -> None:
        """Pull the chosen people (in the background)."""
        cio = self.cio
        segment: int | None = None
        ids: list[str] = []
        emails: list[str] = []
        limit = self.limit.value()
        if self.by_segment.isChecked():
            segment = self.segment.value()
            doing = f"Pulling the first {limit} members of segment {segment}…"
        else:
            ids, emails = split_identifiers(self.identifiers.toPlainText())
            if not ids and not emails:
                self.say("Type the ids or emails of the people to pull.", error=True)
                return
            if len(ids) + len(emails) > MAX_PEOPLE:
                self.say(f"A pull copies at most {MAX_PEOPLE} people.", error=True)
                return
            doing = f"Pulling {len(ids) + len(emails)} people…"

        def work(progress: Any, cancelled: Callable[[], bool], db: Database) -> Changed[PeoplePull]:
            with cio.client(cancelled, db) as client:
                pulled = pull_people(
                    db,
                    client,
                    ids=ids,
                    emails=emails,
                    segment=segment,
                    limit=limit,
                    progress=lambda done, total: progress("people", done, total),
                    cancelled=cancelled,
                )
            return Changed(pulled, OpChanges(people=True))  # every page reads people again

        self.run(work, self._pulled, doing)

    def _pulled(self, done: PeoplePull) -> None:
        self.last_pull = done
        stored = len(done.new) + len(done.refreshed)
        text = (
            f"Pulled {counted(stored, 'person', 'people')} by {done.source} "
            f"({len(done.new)} new, {len(done.refreshed)} refreshed)."
        )
        if done.kept:
            text += f" Left as they are (made in this workspace): {_few(done.kept)}."
        if done.missing:
            text += f" Not found in Customer.io: {_few(done.missing)}."
        self.say(text)
        self.show_count()
        self.cio.window.reload_people()
        self.cio.peoplePulled.emit(done)
