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
  reads as an int of at most :data:`INTEGER_DIGITS` digits, a finite float or a bool
  changes type).
* All or nothing: if any mapping fails to render (a Liquid error), or names ``id``
  (which cannot change), no attribute changes and the error says which mapping failed.
  ``email`` sets the person's email; every other name sets an attribute.

What a preview says (:func:`render_mapping`, :func:`explain`). A mapping that reads a
field the response lacks says what is missing where, walking the response as far as it
goes: "the response has no field `id`", "`response.data` has no field `id`", "the
response is text, not JSON, so it has no field `id`", "`response.items` has 0 items, so
there is no item [0]" (rather than the person-oriented "response.id is not set for this
person"). A mapping that renders an empty value without an error is warned about before
anything is sent: after a 2xx it would set the attribute to empty text for every person.

Hostile answers. A 2xx answer is the endpoint's word, not ours, so nothing in it may
crash the caller or reach the person half-read; each case below becomes the outcome's
plain ``error`` and no attribute changes:

* **JSON nested more than** :data:`RESPONSE_DEPTH_LIMIT` **levels deep** is too deep to
  use: ``response`` is then not set at all (neither the parsed value nor the text, which
  would quietly map ``{{ response.id }}`` to an empty string), and every mapping that
  reads ``response`` is refused with a message saying so. The depth is measured before
  parsing, so a body of a million ``[`` costs one scan, not a recursion.
* **A body cut at 1 MiB**, or one still **compressed** (a coding that is not decoded, a
  corrupt or incomplete stream), is not what the server meant to say: mappings that read
  ``response`` are refused likewise.
* **Huge numbers**: an integer of more than :data:`INTEGER_DIGITS` digits is given to the
  template as its digits (text), and a float too large for a double (``1e999``) as its
  text, so they can be copied but never break the arithmetic or the store.
* **Invalid UTF-8** becomes U+FFFD; a lone UTF-16 surrogate escaped in a JSON string
  (``"\\ud800"``) becomes U+FFFD too, as the workspace stores only valid UTF-8.
* **A value that would store a secret** (its text, any encoding of it, or the mask that
  replaced one: the response echoed a secret) refuses the whole mapping.
* Anything else that goes wrong while mapping is reported the same way, never raised.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from composer.delivery.masking import Masker
from composer.errors import NotFoundError
from composer.json_input import MAX_INT_DIGITS
from composer.liquid import DEFAULT_VERSION, LiquidVersion
from composer.model import Person, ResponseMapping, json_kind
from composer.rendering.diagnostics import Diagnostic
from composer.rendering.render import render_field
from composer.store.database import Database
from composer.wording import counted

__all__ = [
    "EMPTY_VALUE",
    "INTEGER_DIGITS",
    "RESPONSE_DEPTH_LIMIT",
    "MappingOutcome",
    "apply_updates",
    "evaluate",
    "explain",
    "missing_in_response",
    "read_response",
    "render_mapping",
    "response_value",
    "typed_value",
]

RESPONSE_DEPTH_LIMIT = 64
"""How deeply a JSON response may nest (arrays and objects) and still be used."""
INTEGER_DIGITS = MAX_INT_DIGITS
"""The longest integer (in digits) a response or a mapping's value is read as a number."""

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_MISSING_RESPONSE = re.compile(r"^(response\S*) is not set for this (?:person|event)")
_SEGMENT = re.compile(r"""\.([^.\[\]]+)|\[(-?\d+)\]|\["([^"]*)"\]|\['([^']*)'\]""")
_EMPTY_SUFFIX = ", so this mapping would write an empty value"
EMPTY_VALUE = (
    "this mapping renders an empty value: after a 2xx answer the attribute would be set "
    "to empty text for every person it is sent for"
)
"""The warning about a mapping that would write an empty value."""


@dataclass(frozen=True, slots=True)
class MappingOutcome:
    """The attribute updates a response produces, or why it produces none."""

    updates: dict[str, Any] = field(default_factory=dict)
    """Attribute name → new value (JSON types), in mapping order; empty on error."""
    error: str | None = None
    """A plain sentence naming the mapping that failed, or None."""


def _too_deep(text: str, limit: int) -> bool:
    """Whether JSON ``text`` nests arrays and objects more than ``limit`` levels deep."""
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(itertools.accumulate(_STEP[ch] for ch in brackets), default=0) > limit


def _int(digits: str) -> int | str:
    return int(digits) if len(digits.lstrip("-")) <= INTEGER_DIGITS else digits


def _float(text: str) -> float | str:
    value = float(text)
    return value if math.isfinite(value) else text


def _clean(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def read_response(
    body: bytes, *, truncated: bool = False, body_problem: str | None = None
) -> tuple[Any, str | None]:
    """``response`` for a body, or None and the sentence saying why it cannot be used."""
    if truncated:
        return None, (
            "The response body is larger than 1 MiB and only its first 1 MiB was kept, "
            "so response mappings that read `response` were not applied."
        )
    if body_problem:
        return None, f"{body_problem} Response mappings that read `response` were not applied."
    text = body.decode("utf-8", errors="replace")
    if _too_deep(text, RESPONSE_DEPTH_LIMIT):
        return None, (
            f"The response is JSON nested more than {RESPONSE_DEPTH_LIMIT} levels deep, too "
            "deep to use, so `response` was not set and response mappings that read it "
            "were not applied."
        )
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=str)
    except (ValueError, RecursionError):
        return text, None
    return (_clean(value) if "\\u" in text else value), None


def response_value(body: bytes) -> Any:
    """What ``response`` is in a mapping: the parsed JSON body, or else its text.

    A body too deep to use gives None (see :func:`read_response` for why).
    """
    return read_response(body)[0]


def typed_value(text: str) -> Any:
    """``text`` as a number or boolean when it is one in JSON, else ``text`` unchanged."""
    try:
        value = json.loads(text.strip())
    except (ValueError, RecursionError):
        return text
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if len(str(abs(value))) <= INTEGER_DIGITS else text
    if isinstance(value, float) and math.isfinite(value):
        return value
    return text


def evaluate(
    mappings: Sequence[ResponseMapping],
    body: bytes,
    context: Mapping[str, Any],
    *,
    truncated: bool = False,
    body_problem: str | None = None,
    masker: Masker | None = None,
    version: LiquidVersion = DEFAULT_VERSION,
) -> MappingOutcome:
    """Render every mapping against a successful response; all or nothing, never raising.

    ``truncated`` and ``body_problem`` describe the body as the sender kept it;
    ``masker`` knows the secrets the request used, so that no mapping stores one;
    ``version`` is the request's Liquid version, which the mappings render with.
    """
    if not mappings:
        return MappingOutcome()
    try:
        return _evaluate(mappings, body, context, truncated, body_problem, masker, version)
    except Exception as exc:  # a hostile answer must never crash the caller
        kind = type(exc).__name__
        return MappingOutcome(
            error=f"The response mappings could not be applied ({kind}: {exc}). "
            "No attribute was changed."
        )


def _evaluate(
    mappings: Sequence[ResponseMapping],
    body: bytes,
    context: Mapping[str, Any],
    truncated: bool,
    body_problem: str | None,
    masker: Masker | None,
    version: LiquidVersion,
) -> MappingOutcome:
    globals_ = {k: v for k, v in context.items() if k != "secrets"}
    if any("response" in mapping.value for mapping in mappings):
        value, unusable = read_response(body, truncated=truncated, body_problem=body_problem)
        if unusable:
            return MappingOutcome(error=f"{unusable} No attribute was changed.")
        globals_["response"] = value
    updates: dict[str, Any] = {}
    for i, mapping in enumerate(mappings):
        attribute = mapping.attribute.strip()
        label = f"The response mapping for {attribute!r} (response_mappings[{i}])"
        if attribute == "id":
            return MappingOutcome(error=f"{label} cannot be applied: a person's id never changes.")
        text, diagnostics = render_field(
            f"response_mappings[{i}]", mapping.value, globals_, version=version
        )
        errors = [d for d in diagnostics if d.severity == "error"]
        if errors:
            first = errors[0]
            return MappingOutcome(
                error=f"{label} failed at line {first.line}, column {first.column}: "
                f"{first.message}. No attribute was changed."
            )
        text = _SURROGATE.sub("\ufffd", text)
        if masker is not None and masker.finds(text):
            return MappingOutcome(
                error=f"{label} would store a secret's value (the response echoed one), "
                "so no attribute was changed."
            )
        updates[attribute] = typed_value(text)
    return MappingOutcome(updates)


def missing_in_response(path: str, response: Any) -> str:
    """What a ``response…`` path lacks, walking ``response`` as far as it goes."""
    value, shown = response, "response"
    for found in _SEGMENT.finditer(path, len("response")):
        index, key = found.group(2), next(g for g in found.groups() if g is not None)
        place = "the response" if shown == "response" else f"`{shown}`"
        if isinstance(value, dict):
            if key not in value:
                return f"{place} has no field `{key}`"
            value = value[key]
        elif isinstance(value, list) and index is not None:
            number = int(index)
            if not -len(value) <= number < len(value):
                items = counted(len(value), "item")
                return f"{place} has {items}, so there is no item [{number}]"
            value = value[number]
        elif shown == "response" and isinstance(value, str):
            return f"the response is text, not JSON, so it has no field `{key}`"
        else:
            return f"{place} is {json_kind(value)}, not an object, so it has no field `{key}`"
        shown += found.group(0)
    return f"`{shown}` is {json_kind(value)} in the response"


def explain(
    diagnostics: Sequence[Diagnostic], text: str, response: Any, where: str
) -> tuple[Diagnostic, ...]:
    """Mapping ``where``'s diagnostics said about the response, and a warning for an empty
    value (given once: calling it again on its own answer changes nothing)."""
    out: list[Diagnostic] = []
    said_empty = False
    for diagnostic in diagnostics:
        found = _MISSING_RESPONSE.match(diagnostic.message)
        if found is not None:
            message = missing_in_response(found.group(1), response)
            if not text.strip():
                message += _EMPTY_SUFFIX
            diagnostic = Diagnostic(
                diagnostic.severity, diagnostic.where, diagnostic.line, diagnostic.column, message
            )
        said_empty = (
            said_empty
            or diagnostic.message in (EMPTY_VALUE,)
            or (diagnostic.message.endswith(_EMPTY_SUFFIX))
        )
        out.append(diagnostic)
    failed = any(d.severity == "error" for d in out)
    if not text.strip() and not failed and not said_empty:
        out.append(Diagnostic("warning", where, 1, 1, EMPTY_VALUE))
    return tuple(out)


def render_mapping(
    index: int, template: str, globals_: Mapping[str, Any], version: LiquidVersion
) -> tuple[str, tuple[Diagnostic, ...]]:
    """Render mapping ``index`` for a preview: its text and diagnostics (see :func:`explain`)."""
    where = f"response_mappings[{index}]"
    text, diagnostics = render_field(where, template, globals_, version=version)
    return text, explain(diagnostics, text, globals_.get("response"), where)


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
