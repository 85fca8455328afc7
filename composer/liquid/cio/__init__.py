"""Customer.io's own filters and tags, for the versions Customer.io documents them for.

:func:`filters_for` and :func:`tags_for` give, for one version, what Customer.io adds to
(or changes in) that version's engine. The engines register these after their standard
filters, so a Customer.io change to a standard filter wins.
"""

from __future__ import annotations

from collections.abc import Mapping

from composer.liquid.cio.api import Call, CioFilter, CioTag
from composer.liquid.engine import LiquidVersion

__all__ = ["Call", "CioFilter", "CioTag", "filters_for", "tags_for"]


def filters_for(version: LiquidVersion) -> Mapping[str, CioFilter]:
    """Customer.io's filters in ``version``, by name."""
    return {}


def tags_for(version: LiquidVersion) -> Mapping[str, CioTag]:
    """Customer.io's tags in ``version``, by name."""
    return {}
