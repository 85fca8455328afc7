"""The request model and its file formats.

A :class:`Request` is one webhook action as Customer.io's composer holds it. It is
immutable: editors build a new one with :func:`dataclasses.replace`, and rendering never
changes the request it is given.

The request file is UTF-8 JSON, written with a fixed key order, two-space indentation,
non-ASCII kept as is and a final newline, so that saving a loaded file reproduces it byte
for byte and diffs stay small in git. ``idempotency_key`` is written only when it is on,
so files that do not use it keep exactly the shape documented above.
``liquid_version`` (``latest`` or ``legacy``) is written when the request has one; a file
without it takes the workspace's default when imported, and renders with ``latest``
where there is no workspace (Customer.io's version for every account since 28 Nov 2023).

A context file is a JSON object whose top-level keys are the Liquid globals
(``customer``, ``event``, ``event_name``, ``response``, ...).

Both files are read with :func:`composer.json_input.loads`: JSON nested too deeply,
over-long integers, numbers beyond a double and lone UTF-16 surrogates are refused with
an :class:`~composer.errors.InvalidFileError` naming the file, line and column.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from composer import json_input
from composer.errors import InvalidFileError
from composer.liquid import VERSIONS, LiquidVersion

__all__ = [
    "DEFAULT_HEADERS",
    "METHODS",
    "SEND_MODES",
    "Event",
    "Header",
    "Person",
    "Request",
    "ResponseMapping",
    "context_for",
    "json_kind",
    "load_context",
    "parse_context",
]

METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "DELETE", "PATCH")
"""Methods Customer.io's webhook action offers (older accounts documented the first four)."""

SEND_MODES: tuple[str, ...] = ("automatic", "draft")
"""``automatic`` sends at once; ``draft`` freezes the rendered request until approved."""

SendMode = Literal["automatic", "draft"]


@dataclass(frozen=True, slots=True)
class Header:
    """One request header; ``value`` is a Liquid template."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class ResponseMapping:
    """Sets the person's ``attribute`` to the rendering of ``value`` after a 2xx response."""

    attribute: str
    value: str


DEFAULT_HEADERS: tuple[Header, ...] = (Header("Content-Type", "application/json"),)


@dataclass(frozen=True, slots=True)
class Request:
    """A webhook action: what to send, and what to keep from the answer."""

    name: str
    """Unique name within a workspace; shown in lists and used by the command line."""
    url: str
    """Liquid template of the URL; may hold ``user:password@`` for Basic auth."""
    method: str = "POST"
    """One of :data:`METHODS`."""
    headers: tuple[Header, ...] = DEFAULT_HEADERS
    """Headers in the order they are sent; names are plain text, values are Liquid."""
    body: str = ""
    """Liquid template of the body; checked against the Content-Type once rendered."""
    response_mappings: tuple[ResponseMapping, ...] = ()
    """Attribute updates applied to the person after a 2xx response, in order."""
    count_conversions: bool = False
    """Whether Customer.io counts this action toward conversion goals (kept, not acted on)."""
    send_mode: SendMode = "automatic"
    """``draft`` holds the rendered request in the outbox until someone approves it."""
    idempotency_key: bool = False
    """Send an ``Idempotency-Key`` header that stays the same across a delivery's attempts."""
    liquid_version: LiquidVersion | None = None
    """Customer.io's Liquid version the templates render with; None when the request file
    names none (the workspace's default applies, ``latest`` without a workspace)."""

    def content_type(self) -> str:
        """The raw Content-Type header template ("" when there is none); last one wins."""
        value = ""
        for header in self.headers:
            if header.name.strip().lower() == "content-type":
                value = header.value
        return value

    # -- conversions ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The request file's JSON object, keys in the documented order."""
        data: dict[str, Any] = {
            "name": self.name,
            "method": self.method,
            "url": self.url,
            "headers": [{"name": h.name, "value": h.value} for h in self.headers],
            "body": self.body,
            "response_mappings": [
                {"attribute": m.attribute, "value": m.value} for m in self.response_mappings
            ],
            "count_conversions": self.count_conversions,
            "send_mode": self.send_mode,
        }
        if self.liquid_version is not None:
            data["liquid_version"] = self.liquid_version
        if self.idempotency_key:
            data["idempotency_key"] = True
        return data

    def to_json(self) -> str:
        """The request file's text: stable, readable, ending in a newline."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def save(self, path: Path) -> None:
        """Write the request file atomically (a crash leaves the old file or the new one)."""
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(self.to_json(), encoding="utf-8", newline="\n")
        tmp.replace(path)

    @classmethod
    def from_dict(cls, data: object, source: str = "<request>") -> Request:
        """Validate a decoded request file; raise :class:`InvalidFileError` naming the field."""
        return _RequestReader(source).read(data)

    @classmethod
    def from_json(cls, text: str, source: str = "<request>") -> Request:
        """Parse and validate a request file's text."""
        return cls.from_dict(_decode_json(text, source), source)

    @classmethod
    def from_file(cls, path: Path | str) -> Request:
        """Read and validate a request file."""
        source = str(path)
        return cls.from_json(_read_text(Path(path), source), source)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone a request is rendered for: Customer.io's ``customer``."""

    id: str
    """The person's identifier (Customer.io's ``id``); unique in a workspace."""
    email: str
    """Their email address ("" when unknown)."""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    """Free-form JSON attributes; ``id`` and ``email`` are not repeated here."""

    def to_dict(self) -> dict[str, Any]:
        """The shape ``people list --json`` prints and ``people import`` takes."""
        return {"id": self.id, "email": self.email, "attributes": dict(self.attributes)}


@dataclass(frozen=True, slots=True)
class Event:
    """Something a person did that can trigger a request: Customer.io's ``event``."""

    name: str
    """The event's name, available to templates as ``event_name``."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """The event's JSON data, available to templates as ``event``."""
    timestamp: int = 0
    """When it happened, in Unix seconds (UTC)."""


def context_for(person: Person | None, event: Event | None = None) -> dict[str, Any]:
    """The Liquid globals for a person and the event that triggered them.

    ``customer`` holds the attributes plus ``id`` and ``email`` (which win over
    attributes of the same name), ``event`` the event's data and ``event_name`` its name.
    """
    context: dict[str, Any] = {}
    if person is not None:
        customer = dict(person.attributes)
        customer["id"] = person.id
        customer["email"] = person.email
        context["customer"] = customer
    if event is not None:
        context["event"] = dict(event.data)
        context["event_name"] = event.name
    return context


def parse_context(text: str, source: str = "<context>") -> dict[str, Any]:
    """Parse a context file: a JSON object whose keys are the Liquid globals."""
    data = _decode_json(text, source)
    if not isinstance(data, dict):
        raise InvalidFileError(source, f"expected a JSON object, got {json_kind(data)}")
    return cast(dict[str, Any], data)


def load_context(path: Path | str) -> dict[str, Any]:
    """Read a context file."""
    source = str(path)
    return parse_context(_read_text(Path(path), source), source)


# -- helpers -----------------------------------------------------------------------


def _read_text(path: Path, source: str) -> str:
    return json_input.decode_text(json_input.read_file(path, source), source)


def _decode_json(text: str, source: str) -> object:
    """The JSON in a file's text, within :mod:`composer.json_input`'s limits."""
    if not text.strip():
        raise InvalidFileError(source, "is empty; expected JSON")
    return json_input.loads(text, source)


def json_kind(value: object) -> str:
    """Name a JSON value's type the way a user of JSON would."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class _RequestReader:
    """Validates a decoded request file field by field, naming the first bad one."""

    _KEYS = (
        "name",
        "method",
        "url",
        "headers",
        "body",
        "response_mappings",
        "count_conversions",
        "send_mode",
        "liquid_version",
        "idempotency_key",
    )

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, reason: str) -> InvalidFileError:
        return InvalidFileError(self.source, reason, where)

    def read(self, data: object) -> Request:
        if not isinstance(data, dict):
            raise InvalidFileError(self.source, f"expected a JSON object, got {json_kind(data)}")
        obj = cast(dict[str, object], data)
        unknown = [k for k in obj if k not in self._KEYS]
        if unknown:
            raise self.fail(
                unknown[0], "unknown field (expected one of: " + ", ".join(self._KEYS) + ")"
            )
        for required in ("name", "url"):
            if required not in obj:
                raise self.fail(required, "missing required field")
        name = self.string(obj, "name")
        if not name.strip():
            raise self.fail("name", "must not be empty")
        method = self.string(obj, "method", "POST")
        if method not in METHODS:
            raise self.fail(
                "method", f"unknown method {method!r} (use one of {', '.join(METHODS)})"
            )
        send_mode = self.string(obj, "send_mode", "automatic")
        if send_mode not in SEND_MODES:
            raise self.fail("send_mode", f"must be 'automatic' or 'draft', not {send_mode!r}")
        liquid_version: LiquidVersion | None = None
        if "liquid_version" in obj:
            named = self.string(obj, "liquid_version")
            for version in VERSIONS:
                if named == version:
                    liquid_version = version
            if liquid_version is None:
                raise self.fail("liquid_version", f"must be 'latest' or 'legacy', not {named!r}")
        headers = DEFAULT_HEADERS
        if "headers" in obj:
            headers = tuple(Header(*pair) for pair in self.pairs(obj, "headers", ("name", "value")))
            for i, header in enumerate(headers):
                if not header.name.strip():
                    raise self.fail(f"headers[{i}].name", "must not be empty")
        mappings = tuple(
            ResponseMapping(*pair)
            for pair in self.pairs(obj, "response_mappings", ("attribute", "value"))
        )
        for i, mapping in enumerate(mappings):
            if not mapping.attribute.strip():
                raise self.fail(f"response_mappings[{i}].attribute", "must not be empty")
        return Request(
            name=name,
            method=method,
            url=self.string(obj, "url"),
            headers=headers,
            body=self.string(obj, "body", ""),
            response_mappings=mappings,
            count_conversions=self.boolean(obj, "count_conversions"),
            send_mode=cast(SendMode, send_mode),
            idempotency_key=self.boolean(obj, "idempotency_key"),
            liquid_version=liquid_version,
        )

    def string(self, obj: Mapping[str, object], key: str, default: str | None = None) -> str:
        value = obj.get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {json_kind(value)}")
        return value

    def boolean(self, obj: Mapping[str, object], key: str) -> bool:
        value = obj.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {json_kind(value)}")
        return value

    def pairs(
        self, obj: Mapping[str, object], key: str, names: tuple[str, str]
    ) -> list[tuple[str, str]]:
        items = obj.get(key, [])
        if not isinstance(items, list):
            raise self.fail(key, f"expected an array, got {json_kind(items)}")
        out: list[tuple[str, str]] = []
        for i, item in enumerate(items):
            where = f"{key}[{i}]"
            if not isinstance(item, dict):
                raise self.fail(where, f"expected an object, got {json_kind(item)}")
            extra = [k for k in item if k not in names]
            if extra:
                raise self.fail(
                    f"{where}.{extra[0]}", f"unknown field (expected {' and '.join(names)})"
                )
            values = []
            for name in names:
                if name not in item:
                    raise self.fail(f"{where}.{name}", "missing required field")
                value = item[name]
                if not isinstance(value, str):
                    raise self.fail(f"{where}.{name}", f"expected a string, got {json_kind(value)}")
                values.append(value)
            out.append((values[0], values[1]))
        return out
