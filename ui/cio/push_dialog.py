"""Customer.io ▸ Push to Customer.io…: diff, checks and the push rules for the open request.

Opening the dialog saves the open request and prepares the push in the background
(:func:`composer.cioapi.plan_push`): the action is read as it is now, diffed against the
request (``-`` Customer.io now, ``+`` this push), and the per-person check runs over the
workspace's people — with the upgrade check too for a legacy-Liquid action — with
progress and Cancel. Nothing is sent until "Push" is pressed, and "Push" stays disabled
until every rule is answered:

* **Conflict.** When the action changed in Customer.io since the pull, a banner says
  so (``updated`` then and now) and "Overwrite the changes made in Customer.io" must be
  ticked.
* **Checks.** When someone's rendering fails (or the upgrade check finds different
  bytes), the findings are listed and "Push even though the checks fail" must be ticked.
* **Secrets.** Customer.io cannot resolve this app's ``{{ secrets.x }}``: the dialog
  shows what the action will contain for each choice — the references as written (they
  render as nothing there) or the keychain's values in their place (shown masked) — and
  one must be chosen. Values are not offered when a secret is used in a tag or a filter.

If the action changes in Customer.io between the plan and the push, nothing is sent and
the dialog prepares the push again. "Check again" re-reads everything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from composer.cioapi import (
    ActionContent,
    PushPlan,
    PushRefusedError,
    PushResult,
    SecretsChoice,
    plan_push,
    push_action,
)
from composer.store.database import Database
from ui.cio.dialog_base import CioDialog, escape
from ui.cio.pull_dialog import diff_text
from ui.widgets.palette import accent, mono

if TYPE_CHECKING:
    from ui.cio.actions import CioActions

__all__ = ["PushDialog", "content_text"]

_SHOWN_GROUPS = 5


def content_text(content: ActionContent) -> str:
    """What an action holds, as a person reads it: method and URL, headers, body."""
    lines = [f"{content.method} {content.url}"]
    lines += [f"{h.name}: {h.value}" for h in content.headers]
    return "\n".join([*lines, "", content.body])


class PushDialog(CioDialog):
    """The push plan of one request and the choices its rules need.

    Signals: none of its own; a push is announced by
    :attr:`ui.cio.actions.CioActions.pushed`.
    """

    def __init__(self, cio: CioActions, parent: QWidget | None = None) -> None:
        super().__init__(cio, "Push to Customer.io", parent)
        self.request_name: str | None = None
        """The request being pushed."""
        self.plan: PushPlan | None = None
        """The last plan made, or None."""
        self.pushed_result: PushResult | None = None
        """The last push's result, or None."""
        self._note = ""
        self.target = QLabel()
        self.target.setAccessibleName("Push target")
        self.target.setWordWrap(True)
        self.conflict = QLabel()
        self.conflict.setAccessibleName("Conflict")
        self.conflict.setWordWrap(True)
        self.overwrite = QCheckBox("&Overwrite the changes made in Customer.io since the pull")
        self.overwrite.setAccessibleName("Overwrite the changes made in Customer.io")
        self.diff_view = QPlainTextEdit()
        self.diff_view.setAccessibleName("Changes (- Customer.io now, + this push)")
        self.diff_view.setReadOnly(True)
        self.diff_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono(self.diff_view)
        self.checks = QLabel()
        self.checks.setAccessibleName("Checks")
        self.checks.setWordWrap(True)
        self.checks.setTextInteractionFlags(self.status.textInteractionFlags())
        self.force = QCheckBox("Push even though the &checks fail")
        self.force.setAccessibleName("Push even though the checks fail")
        self.secrets_box = QGroupBox("Secrets Customer.io cannot resolve")
        self.secrets_box.setAccessibleName("Secrets")
        self.secrets_note = QLabel()
        self.secrets_note.setWordWrap(True)
        self.keep = QRadioButton("&Keep the references as written (they render as nothing there)")
        self.keep.setAccessibleName("Keep the references")
        self.values = QRadioButton("Push the keychain's &values in their place")
        self.values.setAccessibleName("Push the keychain's values")
        self.secrets_group = QButtonGroup(self)
        self.secrets_group.setExclusive(True)
        for choice in (self.keep, self.values):
            self.secrets_group.addButton(choice)
        self.contains = QPlainTextEdit()
        self.contains.setAccessibleName("What the action will contain")
        self.contains.setReadOnly(True)
        mono(self.contains)
        box_layout = QVBoxLayout(self.secrets_box)
        box_layout.addWidget(self.secrets_note)
        box_layout.addWidget(self.keep)
        box_layout.addWidget(self.values)
        box_layout.addWidget(QLabel("What the action will contain (values masked):"))
        box_layout.addWidget(self.contains)
        self.recheck_button = QPushButton("Check a&gain")
        self.recheck_button.setAccessibleName("Check again")
        self.recheck_button.clicked.connect(lambda _=False: self.prepare())
        self.push_button = QPushButton("&Push")
        self.push_button.setAccessibleName("Push")
        self.push_button.clicked.connect(lambda _=False: self.push())
        for toggle in (self.overwrite, self.force, self.keep, self.values):
            toggle.toggled.connect(lambda _on: self._choices_changed())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.recheck_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.push_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.footer.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.target)
        layout.addWidget(self.conflict)
        layout.addWidget(self.overwrite)
        layout.addWidget(QLabel("Changes (- Customer.io now, + this push):"))
        layout.addWidget(self.diff_view, 2)
        layout.addWidget(self.checks)
        layout.addWidget(self.force)
        layout.addWidget(self.secrets_box, 1)
        layout.addWidget(self.status)
        layout.addLayout(self.footer)
        self.resize(860, 760)
        self._show_plan()

    def busy_widgets(self) -> list[QWidget]:
        return [self.push_button, self.recheck_button]

    # -- the plan --------------------------------------------------------------------

    def start(self, request_name: str) -> None:
        """Prepare the push of ``request_name``."""
        self.request_name = request_name
        self.setWindowTitle(f"Push to Customer.io: {request_name}")
        self.prepare()

    def prepare(self) -> None:
        """Read the action, diff and check (in the background); nothing is sent."""
        name = self.request_name
        if name is None:
            return
        cio = self.cio
        self.plan = None
        self.pushed_result = None
        self._show_plan()

        def work(progress: Any, cancelled: Callable[[], bool], db: Database) -> PushPlan:
            values = cio.secret_values()
            with cio.client(cancelled, db) as client:
                return plan_push(
                    db, client, name, secret_values=values, progress=progress, cancelled=cancelled
                )

        doing = f'Preparing the push of "{name}": diff and checks…'
        self.run(work, self._planned, doing, after_saves=True)  # planned from the stored text

    def _planned(self, plan: PushPlan) -> None:
        self.plan = plan
        self._show_plan()
        note, self._note = self._note, ""
        if plan.unchanged:
            text = (
                "The action already holds this request's method, URL, headers and body; "
                "nothing to push."
            )
        else:
            text = self._needs_text()
        self.say(f"{note} {text}" if note else text, error=bool(note))

    def _show_plan(self) -> None:
        plan = self.plan
        for choice in (self.overwrite, self.force):
            choice.blockSignals(True)
            choice.setChecked(False)
            choice.blockSignals(False)
        self.secrets_group.setExclusive(False)
        for option in (self.keep, self.values):
            option.setChecked(False)
        self.secrets_group.setExclusive(True)
        if plan is None:
            self.target.setText("")
            self.conflict.hide()
            self.overwrite.hide()
            self.force.hide()
            self.secrets_box.hide()
            self.diff_view.clear()
            self.checks.setText("")
            self.refresh_buttons()
            return
        origin = plan.origin
        action_name = plan.current.name or f"action {origin.action_id}"
        self.target.setText(
            f'Push "<b>{escape(plan.request.name)}</b>" to "{escape(action_name)}" '
            f"(action {origin.action_id} of campaign {origin.campaign_id})."
        )
        colour = accent("failure", self).name()
        self.conflict.setText(
            f'<span style="color:{colour}"><b>The action changed in Customer.io since it '
            f"was pulled</b> (updated {origin.action_updated} then, {plan.current.updated} "
            "now). Pushing overwrites those changes: pull again to see them, or confirm."
            "</span>"
        )
        self.conflict.setVisible(plan.conflict)
        self.overwrite.setVisible(plan.conflict)
        self.diff_view.setPlainText(diff_text(plan.diff) if plan.diff else "(no changes)")
        self.checks.setText(self._checks_text(plan))
        self.force.setVisible(plan.check_failed or plan.upgrade_differs)
        self.secrets_box.setVisible(bool(plan.secrets) and not plan.unchanged)
        if plan.secrets:
            names = ", ".join(f"{{{{ secrets.{n} }}}}" for n in plan.secrets.names)
            how = (
                ""
                if plan.secrets.inlinable
                else " A secret is used in a tag or with a filter, so its value cannot be "
                "put in its place: keep the references, or write the credential in by hand."
            )
            self.secrets_note.setText(
                f"This request uses {escape(names)} from this app's keychain, which "
                f"Customer.io cannot read. Choose what the action should hold.{escape(how)}"
            )
            self.values.setEnabled(plan.secrets.inlinable)
            self.contains.setPlainText("Choose one to see what the action will contain.")
        self.refresh_buttons()

    def _checks_text(self, plan: PushPlan) -> str:
        check = plan.check
        if check.cancelled:
            state = "cancelled before it finished"
        elif check.failed:
            state = f"fails for {len(check.failed)} of {check.renderings} renderings"
        else:
            state = "passes"
        lines = [
            f"<b>Per-person check:</b> {state} ({check.people} people, "
            f"{check.renderings} renderings)."
        ]
        lines += [f"&nbsp;&nbsp;{escape(str(group))}" for group in check.groups[:_SHOWN_GROUPS]]
        if len(check.groups) > _SHOWN_GROUPS:
            lines.append(f"&nbsp;&nbsp;… and {len(check.groups) - _SHOWN_GROUPS} more findings")
        if plan.upgrade is not None:
            upgrade = plan.upgrade
            if upgrade.cancelled:
                said = "cancelled before it finished"
            else:
                said = f"{upgrade.different} rendering(s) would differ in latest Liquid"
            lines.append(f"<b>Upgrade check</b> (the action uses legacy Liquid): {said}.")
        return "<br>".join(lines)

    # -- the choices -----------------------------------------------------------------

    def secrets_choice(self) -> SecretsChoice | None:
        """The chosen way to push secrets, or None."""
        if self.keep.isChecked():
            return "keep"
        if self.values.isChecked():
            return "values"
        return None

    def needs(self) -> list[str]:
        """What must still be answered before the push (empty: ready)."""
        plan = self.plan
        if plan is None or plan.unchanged:
            return ["a plan"]
        needs = []
        if plan.conflict and not self.overwrite.isChecked():
            needs.append("confirm overwriting the changes made in Customer.io")
        if (plan.check_failed or plan.upgrade_differs) and not self.force.isChecked():
            needs.append("fix the request, or push even though the checks fail")
        if plan.secrets and self.secrets_choice() is None:
            needs.append("choose what to push in place of the secrets")
        return needs

    def _needs_text(self) -> str:
        needs = self.needs()
        if not needs:
            return "Ready to push."
        return "Before pushing: " + "; ".join(needs) + "."

    def _choices_changed(self) -> None:
        plan = self.plan
        choice = self.secrets_choice()
        if plan is not None and plan.secrets and choice is not None:
            try:
                self.contains.setPlainText(content_text(plan.preview(choice)))
            except ValueError as exc:
                self.contains.setPlainText(str(exc))
        if plan is not None and not plan.unchanged and not self.jobs.busy:
            self.say(self._needs_text())
        self.refresh_buttons()

    def refresh_buttons(self) -> None:
        if self.jobs.busy:
            return
        self.push_button.setEnabled(not self.needs())
        self.recheck_button.setEnabled(self.request_name is not None)

    # -- pushing ---------------------------------------------------------------------

    def push(self) -> None:
        """Push, with the choices made (in the background)."""
        plan = self.plan
        if plan is None or self.needs():
            return
        cio = self.cio
        confirm, force, secrets = self.overwrite.isChecked(), self.force.isChecked(), None
        if plan.secrets:
            secrets = self.secrets_choice()

        def work(_progress: Any, cancelled: Callable[[], bool], db: Database) -> PushResult | str:
            values = cio.secret_values()
            with cio.client(cancelled, db) as client:
                try:
                    return push_action(
                        db,
                        client,
                        plan,
                        confirm_conflict=confirm,
                        force=force,
                        secrets=secrets,
                        secret_values=values,
                    )
                except PushRefusedError as exc:
                    if exc.reason == "changed":
                        return str(exc)
                    raise

        self.run(work, self._pushed, "Pushing…", after_saves=True)

    def _pushed(self, result: PushResult | str) -> None:
        if isinstance(result, str):  # the action changed meanwhile: look again
            self._note = result
            self.prepare()
            return
        self.pushed_result = result
        self.plan = None
        self.push_button.setEnabled(False)
        self.say(f"Pushed. The action's updated time is now {result.action.updated}.")
        self.cio.pushed.emit(result)
