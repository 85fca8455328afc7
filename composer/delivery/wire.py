"""What goes on the wire for a delivery: the bytes an attempt sends, with the secrets in them.

A delivery's stored rendering is masked (:mod:`composer.delivery.records`); the engine needs
the real thing. :func:`wire_for` gives it:

* **The same bytes every attempt.** The stored request is rendered again from its snapshot
  with the keychain's values and ``now = rendered_at``, so a retry days later sends what the
  first attempt sent. A request whose templates never mention ``secrets`` is sent from the
  stored rendering as is (no render at all).
* **Forced deliveries.** One recorded ``forced`` is sent although its body is not valid for
  its Content-Type (:func:`~composer.delivery.records.body_format_error`); any other error
  stops it, and :func:`wire_for` says why in a sentence.
* **Secrets looked up lazily.** :class:`LazySecrets` asks the keychain for a value only when
  a template uses it, and remembers which were used: each of them, and each header value
  that differs from the masked rendering, is what the answer must be scrubbed of. The
  :class:`Wire` carries that :class:`~composer.delivery.masking.Masker`.

This module renders and masks; it sends nothing and holds no SQL.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from composer.delivery.delivery_data import Delivery
from composer.delivery.masking import Masker, masker_for
from composer.delivery.records import body_format_error, with_idempotency_key
from composer.model import Request
from composer.rendering.render import MASK, render

__all__ = ["LazySecrets", "Wire", "mentions_secrets", "scrub", "sensitive_values", "wire_for"]


class LazySecrets(Mapping[str, str]):
    """Secret values fetched by name on first use; remembers which ones were used."""

    def __init__(self, lookup: Callable[[str], str | None]) -> None:
        self._lookup = lookup
        self._values: dict[str, str] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> str:
        with self._lock:
            if name not in self._values:
                value = self._lookup(name)
                if value is None:
                    raise KeyError(name)
                self._values[name] = value
            return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._values))

    def __len__(self) -> int:
        return len(self._values)


def scrub(data: bytes, sensitive: Iterable[str]) -> bytes:
    """``data`` with every form of every sensitive text replaced by the mask."""
    return masker_for(t for t in sensitive if t and t != MASK).mask_bytes(data)


def sensitive_values(
    used: Mapping[str, str],
    sent: Iterable[Sequence[str]],
    masked: Iterable[Sequence[str]],
) -> set[str]:
    """What an answer must be scrubbed of: the values of the secrets ``used``, and each
    header value ``sent`` that differs from the ``masked`` rendering's (a secret that
    reached a header through a filter, as in a Basic credential)."""
    shown = {(str(n), str(v)) for n, v in masked}
    values = {used[name] for name in used}
    return values | {str(v) for n, v in sent if (str(n), str(v)) not in shown}


_NO_SECRETS = Masker(())


@dataclass(frozen=True, slots=True)
class Wire:
    """One attempt's request as sent (a :class:`~composer.delivery.sender.WireRequest`)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: str
    masker: Masker = _NO_SECRETS
    """Masks every form of the secrets this request carries, in its answer."""


def mentions_secrets(request: Request) -> bool:
    """Whether any template of the request (URL, body, a header value) names ``secrets``."""
    parts = [request.url, request.body, *(h.value for h in request.headers)]
    return any("secrets" in part for part in parts)


def wire_for(delivery: Delivery, secrets: Mapping[str, str]) -> Wire | str:
    """What goes on the wire for a delivery, or why it can no longer be rendered."""
    stored = delivery.rendered
    if stored and not mentions_secrets(delivery.request):
        headers = tuple((str(n), str(v)) for n, v in stored["headers"])
        return Wire(stored["method"], stored["url"], headers, stored["body"])
    used = LazySecrets(secrets.get)
    moment = dt.datetime.fromtimestamp(delivery.rendered_at, dt.UTC)
    wire = render(delivery.request, delivery.context, secrets=used, reveal=True, now=moment)
    errors = [d for d in wire.diagnostics if d.severity == "error"]
    if delivery.forced:
        errors = [d for d in errors if not body_format_error(d)]
    if errors:
        return f"The request no longer renders: {errors[0]}."
    headers = with_idempotency_key(wire.headers, delivery.idempotency_key)
    sensitive = sensitive_values(used, headers, stored["headers"])
    return Wire(wire.method, wire.url, headers, wire.body, masker_for(sensitive))
