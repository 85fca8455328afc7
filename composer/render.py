"""Rendering a request for a person: the exact bytes Customer.io would send, and why.

:func:`render` is pure: it returns a new :class:`RenderedRequest` and never changes the
:class:`~composer.model.Request` it was given. The preview and the sender both call it;
the sender asks for the secret values (``reveal=True``), everything else gets
``••••••`` in their place.

Decisions where Customer.io documents nothing:

* The URL and header values are stripped of surrounding whitespace after rendering
  (the composer's fields are single-line); the body is sent exactly as rendered.
* The rendered URL is normalised the way it goes on the wire (a space becomes ``%20``,
  non-ASCII is percent-encoded as UTF-8), so the preview shows the request line as sent.
  The sender is httpx, so its ``httpx.URL`` is the rule; but importing httpx costs more
  than the rest of the window's start-up work it would delay, so a URL that httpx
  provably leaves as it is (:func:`plain_wire_url`: http(s), a lower-case host name,
  a port that is not the default, only characters each part allows, no dot segments,
  no fragment) skips it, and httpx is imported on the first URL that needs more.
  ``tests/test_render_url.py`` holds the fast path to httpx over many generated URLs.
* ``user:password@`` in the rendered URL is removed from it and becomes an
  ``Authorization: Basic`` header appended after the request's own headers; when the
  request already sets ``Authorization``, that header wins and a warning says so.
* A variable the context lacks renders as nothing (Liquid's lenient mode) and earns a
  warning naming it; a ``secrets.NAME`` that is not set is an error instead.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from composer.diagnostics import Diagnostic, line_column
from composer.lint import body_kind, check_body, check_header_value
from composer.liquid_env import RENDER_DEADLINE_S, RenderOutcome, render_template
from composer.model import Request

__all__ = ["MASK", "RenderedRequest", "render", "render_body", "render_field"]

MASK = "••••••"
"""What a secret's value looks like everywhere but on the wire."""

_BAD_HOST_CHARS = frozenset('<>"{}|\\^`/?#@')
_TOKEN_CHARS = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_PLAIN_URL = re.compile(
    r"(?P<scheme>https?)://(?P<host>[a-z0-9][a-z0-9.\-_~]*)(?::(?P<port>[1-9][0-9]{0,4}))?"
    r"(?P<path>/[A-Za-z0-9\-._~!$&'()*+,;=:@/%\[\]\\^|]*)?"
    r"(?:\?(?P<query>[A-Za-z0-9\-._~!$&'()*+,;=:@/%?\[\]\\^|`{}]*))?"
)
_IPV4_STYLE = re.compile(r"[0-9]+.[0-9]+.[0-9]+.[0-9]+")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_MASK_ESCAPED = "%E2%80%A2" * len(MASK)
_USERINFO = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://(?P<user>[^/@?#:]*)(?::(?P<pw>[^/@?#]*))?@")


@dataclass(frozen=True, slots=True)
class RenderedRequest:
    """A request as it would be sent, with the linter's findings."""

    method: str
    """The HTTP method."""
    url: str
    """The rendered, wire-normalised URL without credentials."""
    headers: tuple[tuple[str, str], ...]
    """Header name/value pairs in the order they are sent."""
    body: str
    """The rendered body, byte for byte (as UTF-8) what is sent."""
    diagnostics: tuple[Diagnostic, ...]
    """Errors (the request cannot be sent) and warnings (warts that will be sent)."""

    @property
    def has_errors(self) -> bool:
        """Whether any diagnostic is an error."""
        return any(d.severity == "error" for d in self.diagnostics)

    def to_dict(self) -> dict[str, Any]:
        """The shape ``render --json`` prints."""
        return {
            "method": self.method,
            "url": self.url,
            "headers": [[name, value] for name, value in self.headers],
            "body": self.body,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }


class _Secrets(Mapping[str, str]):
    """``secrets`` in templates: the values when revealed, the mask otherwise.

    With ``values=None`` the names are unknown (a workspace-less preview): every name
    renders as the mask and none is reported missing.
    """

    def __init__(self, values: Mapping[str, str] | None, reveal: bool) -> None:
        self._values = values
        self._reveal = reveal

    def __getitem__(self, name: str) -> str:
        if self._values is None:
            return MASK
        value = self._values[name]  # KeyError: Liquid treats it as undefined
        return value if self._reveal else MASK

    def __iter__(self) -> Iterator[str]:
        return iter(self._values or ())

    def __len__(self) -> int:
        return len(self._values or ())


class _Part:
    """Renders the parts of one request against one context, sharing a deadline."""

    def __init__(
        self,
        context: Mapping[str, Any],
        secrets: Mapping[str, str] | None,
        reveal: bool,
        zone: dt.tzinfo,
        now: dt.datetime | None,
    ) -> None:
        self.globals = dict(context)
        self.globals["secrets"] = _Secrets(secrets, reveal)
        self.zone = zone
        self.now = now
        self.deadline = time.monotonic() + RENDER_DEADLINE_S
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[tuple[str, str]] = set()

    def render(self, where: str, template: str) -> RenderOutcome:
        outcome = render_template(
            template, self.globals, zone=self.zone, deadline=self.deadline, now=self.now
        )
        for missing in outcome.missing:
            key = (where, missing.path)
            if key in self._seen:
                continue
            self._seen.add(key)
            if missing.path.startswith("secrets."):
                name = missing.path.removeprefix("secrets.")
                message = (
                    f"the secret {name!r} is not set; add it under Secrets "
                    "(it is kept in the system keychain)"
                )
                line, column = _token_position(template, missing.token)
                self.diagnostics.append(Diagnostic("error", where, line, column, message))
            elif not _handled_in_template(template, missing.token):
                owner = "event" if missing.path.startswith("event") else "person"
                message = f"{missing.path} is not set for this {owner}, so it renders as nothing"
                line, column = _token_position(template, missing.token)
                self.diagnostics.append(Diagnostic("warning", where, line, column, message))
        if outcome.error is not None:
            self.diagnostics.append(_liquid_error(where, template, outcome))
        return outcome


_GUARD_TAGS = frozenset({"if", "elsif", "unless", "case", "when"})


def _handled_in_template(template: str, token: Any) -> bool:
    """Whether the template already deals with the variable being absent.

    A variable tested by ``if``/``unless``/``case`` or given a ``| default`` is expected to
    be missing sometimes, so warning about it would only be noise.
    """
    index = getattr(token, "start_index", -1)
    if token is None or index < 0 or getattr(token, "source", template) != template:
        return False
    start = max(template.rfind("{{", 0, index + 1), template.rfind("{%", 0, index + 1))
    if start < 0:
        return False
    closer = "}}" if template.startswith("{{", start) else "%}"
    end = template.find(closer, index)
    tag = template[start + 2 : end if end >= 0 else len(template)].strip(" -\t\n")
    if re.search(r"\|\s*default\b", tag):
        return True
    words = tag.split(maxsplit=1)
    return closer == "%}" and bool(words) and words[0] in _GUARD_TAGS


def _token_position(template: str, token: Any) -> tuple[int, int]:
    index = getattr(token, "start_index", -1)
    if token is None or index < 0 or getattr(token, "source", template) != template:
        return 1, 1
    return line_column(template, index)


def _liquid_error(where: str, template: str, outcome: RenderOutcome) -> Diagnostic:
    error = outcome.error
    assert error is not None
    token = error.token
    line, column = _token_position(template, token) if token is not None else (1, 1)
    message = str(error.message or type(error).__name__)
    kind = type(error).__name__
    if kind == "LiquidSyntaxError":
        message = f"Liquid syntax error: {message}"
    elif kind == "UnknownFilterError":
        message = f"{message} (Liquid has no such filter)"
    elif "Limit" in kind:
        message = f"rendering stopped: {message}"
    return Diagnostic("error", where, line, column, message)


def render_field(
    where: str,
    template: str,
    context: Mapping[str, Any],
    *,
    secrets: Mapping[str, str] | None = None,
    reveal: bool = False,
    zone: dt.tzinfo = dt.UTC,
    now: dt.datetime | None = None,
) -> tuple[str, tuple[Diagnostic, ...]]:
    """Render one template (a response mapping's value, say) with its diagnostics."""
    part = _Part(context, secrets, reveal, zone, now)
    outcome = part.render(where, template)
    return outcome.text, tuple(part.diagnostics)


def render(
    request: Request,
    context: Mapping[str, Any],
    *,
    secrets: Mapping[str, str] | None = None,
    reveal: bool = False,
    zone: dt.tzinfo = dt.UTC,
    now: dt.datetime | None = None,
) -> RenderedRequest:
    """Render ``request`` against the Liquid globals in ``context``.

    ``secrets`` maps secret names to values (or to anything, when only the names are
    known); ``reveal`` puts the values in, which only the sender does. ``zone`` is the
    time zone dates render in; ``now`` fixes what ``'now'`` means, so that a delivery
    re-rendered for a retry sends the same bytes.
    """
    part = _Part(context, secrets, reveal, zone, now)

    url_outcome = part.render("url", request.url)
    url, auth = _finish_url(part, request.url, url_outcome.text.strip(), reveal)

    headers: list[tuple[str, str]] = []
    content_type = ""
    for i, header in enumerate(request.headers):
        where = f"headers[{i}]"
        name = header.name.strip()
        if not _TOKEN_CHARS.match(name):
            part.diagnostics.append(
                Diagnostic("error", where, 1, 1, f"{name!r} is not a valid header name")
            )
        outcome = part.render(where, header.value)
        part.diagnostics.extend(check_header_value(where, header.value, outcome))
        value = outcome.text.strip(" \t")
        headers.append((name, value))
        if name.lower() == "content-type":
            content_type = value
    if auth is not None:
        if any(name.lower() == "authorization" for name, _ in headers):
            part.diagnostics.append(
                Diagnostic(
                    "warning",
                    "url",
                    1,
                    1,
                    "the URL has credentials but an Authorization header is also set; "
                    "the header is sent and the URL's credentials are not",
                )
            )
        else:
            headers.append(("Authorization", auth))

    body = _render_body(part, request, content_type)
    return RenderedRequest(
        method=request.method,
        url=url,
        headers=tuple(headers),
        body=body,
        diagnostics=tuple(part.diagnostics),
    )


def render_body(
    request: Request,
    context: Mapping[str, Any],
    content_type: str,
    *,
    secrets: Mapping[str, str] | None = None,
    reveal: bool = False,
    zone: dt.tzinfo = dt.UTC,
    now: dt.datetime | None = None,
) -> tuple[str, tuple[Diagnostic, ...]]:
    """Render and check only the body, given the rendered Content-Type value.

    For work that renders one request for many people: the URL and headers rarely
    depend on the person, so they can be rendered once and the body per person.
    """
    part = _Part(context, secrets, reveal, zone, now)
    return _render_body(part, request, content_type), tuple(part.diagnostics)


def _render_body(part: _Part, request: Request, content_type: str) -> str:
    outcome = part.render("body", request.body)
    if outcome.text.strip() and outcome.error is None:
        _check_body_against(part, request, content_type, outcome)
    return outcome.text


def _check_body_against(
    part: _Part, request: Request, content_type: str, outcome: RenderOutcome
) -> None:
    if request.method == "GET":
        part.diagnostics.append(
            Diagnostic(
                "warning",
                "body",
                1,
                1,
                "a GET request has a body; many servers and proxies ignore or reject it "
                "(use POST, or move the data into the URL)",
            )
        )
    if not content_type:
        part.diagnostics.append(
            Diagnostic(
                "warning",
                "body",
                1,
                1,
                "there is a body but no Content-Type header; the server has to guess its format",
            )
        )
        return
    kind, note = body_kind(content_type)
    if note:
        index = next(
            i for i, h in enumerate(request.headers) if h.name.strip().lower() == "content-type"
        )
        part.diagnostics.append(Diagnostic("warning", f"headers[{index}]", 1, 1, note))
    part.diagnostics.extend(check_body(kind, "body", request.body, outcome))


def _finish_url(part: _Part, template: str, rendered: str, reveal: bool) -> tuple[str, str | None]:
    """Check and normalise the rendered URL; split off credentials as a Basic header."""

    def problem(severity: Any, message: str) -> None:
        part.diagnostics.append(Diagnostic(severity, "url", 1, 1, message))

    literal = _USERINFO.match(template)
    if literal and literal.group("pw") and "{{" not in literal.group("pw"):
        line, column = line_column(template, literal.start("pw"))
        part.diagnostics.append(
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
