"""The rendered URL as it goes on the wire: checked, normalised, credentials split off.

:func:`finish_url` is the last step of rendering a request's URL (see
:mod:`composer.rendering.render`); :func:`wire_url` is the normalisation alone.

Decisions:

* The rendered URL is normalised the way it goes on the wire (a space becomes ``%20``,
  non-ASCII is percent-encoded as UTF-8), so the preview shows the request line as sent.
  The sender is httpx, so its ``httpx.URL`` is the rule; but importing httpx costs more
  than the rest of the window's start-up work it would delay, so a URL that httpx
  provably leaves as it is (:func:`plain_wire_url`: http(s), a lower-case host name,
  a port that is not the default, only characters each part allows, no dot segments,
  no fragment) skips it, and httpx is imported on the first URL that needs more.
  ``tests/test_render_url.py`` holds the fast path to httpx over many generated URLs.
* ``user:password@`` in the rendered URL is removed from it and becomes an
  ``Authorization: Basic`` header (the caller appends it after the request's own headers).
* :data:`MASK` is defined here, below the renderer, because a masked secret has to come
  through the wire encoding readable; :mod:`composer.rendering.render` re-exports it.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from composer.rendering.diagnostics import Diagnostic, line_column

__all__ = ["MASK", "finish_url", "plain_wire_url", "wire_url"]

MASK = "••••••"
"""What a secret's value looks like everywhere but on the wire."""

_BAD_HOST_CHARS = frozenset('<>"{}|\\^`/?#@')
_PLAIN_URL = re.compile(
    r"(?P<scheme>https?)://(?P<host>[a-z0-9][a-z0-9.\-_~]*)(?::(?P<port>[1-9][0-9]{0,4}))?"
    r"(?P<path>/[A-Za-z0-9\-._~!$&'()*+,;=:@/%\[\]\\^|]*)?"
    r"(?:\?(?P<query>[A-Za-z0-9\-._~!$&'()*+,;=:@/%?\[\]\\^|`{}]*))?"
)
_IPV4_STYLE = re.compile(r"[0-9]+.[0-9]+.[0-9]+.[0-9]+")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_MASK_ESCAPED = "%E2%80%A2" * len(MASK)
_USERINFO = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://(?P<user>[^/@?#:]*)(?::(?P<pw>[^/@?#]*))?@")


def finish_url(
    diagnostics: list[Diagnostic], template: str, rendered: str, reveal: bool
) -> tuple[str, str | None]:
    """Check and normalise the rendered URL; split off credentials as a Basic header.

    ``template`` is the URL as written, ``rendered`` what it rendered as (stripped);
    findings are appended to ``diagnostics``. Returns the URL to send and the
    ``Authorization`` value its credentials make, or None. ``reveal`` is as for
    :func:`composer.rendering.render.render`: without it, masked credentials stay masked.
    """

    def problem(severity: Any, message: str) -> None:
        diagnostics.append(Diagnostic(severity, "url", 1, 1, message))

    literal = _USERINFO.match(template)
    if literal and literal.group("pw") and "{{" not in literal.group("pw"):
        line, column = line_column(template, literal.start("pw"))
        diagnostics.append(
            Diagnostic(
                "warning",
                "url",
                line,
                column,
                "the URL holds a password in plain text; keep it in the keychain and use "
                "{{ secrets.NAME }} instead",
            )
        )
    if not rendered:
        problem("error", "the URL is empty")
        return rendered, None
    try:
        parts = urlsplit(rendered)
    except ValueError as exc:
        problem("error", f"the rendered URL does not parse: {exc}")
        return rendered, None
    if parts.scheme.lower() not in ("http", "https"):
        shown = parts.scheme or "no scheme"
        problem("error", f"the URL must start with http:// or https:// (it has {shown})")
        return rendered, None
    if not parts.hostname:
        problem("error", "the rendered URL has no host name")
        return rendered, None
    if any(ch.isspace() or ch in _BAD_HOST_CHARS for ch in parts.hostname):
        problem("error", f"the host name {parts.hostname!r} is not valid")
        return rendered, None
    auth = None
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, netloc = netloc.rpartition("@")
        user, _, password = userinfo.partition(":")
        credentials = f"{unquote(user)}:{unquote(password)}"
        if not reveal and MASK in credentials:
            auth = f"Basic {MASK}"
        else:
            auth = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    try:
        wire = wire_url(bare)
    except ValueError as exc:
        problem("error", f"the rendered URL is not valid: {exc}")
        return bare, auth
    wire = wire.replace(_MASK_ESCAPED, MASK)
    if parts.fragment:
        problem("warning", "the URL has a #fragment; fragments are never sent to the server")
    if any(ch.isspace() for ch in bare):
        problem("warning", "the rendered URL contains whitespace; it is sent percent-encoded")
    return wire, auth


def plain_wire_url(url: str) -> str | None:
    """``url`` when httpx would send it unchanged (it is checked to be), else None.

    A masked secret (``••••••``) counts as its percent-encoding, which is what httpx makes
    of it in a path or query.
    """
    url = url.replace(MASK, _MASK_ESCAPED)
    match = _PLAIN_URL.fullmatch(url)
    if match is None:
        return None
    if _IPV4_STYLE.fullmatch(match["host"]):
        return None  # httpx validates addresses
    if match["port"] is not None and match["port"] == _DEFAULT_PORTS[match["scheme"]]:
        return None  # httpx drops a default port
    path = match["path"] or ""
    if "." in path and any(seg in (".", "..") for seg in path.split("/")):
        return None  # httpx removes dot segments
    return url


def wire_url(url: str) -> str:
    """``url`` as httpx puts it on the wire; ValueError when httpx refuses it."""
    plain = plain_wire_url(url)
    if plain is not None:
        return plain
    import httpx  # only for URLs the fast path cannot vouch for

    try:
        return str(httpx.URL(url))
    except httpx.InvalidURL as exc:
        raise ValueError(str(exc)) from exc
