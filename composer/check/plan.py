"""What a request's templates use of the person: the plan of a per-person check.

Part of :mod:`composer.check.sweep`. :class:`Plan` is worked out once per check from the Liquid
engine's static analysis of every template (:meth:`composer.liquid.Engine.analyze`; a
regular expression when a template does not parse), in each Liquid version the check
renders with:

* whether a template uses ``event`` or ``event_name`` (then each of a person's events is
  one rendering);
* whether the URL and headers use the person at all (if not, they are rendered once for
  everybody and only the body per person);
* which first-level keys of ``customer`` and ``event`` the templates read, so that
  people whose values for those are the same are rendered once: :meth:`Plan.key` is a
  JSON text of exactly those values, keeping the order of a hash's entries (a hash
  renders in its order), or None when that cannot be told.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from composer.liquid import DEFAULT_VERSION, LiquidError, LiquidVersion, engine
from composer.model import Request

__all__ = ["Plan"]

_PERSON_ROOTS = ("customer", "event", "event_name")
_EVENT_WORD = re.compile(r"\bevent(_name)?\b")
_KEY_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=True)


def _templates(request: Request) -> list[str]:
    return [request.url, *(h.value for h in request.headers), request.body]


def _person_paths(
    template: str, versions: Iterable[LiquidVersion]
) -> dict[str, set[str] | None] | None:
    """Per root (customer, event, event_name), the first-level keys used (None: all of it).

    Returns None when the template does not parse in one of ``versions``, or renders
    Liquid it reads from the data (then what it uses cannot be known).
    """
    used: dict[str, set[str] | None] = {}
    for version in versions:
        try:
            analysis = engine(version).analyze(template)
        except LiquidError:
            return None
        if analysis.dynamic:
            return None
        _add_paths(used, analysis.globals)
    return used


def _add_paths(used: dict[str, set[str] | None], found: dict[str, list[Any]]) -> None:
    for root, variables in found.items():
        if root not in _PERSON_ROOTS:
            continue
        for variable in variables:
            segments = variable.path
            key = segments[1] if len(segments) > 1 else None
            if root == "event_name" or not isinstance(key, str):
                used[root] = None
            elif used.get(root, set()) is not None:
                keys = used.setdefault(root, set())
                assert keys is not None
                keys.add(key)


@dataclass(slots=True)
class Plan:
    """What the request's templates use of the person, worked out once."""

    uses_event: bool
    """Whether a template uses ``event`` or ``event_name``."""
    fixed_head: bool
    """Whether the URL and headers are the same for everybody."""
    paths: dict[str, set[str] | None] | None
    """Per root, the first-level keys used (None: all of it); None when unknown."""

    @classmethod
    def of(cls, request: Request, versions: Iterable[LiquidVersion] | None = None) -> Plan:
        """The plan of ``request`` rendered with ``versions`` (default: its own version)."""
        wanted = tuple(versions or (request.liquid_version or DEFAULT_VERSION,))
        merged: dict[str, set[str] | None] | None = {}
        head_uses_person = False
        templates = _templates(request)
        for i, template in enumerate(templates):
            used = _person_paths(template, wanted)
            if used is None:
                merged = None
                head_uses_person = head_uses_person or i < len(templates) - 1
                continue
            if used and i < len(templates) - 1:
                head_uses_person = True
            if merged is not None:
                for root, keys in used.items():
                    have = merged.get(root, set())
                    merged[root] = None if keys is None or have is None else have | keys
        if merged is None:
            uses_event = any(_EVENT_WORD.search(t) for t in templates)
        else:
            uses_event = "event" in merged or "event_name" in merged
        return cls(uses_event, not head_uses_person, merged)

    def key(self, context: dict[str, Any]) -> str | None:
        """Equal keys render equally; None when that cannot be told.

        The key keeps the order of a hash's entries, since a hash renders in its order.
        """
        if self.paths is None:
            return None
        picked: list[object] = []
        for root, keys in self.paths.items():  # the same order for every context
            value = context.get(root)
            if keys is None or not isinstance(value, dict):
                picked.append([value] if root in context else [])
            else:
                picked.append({k: value[k] for k in keys if k in value})
        try:
            return _KEY_ENCODER.encode(picked)
        except (TypeError, ValueError):
            return None
