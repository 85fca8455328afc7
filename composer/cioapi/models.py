"""Typed shapes of what Customer.io's App API returns, and the webhook content we send back.

Every shape is read from the App API reference (docs.customer.io/integrations/api/app/,
OpenAPI 3.1, the file its pages are rendered from: docs.customer.io/files/journeys-app.json):

* :class:`Workspace` — ``GET /v1/workspaces`` ("List workspaces",
  ``tag/workspaces/listworkspaces``): ``{"workspaces": [{"id", "name", "messages_sent",
  "billable_messages_sent", "people", "object_types", "objects"}]}``; ``id`` is a string.
* :class:`Campaign` — ``GET /v1/campaigns`` ("List campaigns",
  ``tag/campaigns/listCampaigns``): ``{"campaigns": [{"id", "deduplicate_id", "name",
  "description", "created", "updated", "active", "state", "actions": [{"type", "id"}],
  "first_started", "tags", "trigger_segment_ids", "filter_segment_ids"}]}``.
* :class:`Action` — ``GET /v1/campaigns/{campaign_id}/actions`` ("List campaign actions":
  ``{"actions": [...], "next": "..."}``, up to 10 a page, ``start`` takes ``next``) and
  ``GET``/``PUT /v1/campaigns/{campaign_id}/actions/{action_id}`` ("Get"/"Update a
  campaign action": ``{"action": {...}}``). The webhook variant ("title": "Webhook") has
  ``id``, ``campaign_id``, ``parent_action_id``, ``deduplicate_id``, ``name``,
  ``layout``, ``created``, ``updated`` (Unix seconds), ``type`` (``"webhook"``),
  ``sending_state`` (``automatic`` | ``draft`` | ``off``), ``method`` (lower case: ``get``,
  ``post``, ``put``, ``delete``, ``patch``), ``url``, ``body`` and ``headers`` — "a JSON
  string containing header objects with ``name`` and ``value``".
* :class:`CioPerson` — ``POST /v1/customers/attributes?id_type=id|email`` ("List
  customers, attributes, and devices", ``tag/customers/getPeopleById``: up to 100
  ``ids``; ``{"customers": [{"customer": {...}}]}``, an id that does not exist is left
  out) and ``GET /v1/customers/{customer_id}/attributes`` (``{"customer": {"id",
  "attributes": {...}, "timestamps": {...}, ...}}``; attribute values come as strings,
  and ``attributes`` repeats ``id``, ``email`` and ``cio_id``).
* :class:`SegmentMember` — ``GET /v1/segments/{segment_id}/membership`` ("List customers
  in a segment", ``tag/segments/getSegmentMembership``): ``{"identifiers": [{"id",
  "email", "cio_id"}], "ids": [...], "next": "..."}``; ``limit`` at most 30,000 a page.

Where the reference is silent, decided here:

* **Liquid version.** No action shape names the Liquid version of a message (Customer.io
  shows it only in its editor). An action that carries ``liquid_version`` (``latest`` or
  ``legacy``) is read; otherwise :attr:`Action.liquid_version` is None.
* **Headers on update.** The "Update a campaign action" body documents ``headers`` as an
  array for email actions and as a JSON string for the webhook variant; a webhook is
  sent the JSON string, the shape its ``GET`` returns.
* **Lenient reading.** Unknown fields are ignored (the reference asks clients to); a
  missing field takes its empty value; headers given as an array are read too.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from composer.cioapi.errors import CioResponseError
from composer.liquid import VERSIONS, LiquidVersion
from composer.model import METHODS, Header, Person, Request

__all__ = [
    "Action",
    "ActionContent",
    "Campaign",
    "CioPerson",
    "SegmentMember",
    "Workspace",
]

_RESERVED = ("id", "email")


def _object(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise CioResponseError(f"Customer.io sent {what} that is not a JSON object.")
    return cast(Mapping[str, Any], value)


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


@dataclass(frozen=True, slots=True)
class Workspace:
    """A Customer.io workspace in the key's account."""

    id: str
    """Customer.io's id for it (a string in the reference's example)."""
    name: str
    """Its name, as Customer.io shows it."""

    @classmethod
    def from_api(cls, data: object) -> Workspace:
        """Read one item of ``{"workspaces": [...]}``."""
        item = _object(data, "a workspace")
        return cls(id=_text(item, "id"), name=_text(item, "name"))


@dataclass(frozen=True, slots=True)
class Campaign:
    """A campaign (Customer.io also calls them automations)."""

    id: int
    """The campaign's id."""
    name: str
    """Its name."""
    state: str
    """``running``, ``draft``, ``stopped`` … as Customer.io reports it."""
    active: bool
    """Whether it is active."""
    updated: int | None
    """When it was last changed (Unix seconds)."""
    actions: tuple[tuple[int, str], ...]
    """``(action id, type)`` of each of its actions."""

    @property
    def webhook_action_ids(self) -> tuple[int, ...]:
        """The ids of its webhook actions."""
        return tuple(action_id for action_id, kind in self.actions if kind == "webhook")

    @classmethod
    def from_api(cls, data: object) -> Campaign:
        """Read one item of ``{"campaigns": [...]}``."""
        item = _object(data, "a campaign")
        campaign_id = _int(item, "id")
        if campaign_id is None:
            raise CioResponseError("Customer.io sent a campaign without an id.")
        actions: list[tuple[int, str]] = []
        for entry in item.get("actions") or ():
            if isinstance(entry, Mapping):
                action_id = _int(entry, "id")
                if action_id is not None:
                    actions.append((action_id, _text(entry, "type")))
        return cls(
            id=campaign_id,
            name=_text(item, "name"),
            state=_text(item, "state"),
            active=bool(item.get("active")),
            updated=_int(item, "updated"),
            actions=tuple(actions),
        )


@dataclass(frozen=True, slots=True)
class ActionContent:
    """The four parts of a webhook action a push sends: method, URL, headers and body."""

    method: str
    """Upper case, one of :data:`composer.model.METHODS`."""
    url: str
    """The URL template."""
    headers: tuple[Header, ...]
    """Headers in order."""
    body: str
    """The body template."""

    @classmethod
    def of_request(cls, request: Request) -> ActionContent:
        """A request's method, URL, headers and body."""
        return cls(request.method, request.url, request.headers, request.body)

    def headers_json(self) -> str:
        """The headers as the App API keeps them: a JSON string of ``{name, value}``."""
        pairs = [{"name": h.name, "value": h.value} for h in self.headers]
        return json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))

    def to_api(self) -> dict[str, Any]:
        """The body of ``PUT /v1/campaigns/{id}/actions/{id}`` for a webhook action."""
        return {
            "method": self.method.lower(),
            "url": self.url,
            "headers": self.headers_json(),
            "body": self.body,
        }


def _headers(value: object, action_id: int) -> tuple[Header, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise CioResponseError(
                f"Customer.io sent headers for action {action_id} that are not JSON."
            ) from None
    if not isinstance(value, list):
        raise CioResponseError(f"Customer.io sent headers for action {action_id} in a new shape.")
    headers = []
    for item in value:
        if not isinstance(item, Mapping):
            raise CioResponseError(
                f"Customer.io sent a header of action {action_id} in a new shape."
            )
        headers.append(Header(_text(item, "name"), _text(item, "value")))
    return tuple(headers)


@dataclass(frozen=True, slots=True)
class Action:
    """One action (a "tile") of a campaign; only webhook actions carry method and URL."""

    id: int
    """The action's id."""
    campaign_id: int | None
    """The campaign it belongs to, when the answer says."""
    type: str
    """``webhook``, ``email``, ``twilio`` …"""
    name: str
    """Its name in the workflow ("" when it has none)."""
    method: str
    """Upper case; "" for an action that is not a webhook."""
    url: str
    """The URL template."""
    headers: tuple[Header, ...]
    """The headers, in order."""
    body: str
    """The body template."""
    sending_state: str
    """``automatic``, ``draft`` or ``off``."""
    updated: int | None
    """When Customer.io last changed it (Unix seconds): the conflict rule compares this."""
    liquid_version: LiquidVersion | None
    """The Liquid version when the answer names one (the reference documents none)."""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The action exactly as Customer.io sent it."""

    @property
    def is_webhook(self) -> bool:
        """Whether it is a "Send and receive data" webhook."""
        return self.type == "webhook"

    @property
    def content(self) -> ActionContent:
        """Its method, URL, headers and body."""
        return ActionContent(self.method, self.url, self.headers, self.body)

    def with_content(self, content: ActionContent) -> Action:
        """This action holding ``content`` (its raw object too), e.g. secrets as references."""
        raw = dict(self.raw)
        raw.update(content.to_api())
        return dataclasses.replace(
            self,
            method=content.method,
            url=content.url,
            headers=content.headers,
            body=content.body,
            raw=raw,
        )

    def to_request(self, name: str, liquid_version: LiquidVersion) -> Request:
        """The action as a request called ``name`` (draft when Customer.io drafts it)."""
        return Request(
            name=name,
            method=self.method or "POST",
            url=self.url,
            headers=self.headers,
            body=self.body,
            send_mode="draft" if self.sending_state == "draft" else "automatic",
            liquid_version=self.liquid_version or liquid_version,
        )

    @classmethod
    def from_api(cls, data: object) -> Action:
        """Read an action object (an item of ``actions``, or ``action``)."""
        item = _object(data, "an action")
        action_id = _int(item, "id")
        if action_id is None:
            raise CioResponseError("Customer.io sent an action without an id.")
        kind = _text(item, "type")
        method = _text(item, "method").upper()
        if kind == "webhook" and method and method not in METHODS:
            raise CioResponseError(
                f"Customer.io sent action {action_id} with the method {method!r}, "
                f"which is none of {', '.join(METHODS)}."
            )
        version = item.get("liquid_version")
        return cls(
            id=action_id,
            campaign_id=_int(item, "campaign_id"),
            type=kind,
            name=_text(item, "name"),
            method=method or ("POST" if kind == "webhook" else ""),
            url=_text(item, "url"),
            headers=_headers(item.get("headers"), action_id),
            body=_text(item, "body"),
            sending_state=_text(item, "sending_state"),
            updated=_int(item, "updated"),
            liquid_version=cast(LiquidVersion, version) if version in VERSIONS else None,
            raw=dict(item),
        )


@dataclass(frozen=True, slots=True)
class CioPerson:
    """A person's identifiers and attributes as Customer.io keeps them."""

    id: str
    """Their ``id`` ("" in a workspace that identifies people by email only)."""
    email: str
    """Their email ("" when unknown)."""
    cio_id: str
    """Customer.io's canonical id ("" when the answer has none)."""
    attributes: Mapping[str, Any]
    """Every attribute, as sent."""

    @classmethod
    def from_api(cls, data: object) -> CioPerson:
        """Read ``{"customer": {...}}`` or the customer object itself."""
        item = _object(data, "a person")
        if "customer" in item:
            item = _object(item["customer"], "a person")
        attributes = item.get("attributes") or {}
        if not isinstance(attributes, Mapping):
            raise CioResponseError("Customer.io sent a person whose attributes are not an object.")
        identifiers = item.get("identifiers")
        ids = identifiers if isinstance(identifiers, Mapping) else {}
        return cls(
            id=_text(item, "id") or _text(attributes, "id") or _text(ids, "id"),
            email=_text(attributes, "email") or _text(item, "email") or _text(ids, "email"),
            cio_id=_text(attributes, "cio_id") or _text(ids, "cio_id"),
            attributes=dict(attributes),
        )

    def to_person(self) -> Person:
        """The person as the workspace stores them (``cio_`` + canonical id without an id)."""
        person_id = self.id or (f"cio_{self.cio_id}" if self.cio_id else self.email)
        attributes = {k: v for k, v in self.attributes.items() if k not in _RESERVED}
        return Person(id=person_id, email=self.email, attributes=attributes)


@dataclass(frozen=True, slots=True)
class SegmentMember:
    """One member of a segment: the identifiers Customer.io lists for them."""

    id: str
    """Their ``id`` ("" when they have none)."""
    email: str
    """Their email ("" when the workspace does not identify people by email)."""
    cio_id: str
    """Customer.io's canonical id, when listed."""

    @classmethod
    def from_api(cls, data: object) -> SegmentMember:
        """Read one item of ``identifiers`` (or a bare id from ``ids``)."""
        if isinstance(data, str | int) and not isinstance(data, bool):
            return cls(id=str(data), email="", cio_id="")
        item = _object(data, "a segment member")
        return cls(_text(item, "id"), _text(item, "email"), _text(item, "cio_id"))
