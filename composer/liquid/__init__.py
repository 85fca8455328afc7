"""Liquid as Customer.io runs it, in both of Customer.io's versions.

Customer.io renders Liquid in one of two versions (its "Liquid upgrade" page,
docs.customer.io/journeys/liquid-upgrade): **latest**, for every account created on or
after 28 Nov 2023, which behaves like LiquidJS; and **legacy**, for older accounts, which
is Shopify's Ruby Liquid 2.5.3 inside a Rails app. Each version here is an engine of its
own, written to match its real engine byte for byte (``tests/oracles`` runs both real
engines, and the tests compare):

* :mod:`composer.liquid.legacy`: Ruby Liquid 2.5.3 with ActiveSupport loaded;
* :mod:`composer.liquid.latest`: LiquidJS 10 with its default options;
* :mod:`composer.liquid.cio`: Customer.io's own filters and tags, registered in each
  engine for the versions Customer.io documents them for.

Shared by both: :mod:`~composer.liquid.errors` (the error tree),
:mod:`~composer.liquid.state` (limits, clock, findings of one render),
:mod:`~composer.liquid.output` (the guarded output with its source map) and
:mod:`~composer.liquid.engine` (what an engine offers). :func:`engine` builds each
version once, on first use; the preview, the sender and the checks share it.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import cast, get_args
from zoneinfo import ZoneInfo

from composer.liquid.engine import Analysis, Engine, LiquidVersion, RenderOutcome, VariableUse
from composer.liquid.errors import (
    LiquidError,
    LiquidRenderError,
    LiquidSyntaxError,
    RenderLimitError,
)
from composer.liquid.output import OutputBuffer
from composer.liquid.state import (
    LOOP_LIMIT,
    NAMESPACE_LIMIT,
    OUTPUT_LIMIT,
    RENDER_DEADLINE_S,
    MissingVariable,
    Notice,
    RenderState,
)

__all__ = [
    "DEFAULT_VERSION",
    "LOOP_LIMIT",
    "NAMESPACE_LIMIT",
    "OUTPUT_LIMIT",
    "RENDER_DEADLINE_S",
    "VERSIONS",
    "Analysis",
    "Engine",
    "LiquidError",
    "LiquidRenderError",
    "LiquidSyntaxError",
    "LiquidVersion",
    "MissingVariable",
    "Notice",
    "OutputBuffer",
    "RenderLimitError",
    "RenderOutcome",
    "RenderState",
    "VariableUse",
    "engine",
    "other_version",
    "version_named",
    "zone_named",
]

VERSIONS: tuple[LiquidVersion, ...] = get_args(LiquidVersion)
"""Customer.io's Liquid versions: ``latest`` and ``legacy``."""
DEFAULT_VERSION: LiquidVersion = "latest"
"""The version of every Customer.io account created since 28 Nov 2023, and of a request
file that names none when there is no workspace to ask."""

_ENGINES: dict[str, Engine] = {}


def engine(version: LiquidVersion) -> Engine:
    """The engine of ``version``, built on first use and shared afterwards."""
    found = _ENGINES.get(version)
    if found is None:
        module = importlib.import_module(f"composer.liquid.{version_named(version)}")
        found = _ENGINES[version] = cast(Engine, module.ENGINE)
    return found


def other_version(version: LiquidVersion) -> LiquidVersion:
    """The version that is not ``version``."""
    return "legacy" if version == "latest" else "latest"


def version_named(name: str) -> LiquidVersion:
    """``name`` as a version; ValueError naming the choices when it is not one."""
    for version in VERSIONS:
        if name == version:
            return version
    raise ValueError(f"the Liquid version must be latest or legacy, not {name!r}")


def zone_named(name: str | None) -> dt.tzinfo:
    """The zone dates render in: an IANA name, or UTC for ``None``/"UTC".

    Raises ``KeyError`` or ``ValueError`` for a name that is not a zone.
    """
    if not name or name.upper() == "UTC":
        return dt.UTC
    return ZoneInfo(name)
