"""Customer.io's own filters and tags, for the versions Customer.io documents them for.

:func:`filters_for` and :func:`tags_for` give, for one version, what Customer.io adds to
(or changes in) that version's engine. The engines register these after their standard
filters, so a Customer.io change to a standard filter wins.

The sources are Customer.io's "Liquid syntax list" (docs.customer.io/messaging/liquid/
tag-list, also docs.customer.io/journeys/liquid-tag-list), its legacy "Liquid tag master
list" (customer.io/docs/liquid-tag-master-list, "Our version of Liquid is currently
2.5.3"), the "Liquid upgrade" page (docs.customer.io/messaging/liquid/upgrade), the
time-zone page and Customer.io's Liquid tutorials; ``docs/customerio-liquid.md`` has the
whole table with every example and source, and says what was decided where the docs are
silent. In short:

* **Both versions** gain Customer.io's own filters (``format_number``, ``currency``,
  ``rounded_currency``, ``random``, ``add_*``/``subtract_*``, ``hex_base64``, ``base64``,
  ``base64_url_safe_*``, ``md5``, ``sha1``, ``hmac_sha1``, ``from_json``, ``to_json``,
  ``limit``, ``where_not``, ``pluralize``, ``titlecase``) and all its tags.
* **Legacy** (Liquid 2.5.3) also gains every other filter the list documents for it
  that 2.5.3 lacks, written as Liquid 5 or Jekyll write them (``url_encode``, ``strip``,
  ``where``, ``round``, ``date_to_xmlschema`` …), legacy-only ``timezone`` and
  ``htmlencode``, ``json`` in Rails' flavour, and Customer.io's documented change to
  ``escape`` (it percent-encodes). It does **not** gain ``default``: the documented way
  to tell the versions apart relies on legacy lacking it.
* **Latest** (LiquidJS) also gains ``json_array_uniq``. LiquidJS's own filters stay as
  they are: the upgrade page's other differences (``escape``, ``sort`` with nulls,
  ``concat``, ``sum``, ``modulo``, ``sha256``, ``times``/``divided_by``) describe what
  LiquidJS does.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from composer.liquid.cio.api import Call, CioFilter, CioTag
from composer.liquid.cio.arrays import LATEST_ARRAY_FILTERS, LEGACY_ARRAY_FILTERS
from composer.liquid.cio.dates import LATEST_DATE_FILTERS, LEGACY_DATE_FILTERS
from composer.liquid.cio.encoding import LATEST_ENCODING_FILTERS, LEGACY_ENCODING_FILTERS
from composer.liquid.cio.json_filters import LATEST_JSON_FILTERS, LEGACY_JSON_FILTERS
from composer.liquid.cio.numbers import LATEST_NUMBER_FILTERS, LEGACY_NUMBER_FILTERS
from composer.liquid.cio.strings import LATEST_STRING_FILTERS, LEGACY_STRING_FILTERS
from composer.liquid.cio.tags import TAGS
from composer.liquid.engine import LiquidVersion

__all__ = ["Call", "CioFilter", "CioTag", "filters_for", "tags_for"]

_LEGACY: Mapping[str, CioFilter] = MappingProxyType(
    {
        **LEGACY_NUMBER_FILTERS,
        **LEGACY_DATE_FILTERS,
        **LEGACY_ENCODING_FILTERS,
        **LEGACY_JSON_FILTERS,
        **LEGACY_ARRAY_FILTERS,
        **LEGACY_STRING_FILTERS,
    }
)
_LATEST: Mapping[str, CioFilter] = MappingProxyType(
    {
        **LATEST_NUMBER_FILTERS,
        **LATEST_DATE_FILTERS,
        **LATEST_ENCODING_FILTERS,
        **LATEST_JSON_FILTERS,
        **LATEST_ARRAY_FILTERS,
        **LATEST_STRING_FILTERS,
    }
)
_TAGS: Mapping[str, CioTag] = MappingProxyType(dict(TAGS))


def filters_for(version: LiquidVersion) -> Mapping[str, CioFilter]:
    """Customer.io's filters in ``version``, by name (additions and documented changes)."""
    return _LEGACY if version == "legacy" else _LATEST


def tags_for(version: LiquidVersion) -> Mapping[str, CioTag]:
    """Customer.io's tags in ``version``, by name (the same in both versions)."""
    return _TAGS
