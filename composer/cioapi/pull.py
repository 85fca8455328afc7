"""Pull from Customer.io: a campaign's webhook actions as requests, and sample people.

**Actions.** :func:`pull_campaign` lists a campaign's actions (every page) and turns each
webhook action into a request that remembers its origin (:class:`~composer.cioapi.store.Origins`):
campaign, action, the action's ``updated`` and the action as pulled. Other action types
are listed as skipped. For an action pulled before, the local copy is compared with the
action as it is now, field by field (:func:`~composer.cioapi.diff.diff_content`):

* the same → ``unchanged`` (the origin takes the action's new ``updated``);
* different, and the local copy was not edited since its pull → ``updated`` from
  Customer.io;
* different, and edited here too → ``kept``: nothing is overwritten, the diff is
  returned, and a later push meets the conflict rule; ``replace=True`` takes
  Customer.io's version instead (``replaced``).

When the action has not changed in Customer.io since it was recorded (same ``updated``),
the recorded copy stands for it: a secret pushed as its value is still a reference
there. Secret values given as ``secret_values`` are turned back into
``{{ secrets.NAME }}`` in what is pulled (:func:`~composer.cioapi.secret_refs.restore_references`),
so a credential in an action never lands in the workspace.

A new request is named after the action ("" names become "Campaign C action A"); a
name already taken by another request gets " (action A)" added. Its Liquid version is
the action's when the App API names one (it documents none), else the workspace's
default; a local copy keeps its own. The response mappings, which the App API does not
expose, stay as they are locally.

**People.** :func:`pull_people` copies chosen people (by id or email) or the first
``limit`` members of a segment (at most :data:`MAX_PEOPLE`) into the people store and
marks them pulled, so :func:`remove_pulled_people` deletes exactly them. A person made
here (not pulled) with the same id is never overwritten: they are listed as ``kept``.
People are read 100 at a time by id or email (``POST /v1/customers/attributes``); a
segment member listed with neither is read by ``cio_id``, sent as listed (the reference
documents a ``cio_`` prefix only for the single-person path). :data:`MAX_PEOPLE` is this
app's bound, not the API's (whose membership pages go to 30,000): a sample, read in a
minute or two at 10 requests a second, not a copy of the audience.
Attributes come as Customer.io sends them (mostly strings); ``id`` and ``email`` become
the person's own fields. This is personal data: :data:`PERSONAL_DATA_NOTICE` says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from composer.cioapi.client import CioClient
from composer.cioapi.diff import FieldDiff, diff_content
from composer.cioapi.errors import CioCancelledError, CioError
from composer.cioapi.models import Action, ActionContent, Campaign, CioPerson
from composer.cioapi.secret_refs import restore_references
from composer.cioapi.store import Origins, PulledPeople
from composer.model import Person, Request
from composer.store.database import Database

__all__ = [
    "DEFAULT_PEOPLE_LIMIT",
    "MAX_PEOPLE",
    "PERSONAL_DATA_NOTICE",
    "CampaignPull",
    "PeoplePull",
    "PulledAction",
    "list_campaigns",
    "pull_campaign",
    "pull_people",
    "remove_pulled_people",
]

DEFAULT_PEOPLE_LIMIT = 200
"""How many members of a segment a pull takes unless told otherwise."""
MAX_PEOPLE = 1000
"""The most people one pull copies (ten attribute requests; a minute or two at most)."""
PERSONAL_DATA_NOTICE = (
    "This copies personal data (the attributes of real people) from Customer.io to this "
    "machine, into the workspace file. Pulled people are marked as pulled, and can all be "
    "removed in one step."
)
"""What to tell a person before pulling people."""

Outcome = Literal["new", "updated", "unchanged", "kept", "replaced"]
Progress = Callable[[int, int], object]
IdType = Literal["id", "email", "cio_id"]


@dataclass(frozen=True, slots=True)
class PulledAction:
    """What a pull did with one webhook action."""

    action: Action
    """The action as it is in Customer.io now."""
    request_name: str
    """The local request that holds it."""
    outcome: Outcome
    """``new``, ``updated``, ``unchanged``, ``kept`` (local edits kept) or ``replaced``."""
    diff: tuple[FieldDiff, ...]
    """How the local copy differed from the action before the pull (empty when new)."""

    def to_dict(self) -> dict[str, Any]:
        """The item ``cio pull --json`` prints."""
        return {
            "action": self.action.id,
            "name": self.action.name,
            "request": self.request_name,
            "outcome": self.outcome,
            "updated": self.action.updated,
            "diff": [change.to_dict() for change in self.diff],
        }


@dataclass(frozen=True, slots=True)
class CampaignPull:
    """What pulling one campaign did."""

    campaign_id: int
    """The campaign."""
    actions: tuple[PulledAction, ...]
    """Its webhook actions, in Customer.io's order."""
    skipped: tuple[tuple[int, str], ...]
    """``(action id, type)`` of its other actions."""

    def to_json(self) -> dict[str, Any]:
        """The object ``cio pull --json`` prints."""
        return {
            "campaign": self.campaign_id,
            "actions": [pulled.to_dict() for pulled in self.actions],
            "skipped": [{"action": aid, "type": kind} for aid, kind in self.skipped],
        }


def list_campaigns(client: CioClient) -> list[Campaign]:
    """Every campaign of the workspace, with its actions' ids and types."""
    return client.campaigns()


def _free_name(db: Database, action: Action, campaign_id: int) -> str:
    base = action.name.strip() or f"Campaign {campaign_id} action {action.id}"
    if not db.requests.exists(base):
        return base
    candidate = f"{base} (action {action.id})"
    n = 2
    while db.requests.exists(candidate):
        candidate = f"{base} (action {action.id}) {n}"
        n += 1
    return candidate


def _with_action(local: Request, action: Action) -> Request:
    return dataclasses.replace(
        local,
        method=action.method,
        url=action.url,
        headers=action.headers,
        body=action.body,
        send_mode="draft" if action.sending_state == "draft" else "automatic",
        liquid_version=action.liquid_version or local.liquid_version,
    )


def _pull_one(
    db: Database, campaign_id: int, action: Action, replace: bool, values: Mapping[str, str]
) -> PulledAction:
    action = action.with_content(restore_references(action.content, values))
    origins = Origins(db)
    with db.transaction():
        origin = origins.find(campaign_id, action.id)
        if origin is None:
            name = _free_name(db, action, campaign_id)
            db.requests.create(action.to_request(name, db.settings.liquid_version()))
            origins.record(name, campaign_id, action)
            return PulledAction(action, name, "new", ())
        if action.updated is not None and action.updated == origin.action_updated:
            # Unchanged in Customer.io since it was recorded: the recorded copy is its
            # content (with any secret pushed as a value still a reference).
            action = origin.pulled_action
        local = db.requests.get(origin.request_name)
        ours = ActionContent.of_request(local)
        diff = diff_content(action.content, ours)
        outcome: Outcome
        if not diff:
            outcome = "unchanged"
        else:
            edited = bool(diff_content(origin.pulled_action.content, ours))
            if edited and not replace:
                return PulledAction(action, local.name, "kept", diff)
            db.requests.update(local.name, _with_action(local, action))
            outcome = "replaced" if edited else "updated"
        origins.record(local.name, campaign_id, action, action.liquid_version)
        return PulledAction(action, local.name, outcome, diff)


def pull_campaign(
    db: Database,
    client: CioClient,
    campaign_id: int,
    *,
    replace: bool = False,
    secret_values: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CampaignPull:
    """Pull the webhook actions of ``campaign_id`` into requests (see the module's rules).

    ``secret_values`` (name → value, from the keychain) are turned back into
    ``{{ secrets.NAME }}`` wherever an action holds one, so a credential pushed as a
    value never lands in the workspace. ``progress(done, total)`` counts webhook actions
    stored; ``cancelled()`` stops between actions (those done stay done) with
    :class:`CioCancelledError`.
    """
    actions = client.campaign_actions(campaign_id)
    webhooks = [action for action in actions if action.is_webhook]
    skipped = tuple((action.id, action.type) for action in actions if not action.is_webhook)
    pulled: list[PulledAction] = []
    for done, action in enumerate(webhooks):
        if cancelled is not None and cancelled():
            raise CioCancelledError(
                f"Cancelled after {done} of {len(webhooks)} actions of campaign {campaign_id}."
            )
        pulled.append(_pull_one(db, campaign_id, action, replace, secret_values or {}))
        if progress is not None:
            progress(done + 1, len(webhooks))
    return CampaignPull(campaign_id, tuple(pulled), skipped)


# -- people ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeoplePull:
    """What pulling people did."""

    source: str
    """``id``, ``email``, ``id and email`` or ``segment N``."""
    new: tuple[str, ...]
    """Ids of people stored for the first time."""
    refreshed: tuple[str, ...]
    """Ids of pulled people stored before, now refreshed."""
    kept: tuple[str, ...]
    """Ids of people made in this workspace (not pulled), left as they were."""
    missing: tuple[str, ...]
    """Ids or emails asked for that Customer.io does not have."""

    def to_json(self) -> dict[str, Any]:
        """The object ``cio people pull --json`` prints."""
        return {
            "source": self.source,
            "new": list(self.new),
            "refreshed": list(self.refreshed),
            "kept": list(self.kept),
            "missing": list(self.missing),
        }


def _fetch(
    client: CioClient,
    wanted: Sequence[str],
    id_type: IdType,
    progress: Progress | None,
) -> tuple[list[CioPerson], list[str]]:
    if not wanted:
        return [], []
    found = client.people(wanted, id_type, progress)

    def key_of(person: CioPerson) -> str:
        if id_type == "email":
            return person.email.lower()
        return person.cio_id if id_type == "cio_id" else person.id

    have = {key_of(person) for person in found}
    fold = id_type == "email"
    return found, [w for w in wanted if (w.lower() if fold else w) not in have]


def pull_people(
    db: Database,
    client: CioClient,
    *,
    ids: Iterable[str] = (),
    emails: Iterable[str] = (),
    segment: int | None = None,
    limit: int = DEFAULT_PEOPLE_LIMIT,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PeoplePull:
    """Copy people from Customer.io into the workspace, marked as pulled.

    Give ``ids`` and/or ``emails``, or a ``segment`` (its first ``limit`` members). At
    most :data:`MAX_PEOPLE` people; storing is all or nothing. ``progress(done, total)``
    counts people read, for each kind of identifier in turn (ids, emails, canonical ids);
    ``cancelled()`` is asked before each kind, and a cancel stores nothing.
    """
    by_id = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    by_email = list(dict.fromkeys(e.strip() for e in emails if e.strip()))
    if segment is not None and (by_id or by_email):
        raise CioError("Pull people by id or email, or from a segment, not both at once.")
    if segment is None and not (by_id or by_email):
        raise CioError("Name the people to pull: ids, emails or a segment.")
    if not 1 <= limit <= MAX_PEOPLE or len(by_id) + len(by_email) > MAX_PEOPLE:
        raise CioError(f"A pull copies between 1 and {MAX_PEOPLE} people.")
    if segment is not None:
        source = f"segment {segment}"
        members = client.segment_members(segment, limit)
        by_id = [m.id for m in members if m.id]
        by_email = [m.email for m in members if not m.id and m.email]
        by_cio = [m.cio_id for m in members if not m.id and not m.email and m.cio_id]
    else:
        source = " and ".join(kind for kind, given in (("id", by_id), ("email", by_email)) if given)
        by_cio = []
    found: list[tuple[CioPerson, str]] = []
    missing: list[str] = []
    lookups: tuple[tuple[list[str], IdType], ...] = (
        (by_id, "id"),
        (by_email, "email"),
        (by_cio, "cio_id"),
    )
    for wanted, id_type in lookups:
        if cancelled is not None and cancelled():
            raise CioCancelledError("Cancelled before the people were stored; nothing was stored.")
        got, lost = _fetch(client, wanted, id_type, progress)
        found.extend((person, source if segment is not None else id_type) for person in got)
        missing.extend(lost)
    people: dict[str, Person] = {}
    sources: dict[str, str] = {}
    for cio_person, how in found:
        person = cio_person.to_person()
        if person.id and person.id not in people:
            people[person.id] = person
            sources[person.id] = how
    kept = PulledPeople(db).local_ids(people)
    pulled_before = {pid for pid in people if PulledPeople(db).is_pulled(pid)}
    storing = [person for pid, person in people.items() if pid not in kept]
    PulledPeople(db).store(storing, sources)
    return PeoplePull(
        source=source,
        new=tuple(p.id for p in storing if p.id not in pulled_before),
        refreshed=tuple(p.id for p in storing if p.id in pulled_before),
        kept=tuple(pid for pid in people if pid in kept),
        missing=tuple(missing),
    )


def remove_pulled_people(db: Database) -> int:
    """Delete every person pulled from Customer.io (and their events); returns how many."""
    return PulledPeople(db).remove_all()
