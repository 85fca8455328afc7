"""LiquidJS's filters (``src/filters/*.ts``), by kind, and :data:`FILTERS` by name.

Every filter is ``filter(context, value, *args)``: the value and arguments as LiquidJS
passes them (a ``key: value`` argument as a ``[key, value]`` list, a missing one as
``undefined``). A parameter a filter does not declare is dropped after it is evaluated,
as JavaScript ignores extra arguments.
"""

from __future__ import annotations

from typing import Any

from composer.liquid.latest.filters.array import ARRAY_FILTERS
from composer.liquid.latest.filters.date import DATE_FILTERS
from composer.liquid.latest.filters.html import HTML_FILTERS
from composer.liquid.latest.filters.math import MATH_FILTERS
from composer.liquid.latest.filters.misc import MISC_FILTERS
from composer.liquid.latest.filters.search import SEARCH_FILTERS
from composer.liquid.latest.filters.string import STRING_FILTERS
from composer.liquid.latest.filters.url import URL_FILTERS

__all__ = ["FILTERS"]

FILTERS: dict[str, Any] = {
    **HTML_FILTERS,
    **MATH_FILTERS,
    **URL_FILTERS,
    **ARRAY_FILTERS,
    **SEARCH_FILTERS,
    **DATE_FILTERS,
    **STRING_FILTERS,
    **MISC_FILTERS,
}
"""Every LiquidJS filter by name (``Object.keys(new Liquid().filters)``)."""
