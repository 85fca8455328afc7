"""Push a request back to its webhook action: diff, checks, the conflict and secrets rules.

Two steps, so that a person (or the window) sees everything before anything changes:

1. :func:`plan_push` reads the action as it is now in Customer.io and prepares a
   :class:`PushPlan`: the field-by-field diff of method, URL, headers and body against it,
   whether it changed in Customer.io since the pull (**conflict**), the ``{{ secrets.x }}``
   the request uses, the per-person check (:func:`composer.check.sweep.check_request`) over the
   workspace's people and, for a legacy-Liquid action, the upgrade check
   (:func:`composer.check.upgrade.upgrade_check`). Nothing is written.
2. :func:`push_action` applies the rules to a plan and, when none refuses, sends
   ``PUT /v1/campaigns/{id}/actions/{id}`` with the method, URL, headers and body, then
   records the action as pushed (its new ``updated``) as the request's origin.

The rules, each refused with :class:`~composer.cioapi.errors.PushRefusedError` (its
``reason`` in brackets) unless the caller chose otherwise:

* **Conflict** [``conflict``]: the action's ``updated`` in Customer.io differs from the
  one recorded at the pull (or last push) → refused unless ``confirm_conflict``.
* **Check** [``check``]: someone's rendering has an error, or the check was cancelled →
  refused unless ``force``. **Upgrade check** [``upgrade``], for a legacy action:
  someone would get different bytes under latest Liquid → refused unless ``force``.
* **Secrets** [``secrets``]: the request uses ``{{ secrets.x }}``, which Customer.io cannot
  resolve → refused until ``secrets`` is ``"keep"`` (push the reference as written; it
  renders as nothing there) or ``"values"`` (push the keychain's values in its place;
  see :mod:`composer.cioapi.secret_refs`). :meth:`PushPlan.preview` shows what the action
  would contain either way, values masked.
* **Changed meanwhile** [``changed``]: the action is read once more just before the
  update; if its ``updated`` moved since the plan, nothing is sent.

A plan whose diff is empty needs no push (:attr:`PushPlan.unchanged`). Secret values never
appear in a plan, a diff, a result or the workspace: what is recorded as the origin holds
the references, not the values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from composer.check.sweep import CheckReport, check_request
from composer.check.upgrade import UpgradeReport, upgrade_check
from composer.cioapi.client import CioClient
from composer.cioapi.diff import FieldDiff, diff_content
from composer.cioapi.errors import CioCancelledError, CioError, PushRefusedError
from composer.cioapi.models import Action, ActionContent
from composer.cioapi.secret_refs import SecretRefs, find_secrets, inline_secrets, mask_values
from composer.cioapi.store import Origin, Origins
from composer.liquid import DEFAULT_VERSION
from composer.model import Event, Request
from composer.rendering.render import MASK
from composer.secrets import SecretStore
from composer.store.database import Database

__all__ = ["PushPlan", "PushResult", "SecretsChoice", "plan_push", "push_action"]

SecretsChoice = Literal["keep", "values"]
Progress = Callable[[str, int, int | None], object]
"""``progress(stage, done, total)``: stage ``check`` or ``upgrade-check``, people done."""


@dataclass(frozen=True, slots=True)
class PushPlan:
    """Everything a push would do, found before doing it."""

    request: Request
    """The local request."""
    origin: Origin
    """Where it came from (campaign, action, ``updated`` at the pull)."""
    current: Action
    """The action as it is in Customer.io now."""
    content: ActionContent
    """What the push sends: the request's method, URL, headers and body as written."""
    diff: tuple[FieldDiff, ...]
    """How ``content`` differs from the action now (secret values masked)."""
    conflict: bool
    """Whether the action changed in Customer.io since the pull (or the last push)."""
    secrets: SecretRefs
    """The ``{{ secrets.x }}`` the content uses."""
    check: CheckReport
    """The per-person check of the request."""
    upgrade: UpgradeReport | None
    """The upgrade check, for a legacy action; None for latest."""

    @property
    def unchanged(self) -> bool:
        """Whether the action already holds exactly this content (nothing to push)."""
        return not self.diff

    @property
    def check_failed(self) -> bool:
        """Whether the check found errors or did not finish."""
        return bool(self.check.failed) or self.check.cancelled

    @property
    def upgrade_differs(self) -> bool:
        """Whether someone's bytes differ between the Liquid versions (or it did not finish)."""
        return self.upgrade is not None and (bool(self.upgrade.groups) or self.upgrade.cancelled)

    def preview(self, secrets: SecretsChoice = "keep") -> ActionContent:
        """What the action would contain after the push; secret values shown as ``••••••``."""
        if secrets == "keep" or not self.secrets:
            return self.content
        return inline_secrets(self.content, dict.fromkeys(self.secrets.names, MASK))

    def to_json(self) -> dict[str, Any]:
        """The plan as ``cio push --json`` reports it."""
        return {
            "request": self.request.name,
            "campaign": self.origin.campaign_id,
            "action": self.origin.action_id,
            "diff": [change.to_dict() for change in self.diff],
            "conflict": {
                "pulled_updated": self.origin.action_updated,
                "current_updated": self.current.updated,
            }
            if self.conflict
            else None,
            "secrets": list(self.secrets.names),
            "check": {
                "people": self.check.people,
                "renderings": self.check.renderings,
                "failed": len(self.check.failed),
                "warnings": len(self.check.results) - len(self.check.failed),
                "cancelled": self.check.cancelled,
                "groups": [str(group) for group in self.check.groups],
            },
            "upgrade": None
            if self.upgrade is None
            else {
                "people": self.upgrade.people,
                "different": self.upgrade.different,
                "cancelled": self.upgrade.cancelled,
            },
        }


@dataclass(frozen=True, slots=True)
class PushResult:
    """What a push did."""

    action: Action
    """The action as Customer.io answered the update (secret values as references)."""
    secrets: SecretsChoice | None
    """How secrets were pushed (None when the request uses none)."""


def _is_conflict(origin: Origin, current: Action) -> bool:
    if origin.action_updated is None or current.updated is None:
        return current.content != origin.pulled_action.content
    return current.updated != origin.action_updated


def plan_push(
    db: Database,
    client: CioClient,
    request_name: str,
    *,
    secret_values: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> PushPlan:
    """Read the action now, diff it and run the checks; nothing is written.

    ``secret_values`` (from the keychain) are masked wherever the diff would show one.
    ``progress`` and ``cancelled`` are passed to the checks (a cancelled check makes
    the plan's check fail); ``workers`` as :func:`composer.check.sweep.check_request` takes it.
    """
    if cancelled is not None and cancelled():
        raise CioCancelledError(f'Cancelled before the push of "{request_name}" was prepared.')
    request = db.requests.get(request_name)
    origin = Origins(db).get(request_name)
    if origin is None:
        raise CioError(
            f'The request "{request_name}" was not pulled from Customer.io, so it has no '
            "action to push to; pull its campaign first."
        )
    current = client.action(origin.campaign_id, origin.action_id)
    if not current.is_webhook:
        raise CioError(
            f"Action {current.id} of campaign {origin.campaign_id} is now a "
            f'"{current.type}" action, not a webhook; nothing can be pushed to it.'
        )
    conflict = _is_conflict(origin, current)
    # Unchanged since the pull or push: the recorded copy is the action, references kept.
    theirs = current.content if conflict else origin.pulled_action.content
    content = ActionContent.of_request(request)
    values = dict(secret_values or {})
    diff = diff_content(theirs, content, lambda text: mask_values(text, values, MASK))
    version = request.liquid_version or DEFAULT_VERSION
    people = db.people.list()
    names = SecretStore(db).names()

    def events_for(person_id: str) -> list[Event]:
        return [stored.event for stored in db.people.events(person_id)]

    def stage(name: str) -> Callable[[int, int | None], object] | None:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    check = check_request(
        request,
        people,
        events_for,
        names,
        events_for_many=db.people.events_by_person,
        progress=stage("check"),
        cancelled=cancelled,
        workers=workers,
    )
    upgrade = None
    if version == "legacy" and not check.cancelled:
        upgrade = upgrade_check(
            request,
            people,
            events_for,
            names,
            events_for_many=db.people.events_by_person,
            progress=stage("upgrade-check"),
            cancelled=cancelled,
            workers=workers,
        )
    return PushPlan(
        request=request,
        origin=origin,
        current=current,
        content=content,
        diff=diff,
        conflict=conflict,
        secrets=find_secrets(content, version),
        check=check,
        upgrade=upgrade,
    )


def _refuse_secrets(plan: PushPlan) -> PushRefusedError:
    places = "; ".join(
        f"{{{{ secrets.{name} }}}} in the {', '.join(plan.secrets.places[name])}"
        for name in plan.secrets.names
    )
    how = (
        "choose to keep the references (they render as nothing there) or to push the "
        "keychain's values in their place"
        if plan.secrets.inlinable
        else "a secret used inside a tag or with a filter cannot be replaced by its value, "
        "so either keep the references or write the credential in by hand"
    )
    return PushRefusedError(
        f"The request uses this app's secrets ({places}), which Customer.io cannot resolve: {how}.",
        "secrets",
    )


def push_action(
    db: Database,
    client: CioClient,
    plan: PushPlan,
    *,
    confirm_conflict: bool = False,
    force: bool = False,
    secrets: SecretsChoice | None = None,
    secret_values: Mapping[str, str] | None = None,
) -> PushResult:
    """Apply the rules to ``plan`` and, when none refuses, update the action.

    ``secret_values`` (name → value) are needed for ``secrets="values"``.
    """
    where = f"action {plan.origin.action_id} of campaign {plan.origin.campaign_id}"
    if plan.conflict and not confirm_conflict:
        raise PushRefusedError(
            f"The {where} changed in Customer.io since it was pulled (updated "
            f"{plan.origin.action_updated} then, {plan.current.updated} now): pull it again, "
            "or confirm that this push overwrites those changes.",
            "conflict",
        )
    if plan.check_failed and not force:
        why = (
            "was cancelled"
            if plan.check.cancelled
            else (f"fails for {len(plan.check.failed)} of {plan.check.renderings} renderings")
        )
        raise PushRefusedError(f"The per-person check {why}; fix it or force the push.", "check")
    if plan.upgrade_differs and not force:
        assert plan.upgrade is not None
        why = (
            "was cancelled"
            if plan.upgrade.cancelled
            else (f"finds {plan.upgrade.different} renderings whose bytes differ in latest Liquid")
        )
        raise PushRefusedError(
            f"The action uses legacy Liquid and the upgrade check {why}; review it, or force "
            "the push.",
            "upgrade",
        )
    content = plan.content
    if plan.secrets and secrets is None:
        raise _refuse_secrets(plan)
    if plan.secrets and secrets == "values":
        if not plan.secrets.inlinable:
            raise _refuse_secrets(plan)
        try:
            content = inline_secrets(plan.content, secret_values or {})
        except ValueError as exc:
            raise PushRefusedError(str(exc), "secrets") from None
    now = client.action(plan.origin.campaign_id, plan.origin.action_id)
    if now.updated != plan.current.updated or now.content != plan.current.content:
        raise PushRefusedError(
            f"The {where} changed in Customer.io while the push was being prepared; "
            "nothing was sent. Review the new diff and push again.",
            "changed",
        )
    answered = client.update_action(plan.origin.campaign_id, plan.origin.action_id, content)
    # Record the references, not any value pushed in their place.
    recorded = answered.with_content(plan.content) if content != plan.content else answered
    Origins(db).record(
        plan.request.name, plan.origin.campaign_id, recorded, plan.origin.liquid_version
    )
    return PushResult(recorded, secrets if plan.secrets else None)
