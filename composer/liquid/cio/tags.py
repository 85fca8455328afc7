"""Customer.io's own tags: links, subscription pages, random values, Liquid from data.

From Customer.io's "Liquid syntax list" (docs.customer.io/messaging/liquid/tag-list,
"Customer.io Keys") and the legacy "Liquid tag master list" (customer.io/docs/
liquid-tag-master-list, Liquid 2.5.3), which lists ``unsubscribe_url`` and
``view_in_browser_url``. Every tag here is in both versions.

Values only Customer.io knows at send time (a tracked link, a person's unsubscribe
page) render as **placeholders**: valid URLs under the reserved ``.invalid`` domain
(RFC 2606), so a JSON or URL check downstream passes and nobody mistakes them for real
links, with a ``placeholder`` warning saying Customer.io writes the real value:

==========================================  ===============================================
``{% unsubscribe_url %}``, ``{% unsubscribe %}``  ``https://unsubscribe.customerio.invalid/placeholder``
``{% view_in_browser_url %}``               ``https://view-in-browser.customerio.invalid/placeholder``
``{% manage_subscription_preferences_url %}``  ``https://subscription-preferences.customerio.invalid/placeholder``
``{% tracking_consent_url %}``              ``https://tracking-consent.customerio.invalid/placeholder``
``{% cio_link url:… %}`` (tracked)          ``https://links.customerio.invalid/placeholder?url=…``
``{% cio_link_id %}``                       ``cio-link-id-placeholder``
``{% subscription_topic_name %}``           ``subscription-topic-placeholder``
``{% countdown … %}``                       ``https://countdown.customerio.invalid/placeholder.gif?…``
==========================================  ===============================================

``{% cio_link url:… track:false url_params:false %}`` writes the URL itself: nothing is
unknown then. ``{% generate_uuid %}`` and ``{% random N %}`` change on every send and
warn ``per_send``; when the render's 'now' is fixed (a check of every person, a retried
delivery, the comparison of both versions) they are drawn from a generator seeded by that
'now' and the tag's place, so the same render gives the same bytes. ``{% random N %}``
gives a whole number from 0 to N - 1 (Ruby's ``rand(N)``; the docs give no range).
``{% render_liquid expr %}`` renders the Liquid text ``expr`` holds in the current scope.
"""

from __future__ import annotations

import hashlib
import random
import re
import uuid
from collections.abc import Callable
from urllib.parse import quote

from composer.liquid.cio.api import Call, CioTag
from composer.liquid.cio.values import describe, whole_arg

__all__ = ["TAGS", "seeded"]

# A name starts only where a word starts, so a long run of letters is read once, not
# once per letter (the markup may be hostile: linear time whatever it holds).
_OPTION = re.compile(r"""(?<![\w-])([A-Za-z_][\w-]*)\s*[:=]\s*("[^"]*"|'[^']*'|[^\s"']+)""")
_PAGES = {
    "unsubscribe_url": ("unsubscribe", "this person's unsubscribe link"),
    "unsubscribe": ("unsubscribe", "this person's unsubscribe link"),
    "view_in_browser_url": ("view-in-browser", "the link to this message's web version"),
    "manage_subscription_preferences_url": (
        "subscription-preferences",
        "this person's subscription preferences link",
    ),
    "tracking_consent_url": ("tracking-consent", "this person's tracking consent link"),
}
_COUNTDOWN_REQUIRED = ("point", "time", "fg", "bg")


def seeded(call: Call, purpose: str) -> random.Random:
    """A generator for a per-send value: seeded by a fixed 'now' and the place, else fresh."""
    now = call.state.now
    if now is None:
        return random.Random()
    key = f"{now.isoformat()}|{call.index}|{call.name}|{purpose}".encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:16], "big"))


def _options(markup: str) -> dict[str, str]:
    return {match.group(1): match.group(2) for match in _OPTION.finditer(markup)}


def _literal(call: Call, text: str) -> object:
    """An option's value: quoted text as it is, an unquoted URL as it is, else an expression."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if re.match(r"(?i)(https?:|mailto:|tel:|sms:)", text):
        return text
    return call.evaluate(text)


def _flag(call: Call, options: dict[str, str], name: str) -> bool:
    text = options.get(name)
    if text is None:
        return True
    if text.strip("\"'").lower() in ("true", "false"):
        return text.strip("\"'").lower() == "true"
    value = _literal(call, text)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, bool):
        return value
    raise ValueError(
        f"the tag '{call.name}' got {describe(value)} for {name}; it takes true or false"
    )


def _page(call: Call, markup: str) -> str:
    host, what = _PAGES[call.name]
    call.warn(
        f"'{call.name}' writes {what}, which only Customer.io knows; "
        "the preview shows a placeholder",
        "placeholder",
    )
    return f"https://{host}.customerio.invalid/placeholder"


def _cio_link(call: Call, markup: str) -> str:
    options = _options(markup)
    if "url" not in options:
        raise ValueError(
            f"the tag '{call.name}' needs a url, as in {{% cio_link url:https://example.com %}}"
        )
    url = _literal(call, options["url"])
    if call.is_nil(url) or not call.to_text(url):
        raise ValueError(f"the tag '{call.name}' got nothing for its url")
    target = call.to_text(url)
    track, params = _flag(call, options, "track"), _flag(call, options, "url_params")
    if track:
        call.warn(
            f"Customer.io writes a tracked link to {target} here"
            f"{' (with your workspace URL parameters)' if params else ''}; "
            "the preview shows a placeholder",
            "placeholder",
        )
        return f"https://links.customerio.invalid/placeholder?url={quote(target, safe='')}"
    if params:
        call.warn(
            "Customer.io adds your workspace's URL parameters to this link; "
            "the preview shows it without them",
            "placeholder",
        )
    return target


def _cio_link_id(call: Call, markup: str) -> str:
    call.warn(
        "Customer.io writes the id of a tracked link here; the preview shows a placeholder",
        "placeholder",
    )
    return "cio-link-id-placeholder"


def _topic(call: Call, markup: str) -> str:
    call.warn(
        "Customer.io writes the name of this message's subscription topic here; "
        "the preview shows a placeholder",
        "placeholder",
    )
    return "subscription-topic-placeholder"


def _countdown(call: Call, markup: str) -> str:
    options = _options(markup)
    missing = [name for name in _COUNTDOWN_REQUIRED if name not in options]
    if missing:
        raise ValueError(
            f"the tag '{call.name}' needs {', '.join(missing)} (it takes point, time, fg and bg)"
        )
    call.warn(
        "Customer.io writes the address of its countdown image here; "
        "the preview shows a placeholder",
        "placeholder",
    )
    query = "&".join(
        f"{quote(key, safe='')}={quote(value.strip(chr(34) + chr(39)), safe='')}"
        for key, value in options.items()
    )
    return f"https://countdown.customerio.invalid/placeholder.gif?{query}"


def _generate_uuid(call: Call, markup: str) -> str:
    call.warn(
        "'generate_uuid' writes a new UUID on every send; the preview shows one of them", "per_send"
    )
    bits = seeded(call, "uuid").getrandbits(128)
    return str(uuid.UUID(int=bits, version=4))


def _random(call: Call, markup: str) -> str:
    if not markup.strip():
        raise ValueError(f"the tag '{call.name}' needs a number, as in {{% random 10 %}}")
    limit = whole_arg(call, call.evaluate(markup.strip()), "its range", low=1)
    call.state.check_integer(limit)
    call.warn(
        f"'random' writes a different number on every send (0 to {limit - 1:,}); "
        "the preview shows one",
        "per_send",
    )
    return str(seeded(call, "random").randrange(limit))


def _render_liquid(call: Call, markup: str) -> str:
    if not markup.strip():
        raise ValueError(
            f"the tag '{call.name}' needs the variable that holds the Liquid to render"
        )
    value = call.evaluate(markup.strip())
    if call.is_nil(value):
        return ""
    return call.render_source(call.to_text(value))


_TABLE: dict[str, Callable[[Call, str], str]] = {
    **dict.fromkeys(_PAGES, _page),
    "cio_link": _cio_link,
    "cio_link_id": _cio_link_id,
    "subscription_topic_name": _topic,
    "countdown": _countdown,
    "generate_uuid": _generate_uuid,
    "random": _random,
    "render_liquid": _render_liquid,
}

TAGS: dict[str, CioTag] = {name: CioTag(name, render) for name, render in _TABLE.items()}
"""Customer.io's tags (the same in both versions), by name."""
