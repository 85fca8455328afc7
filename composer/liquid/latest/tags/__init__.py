"""LiquidJS's tags (``src/tags/*.ts``), one class each, and what they share.

:data:`TAGS` maps each tag name to its class, as ``new Liquid().tags`` does: ``assign``,
``for``, ``capture``, ``case``, ``comment``, ``include``, ``render``, ``decrement``,
``increment``, ``cycle``, ``if``, ``layout``, ``block``, ``raw``, ``tablerow``,
``unless``, ``break``, ``continue``, ``echo``, ``liquid`` and ``#``. A tag class is
built from its token, the tokens after it and the parser (``Tag(token, queue,
parser)``) and renders with ``render(context, sink)``.
"""

from __future__ import annotations

from typing import Any

from composer.liquid.latest.tags.basic import BASIC_TAGS
from composer.liquid.latest.tags.control import CONTROL_TAGS
from composer.liquid.latest.tags.files import FILE_TAGS

__all__ = ["TAGS"]

TAGS: dict[str, Any] = {**BASIC_TAGS, **CONTROL_TAGS, **FILE_TAGS}
"""Every standard tag by name."""
