"""Customer.io ▸ Pull from a campaign…: campaigns, their webhook actions, the diff, the pull.

The campaigns are listed (name, id, state, webhook actions) as soon as the dialog opens.
Choosing one lists its actions and, for each webhook action, how it stands here: not
pulled yet, pulled and the same, or pulled and different — choosing an action shows that
difference as a unified diff (``-`` Customer.io, ``+`` here; secret values masked, and
values of this app's secrets found in the action shown as ``{{ secrets.NAME }}``).

"Pull webhook actions" imports every webhook action of the campaign as requests that
remember their origin (:func:`composer.cioapi.pull_campaign`). A local copy edited here
is never overwritten silently: it is kept, its diff is shown, and "Take Customer.io's
version" pulls again replacing those edits. Double-click (or Enter on) an action, or
"Open request", shows its request in the composer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from composer.cioapi import (
    Action,
    ActionContent,
    Campaign,
    CampaignPull,
    FieldDiff,
    Origins,
    diff_content,
    list_campaigns,
    pull_campaign,
)
from composer.cioapi.secret_refs import mask_values, restore_references
from composer.rendering.render import MASK
from composer.store.database import Database
from composer.wording import counted, plural
from ui.cio.dialog_base import CioDialog
from ui.widgets.palette import mono

if TYPE_CHECKING:
    from ui.cio.actions import CioActions

__all__ = ["ActionRow", "PullDialog", "action_rows", "diff_text"]

_OUTCOMES = {
    "new": "new request",
    "updated": "updated from Customer.io",
    "unchanged": "unchanged",
    "kept": "kept your edits (differs)",
    "replaced": "replaced your edits",
}


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One action of a campaign, and how it stands in this workspace."""

    action: Action
    """The action as it is in Customer.io now (secret values as references)."""
    request_name: str | None
    """The local request pulled from it, or None."""
    diff: tuple[FieldDiff, ...]
    """How the local copy differs from it (empty when the same or not pulled)."""

    @property
    def standing(self) -> str:
        """A few words for the table."""
        if not self.action.is_webhook:
            return f"not a webhook ({self.action.type or 'unknown'}); skipped"
        if self.request_name is None:
            return "not pulled yet"
        if self.diff:
            return f'differs from "{self.request_name}"'
        return f'same as "{self.request_name}"'


def action_rows(
    db: Database, campaign_id: int, actions: list[Action], values: dict[str, str]
) -> list[ActionRow]:
    """Each action with its local copy's difference (values restored, then masked)."""
    rows = []
    origins = Origins(db)
    for action in actions:
        if not action.is_webhook:
            rows.append(ActionRow(action, None, ()))
            continue
        action = action.with_content(restore_references(action.content, values))
        origin = origins.find(campaign_id, action.id)
        if origin is None:
            rows.append(ActionRow(action, None, ()))
            continue
        ours = ActionContent.of_request(db.requests.get(origin.request_name))
        diff = diff_content(action.content, ours, lambda t: mask_values(t, values, MASK))
        rows.append(ActionRow(action, origin.request_name, diff))
    return rows


def diff_text(diff: tuple[FieldDiff, ...]) -> str:
    """The unified diff of each differing part, one after the other."""
    return "\n".join(line for change in diff for line in change.unified())


class PullDialog(CioDialog):
    """Campaigns, their actions with diffs, and the pull.

    Signals: none of its own; a pull is announced by
    :attr:`ui.cio.actions.CioActions.pulled`.
    """

    def __init__(self, cio: CioActions, parent: QWidget | None = None) -> None:
        super().__init__(cio, "Pull from a Customer.io campaign", parent)
        self.campaigns: list[Campaign] = []
        """The campaigns listed."""
        self.rows: list[ActionRow] = []
        """The chosen campaign's actions."""
        self.last_pull: CampaignPull | None = None
        """What the last pull did."""
        self.summary = ""
        """What the last pull did, in a sentence (shown once its actions are listed again)."""
        self.campaign_list = QTreeWidget()
        self.campaign_list.setAccessibleName("Campaigns")
        self.campaign_list.setHeaderLabels(["Campaign", "ID", "State", "Webhooks"])
        self.campaign_list.setRootIsDecorated(False)
        self.campaign_list.currentItemChanged.connect(lambda *_: self._campaign_chosen())
        self.action_list = QTreeWidget()
        self.action_list.setAccessibleName("Actions of the campaign")
        self.action_list.setHeaderLabels(["Action", "ID", "Method", "URL", "Here"])
        self.action_list.setRootIsDecorated(False)
        self.action_list.currentItemChanged.connect(lambda *_: self._action_chosen())
        self.action_list.itemActivated.connect(lambda *_: self.open_request())
        self.diff_view = QPlainTextEdit()
        self.diff_view.setAccessibleName("Difference from the local copy")
        self.diff_view.setReadOnly(True)
        self.diff_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono(self.diff_view)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setAccessibleName("Refresh campaigns")
        self.refresh_button.clicked.connect(lambda _=False: self.start())
        self.pull_button = QPushButton("&Pull webhook actions")
        self.pull_button.setAccessibleName("Pull webhook actions")
        self.pull_button.setDefault(True)
        self.pull_button.clicked.connect(lambda _=False: self.pull())
        self.replace_button = QPushButton("Take Customer.io's &version")
        self.replace_button.setAccessibleName("Take Customer.io's version")
        self.replace_button.setToolTip("Pull again, replacing the edits made here")
        self.replace_button.clicked.connect(lambda _=False: self.pull(replace=True))
        self.open_button = QPushButton("&Open request")
        self.open_button.setAccessibleName("Open request")
        self.open_button.clicked.connect(lambda _=False: self.open_request())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in (self.refresh_button, self.open_button, self.replace_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.pull_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.footer.addWidget(buttons)
        lower = QSplitter(Qt.Orientation.Vertical)
        lower.addWidget(self.action_list)
        lower.addWidget(self.diff_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.campaign_list)
        split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Choose a campaign to see its webhook actions:"))
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addLayout(self.footer)
        self.resize(900, 680)
        self.refresh_buttons()

    def busy_widgets(self) -> list[QWidget]:
        return [self.refresh_button, self.pull_button, self.replace_button, self.campaign_list]

    def refresh_buttons(self) -> None:
        if self.jobs.busy:
            return
        chosen = self.chosen_campaign() is not None
        webhooks = any(row.action.is_webhook for row in self.rows)
        self.pull_button.setEnabled(chosen and webhooks)
        kept = self.last_pull is not None and any(
            pulled.outcome == "kept" for pulled in self.last_pull.actions
        )
        self.replace_button.setVisible(kept)
        row = self.chosen_row()
        self.open_button.setEnabled(row is not None and self._request_of(row) is not None)

    # -- campaigns -------------------------------------------------------------------

    def start(self) -> None:
        """List the campaigns (in the background)."""
        cio = self.cio

        def work(_progress: Any, cancelled: Callable[[], bool], db: Database) -> list[Campaign]:
            with cio.client(cancelled, db) as client:
                return list_campaigns(client)

        self.run(work, self._listed, "Listing the campaigns…")

    def _listed(self, campaigns: list[Campaign]) -> None:
        chosen = self.chosen_campaign()
        self.campaigns = campaigns
        self.campaign_list.clear()
        for campaign in campaigns:
            item = QTreeWidgetItem(
                [
                    campaign.name or f"Campaign {campaign.id}",
                    str(campaign.id),
                    campaign.state,
                    str(len(campaign.webhook_action_ids)),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, campaign.id)
            self.campaign_list.addTopLevelItem(item)
            if chosen is not None and campaign.id == chosen:
                self.campaign_list.setCurrentItem(item)
        for column in range(4):
            self.campaign_list.resizeColumnToContents(column)
        count = len(campaigns)
        self.say(
            f"{counted(count, 'campaign')}. Choose one to see its webhook actions."
            if count
            else "This workspace has no campaigns."
        )

    def chosen_campaign(self) -> int | None:
        """The chosen campaign's id, or None."""
        item = self.campaign_list.currentItem()
        return None if item is None else int(item.data(0, Qt.ItemDataRole.UserRole))

    def choose_campaign(self, campaign_id: int) -> bool:
        """Choose a campaign by id (its actions are then listed); False when not listed."""
        for index in range(self.campaign_list.topLevelItemCount()):
            item = self.campaign_list.topLevelItem(index)
            if item is not None and int(item.data(0, Qt.ItemDataRole.UserRole)) == campaign_id:
                self.campaign_list.setCurrentItem(item)
                return True
        return False

    def _campaign_chosen(self) -> None:
        campaign_id = self.chosen_campaign()
        self.rows = []
        self.last_pull = None
        self.action_list.clear()
        self.diff_view.clear()
        if campaign_id is None:
            return
        self.list_actions(campaign_id)

    # -- actions ---------------------------------------------------------------------

    def list_actions(self, campaign_id: int) -> None:
        """List the campaign's actions and their local standing (in the background)."""
        cio = self.cio

        def work(_progress: Any, cancelled: Callable[[], bool], db: Database) -> list[ActionRow]:
            values = cio.secret_values()
            with cio.client(cancelled, db) as client:
                found = client.campaign_actions(campaign_id)
            return action_rows(db, campaign_id, found, values)

        self.run(work, self._show_rows, f"Listing the actions of campaign {campaign_id}…")

    def _show_rows(self, rows: list[ActionRow]) -> None:
        self.rows = rows
        self.action_list.clear()
        for index, row in enumerate(rows):
            action = row.action
            item = QTreeWidgetItem(
                [action.name, str(action.id), action.method, action.url, row.standing]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            if not action.is_webhook:
                item.setDisabled(True)
            self.action_list.addTopLevelItem(item)
        for column in (0, 1, 2, 4):
            self.action_list.resizeColumnToContents(column)
        webhooks = sum(1 for row in rows if row.action.is_webhook)
        differ = sum(1 for row in rows if row.diff)
        text = counted(webhooks, "webhook action")
        if differ:
            text += f"; {differ} {plural(differ, 'differs', 'differ')} from the local copy"
        self.say(text + "." if webhooks else "This campaign has no webhook actions.")
        if self.summary:
            self.say(self.summary)
            self.summary = ""
        first = next((i for i, row in enumerate(rows) if row.action.is_webhook), None)
        first_item = None if first is None else self.action_list.topLevelItem(first)
        if first_item is not None:
            self.action_list.setCurrentItem(first_item)

    def chosen_row(self) -> ActionRow | None:
        """The chosen action's row, or None."""
        item = self.action_list.currentItem()
        if item is None:
            return None
        index = item.data(0, Qt.ItemDataRole.UserRole)
        return self.rows[index] if isinstance(index, int) and index < len(self.rows) else None

    def _action_chosen(self) -> None:
        row = self.chosen_row()
        self.refresh_buttons()
        if row is None or not row.action.is_webhook:
            self.diff_view.clear()
            return
        diff = self._pulled_diff(row) or row.diff
        if diff:
            self.diff_view.setPlainText(diff_text(diff))
        elif row.request_name is None:
            self.diff_view.setPlainText("Not pulled yet: pulling makes a new request of it.")
        else:
            self.diff_view.setPlainText(f'The same as the request "{row.request_name}".')

    def _pulled_diff(self, row: ActionRow) -> tuple[FieldDiff, ...]:
        if self.last_pull is None:
            return ()
        for pulled in self.last_pull.actions:
            if pulled.action.id == row.action.id and pulled.outcome == "kept":
                return pulled.diff
        return ()

    def _request_of(self, row: ActionRow) -> str | None:
        if self.last_pull is not None:
            for pulled in self.last_pull.actions:
                if pulled.action.id == row.action.id:
                    return pulled.request_name
        return row.request_name

    # -- pulling ---------------------------------------------------------------------

    def pull(self, replace: bool = False) -> None:
        """Pull every webhook action of the chosen campaign (``replace``: over local edits)."""
        campaign_id = self.chosen_campaign()
        if campaign_id is None:
            return
        cio = self.cio

        def work(progress: Any, cancelled: Callable[[], bool], db: Database) -> CampaignPull:
            values = cio.secret_values()
            with cio.client(cancelled, db) as client:
                return pull_campaign(
                    db,
                    client,
                    campaign_id,
                    replace=replace,
                    secret_values=values,
                    progress=lambda done, total: progress("actions", done, total),
                    cancelled=cancelled,
                )

        doing = f"Pulling the webhook actions of campaign {campaign_id}…"
        self.run(work, self._pulled, doing, after_saves=True)  # compared with the edits

    def _pulled(self, done: CampaignPull) -> None:
        self.last_pull = done
        window = self.cio.window
        counts: dict[str, int] = {}
        for pulled in done.actions:
            counts[pulled.outcome] = counts.get(pulled.outcome, 0) + 1
        names = [pulled.request_name for pulled in done.actions]
        current = window.current_name
        if names:
            window.show_request(current if current in names else names[0])
        if current in names and any(
            p.request_name == current and p.outcome in ("updated", "replaced") for p in done.actions
        ):
            window.requests.opened.emit(current)  # show the pulled text, not the old one
        self.cio.pulled.emit(done)
        summary = ", ".join(f"{n} {_OUTCOMES[outcome]}" for outcome, n in counts.items())
        text = f"Pulled campaign {done.campaign_id}: {summary or 'no webhook actions'}."
        if counts.get("kept"):
            text += (
                " Your edits were kept where both sides changed; the diff shows how they "
                "differ. Take Customer.io's version to replace them."
            )
        self.summary = text
        self.list_actions(done.campaign_id)

    def open_request(self) -> None:
        """Show the chosen action's request in the composer."""
        row = self.chosen_row()
        name = None if row is None else self._request_of(row)
        if name is not None:
            self.cio.window.show_request(name)
            self.accept()
