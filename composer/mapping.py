"""Response mappings: turning a 2xx answer into attribute updates on the person.

Decisions:

* Mappings run after a 2xx answer only; the caller (the outbox) decides that, and applies
  the updates in the same transaction that marks the delivery succeeded, so they are
  applied exactly once and never after a final failure.
* Each mapping's value is a Liquid template rendered with ``response`` (the parsed JSON
  body when the body is JSON, else its text), ``customer``, ``event`` and ``event_name``
  as they were when the request was rendered. Secrets are not available to mappings: a
  response must not be able to copy one into the workspace.
* Types: a value whose rendered, stripped text is a JSON number or boolean (``42``,
  ``-1.5``, ``true``) is stored as that number or boolean; anything else is stored as the
  rendered text (``"null"``, ``"[1]"`` and ``"007"`` stay text: only what ``json.loads``
  reads as an int, a finite float or a bool changes type).
* All or nothing: if any mapping fails to render (a Liquid error), or names ``id``
  (which cannot change), no attribute changes and the error says which mapping failed.
  ``email`` sets the person's email; every other name sets an attribute.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from composer.errors import NotFoundError
from composer.model import Person, ResponseMapping
from composer.render import render_field
from composer.store import Database

__all__ = ["MappingOutcome", "apply_updates", "evaluate", "response_value", "typed_value"]


@dataclass(frozen=True, slots=True)
class MappingOutcome:
    """The attribute updates a response produces, or why it produces none."""

    updates: dict[str, Any] = field(default_factory=dict)
    """Attribute name → new value (JSON types), in mapping order; empty on error."""
    error: str | None = None
    """A plain sentence naming the mapping that failed, or None."""


def response_value(body: bytes) -> Any:
    """What ``response`` is in a mapping: the parsed JSON body, or else its text."""
    text = body.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def typed_value(text: str) -> Any:
    """``text`` as a number or boolean when it is one in JSON, else ``text`` unchanged."""
    try:
        value = json.loads(text.strip())
    except ValueError:
        return text
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return text


def evaluate(
    mappings: Sequence[ResponseMapping], body: bytes, context: Mapping[str, Any]
) -> MappingOutcome:
    """Render every mapping against a successful response; all or nothing."""
    if not mappings:
        return MappingOutcome()
    globals_ = {k: v for k, v in context.items() if k != "secrets"}
    globals_["response"] = response_value(body)
    updates: dict[str, Any] = {}
    for i, mapping in enumerate(mappings):
        attribute = mapping.attribute.strip()
        label = f"The response mapping for {attribute!r} (response_mappings[{i}])"
        if attribute == "id":
            return MappingOutcome(error=f"{label} cannot be applied: a person's id never changes.")
        text, diagnostics = render_field(f"response_mappings[{i}]", mapping.value, globals_)
        errors = [d for d in diagnostics if d.severity == "error"]
        if errors:
            first = errors[0]
            return MappingOutcome(
                error=f"{label} failed at line {first.line}, column {first.column}: "
                f"{first.message}. No attribute was changed."
            )
        updates[attribute] = typed_value(text)
    return MappingOutcome(updates)


def apply_updates(db: Database, person_id: str, updates: Mapping[str, Any]) -> Person:
    """Set the attributes on the stored person (call inside the caller's transaction)."""
    try:
        person = db.people.get(person_id)
    except NotFoundError:
        raise NotFoundError(
            f'The person "{person_id}" is no longer in the workspace; no attribute was changed.'
        ) from None
    attributes = dict(person.attributes)
    email = person.email
    for name, value in updates.items():
        if name == "email":
            email = value if isinstance(value, str) else json.dumps(value)
        else:
            attributes[name] = value
    return db.people.update(Person(person.id, email, attributes))
