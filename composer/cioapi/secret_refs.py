"""``{{ secrets.NAME }}`` in a webhook's templates: find them, inline them, take them back.

The secrets are this app's keychain; Customer.io cannot read it, so a reference pushed as
it is renders as nothing there. :mod:`composer.cioapi.push` therefore never pushes one
without an explicit choice: ``keep`` (push the reference as written) or ``values`` (push
the keychain's value in its place). These helpers do the finding and the replacing:

* :func:`find_secrets` lists the names a content uses (through the Liquid engine's
  analysis; a regular expression when a template does not parse) and says whether every
  use is a plain output ``{{ secrets.NAME }}`` — the only form whose value can be put in
  its place. A use inside a tag or with a filter (``{{ secrets.k | upcase }}``) is not.
* :func:`inline_secrets` puts the values in; a value holding Liquid delimiters is
  refused, since Customer.io would then run it as Liquid.
* :func:`restore_references` turns values found in pulled text back into references, so
  an action that holds a pushed credential never brings it into the workspace. Only
  values of at least :data:`MIN_RESTORED_LENGTH` characters are replaced (a short
  value such as ``1`` would match ordinary text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from composer.cioapi.models import ActionContent
from composer.liquid import LiquidError, LiquidVersion, engine
from composer.model import Header

__all__ = [
    "MIN_RESTORED_LENGTH",
    "SecretRefs",
    "find_secrets",
    "inline_secrets",
    "mask_values",
    "restore_references",
]

MIN_RESTORED_LENGTH = 6
"""Shorter secret values are not turned back into references in pulled text."""

_OUTPUT = re.compile(
    r"\{\{-?\s*secrets\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*(['\"])([^'\"]+)\2\s*\])\s*-?\}\}"
)
_ANY = re.compile(r"\bsecrets\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])?")


@dataclass(frozen=True, slots=True)
class SecretRefs:
    """The secrets a webhook's templates use."""

    names: tuple[str, ...]
    """Their names, in order of first use."""
    places: Mapping[str, tuple[str, ...]]
    """Where each is used: ``url``, ``headers[i]``, ``body``."""
    inlinable: bool
    """Whether every use is a plain ``{{ secrets.NAME }}`` output."""

    def __bool__(self) -> bool:
        return bool(self.names)


def _parts(content: ActionContent) -> list[tuple[str, str]]:
    parts = [("url", content.url)]
    parts += [(f"headers[{i}]", h.value) for i, h in enumerate(content.headers)]
    parts.append(("body", content.body))
    return parts


def _uses(template: str, version: LiquidVersion) -> list[str | None]:
    """The name of each use of ``secrets`` (None when the name is not written out)."""
    if "secrets" not in template:
        return []
    try:
        analysis = engine(version).analyze(template)
    except LiquidError:
        return [m.group(1) or m.group(2) for m in _ANY.finditer(template)]
    names: list[str | None] = []
    for use in analysis.globals.get("secrets", []):
        name = use.path[1] if len(use.path) > 1 else None
        names.append(name if isinstance(name, str) else None)
    return names


def find_secrets(content: ActionContent, version: LiquidVersion) -> SecretRefs:
    """Which secrets ``content``'s URL, header values and body use, and how."""
    names: dict[str, list[str]] = {}
    inlinable = True
    for where, template in _parts(content):
        uses = _uses(template, version)
        outputs = [m.group(1) or m.group(3) for m in _OUTPUT.finditer(template)]
        if len(outputs) != len(uses) or None in uses:
            inlinable = False
        for name in uses:
            places = names.setdefault(name or "?", [])
            if where not in places:
                places.append(where)
    return SecretRefs(tuple(names), {k: tuple(v) for k, v in names.items()}, inlinable)


def inline_secrets(content: ActionContent, values: Mapping[str, str]) -> ActionContent:
    """``content`` with each ``{{ secrets.NAME }}`` replaced by its value.

    Raises ValueError (a plain sentence) for a secret without a value, or a value that
    holds ``{{``, ``{%``, ``}}`` or ``%}``.
    """

    def put(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        value = values.get(name)
        if value is None:
            raise ValueError(f'The secret "{name}" has no value in the keychain.')
        if any(mark in value for mark in ("{{", "{%", "}}", "%}")):
            raise ValueError(
                f'The value of the secret "{name}" holds Liquid delimiters; Customer.io '
                "would run it as Liquid, so it cannot be pushed in place of the reference."
            )
        return value

    return ActionContent(
        content.method,
        _OUTPUT.sub(put, content.url),
        tuple(Header(h.name, _OUTPUT.sub(put, h.value)) for h in content.headers),
        _OUTPUT.sub(put, content.body),
    )


def _replace_each(text: str, values: Mapping[str, str], make: str) -> str:
    for name, value in sorted(values.items(), key=lambda item: -len(item[1])):
        if len(value) >= MIN_RESTORED_LENGTH and value in text:
            text = text.replace(value, make.format(name=name))
    return text


def mask_values(text: str, values: Mapping[str, str], mask: str) -> str:
    """``text`` with every secret value (of any length but empty) replaced by ``mask``."""
    for value in sorted(values.values(), key=len, reverse=True):
        if value:
            text = text.replace(value, mask)
    return text


def restore_references(content: ActionContent, values: Mapping[str, str]) -> ActionContent:
    """``content`` with secret values turned back into ``{{ secrets.NAME }}``."""
    if not values:
        return content
    ref = "{{{{ secrets.{name} }}}}"
    return ActionContent(
        content.method,
        _replace_each(content.url, values, ref),
        tuple(Header(h.name, _replace_each(h.value, values, ref)) for h in content.headers),
        _replace_each(content.body, values, ref),
    )
