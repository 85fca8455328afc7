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
* Each request renders with its Liquid version (``latest`` or ``legacy``, see
  :mod:`composer.liquid`); ``liquid=`` overrides it. With ``compare=True`` the request is
  also rendered with the other version, and where any part comes out different a warning
  names that version and shows both texts at the first difference, so the author sees what
  an upgrade (or a downgrade) would change before anyone sends.
* A filter the version does not have passes its value through unchanged (both real
  engines do so silently); the warning says so, and says when the other version has it.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from composer.liquid import (
    DEFAULT_VERSION,
    RENDER_DEADLINE_S,
    LiquidError,
    LiquidSyntaxError,
    LiquidVersion,
    Notice,
    RenderLimitError,
    RenderOutcome,
    engine,
    other_version,
)
from composer.model import Request
from composer.rendering.diagnostics import Diagnostic, line_column
from composer.rendering.lint import body_kind, check_body, check_header_value

__all__ = [
    "MASK",
    "RenderedRequest",
    "VersionComparison",
    "render",
    "render_body",
    "render_both",
    "render_field",
]

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
    liquid_version: LiquidVersion = DEFAULT_VERSION
    """The Liquid version it was rendered with."""

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
            "liquid_version": self.liquid_version,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }

    def parts(self) -> tuple[tuple[str, str], ...]:
        """``(where, text)`` of every rendered part, in the order they are sent."""
        headers = tuple((f"headers[{i}]", value) for i, (_, value) in enumerate(self.headers))
        return (("url", self.url), *headers, ("body", self.body))


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
        version: LiquidVersion,
    ) -> None:
        self.globals = dict(context)
        self.globals["secrets"] = _Secrets(secrets, reveal)
        self.zone = zone
        self.now = now
        self.version = version
        self.engine = engine(version)
        self.deadline = time.monotonic() + RENDER_DEADLINE_S
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[tuple[str, str]] = set()

    def render(self, where: str, template: str) -> RenderOutcome:
        outcome = self.engine.render(
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
                line, column = _position(template, missing.index)
                self.diagnostics.append(Diagnostic("error", where, line, column, message))
            elif not _handled_in_template(template, missing.index):
                owner = "event" if missing.path.startswith("event") else "person"
                message = f"{missing.path} is not set for this {owner}, so it renders as nothing"
                line, column = _position(template, missing.index)
                self.diagnostics.append(Diagnostic("warning", where, line, column, message))
        for notice in outcome.notices:
            line, column = _position(template, notice.index)
            message = _notice_message(notice, self.version)
            self.diagnostics.append(Diagnostic(notice.severity, where, line, column, message))
        if outcome.error is not None:
            self.diagnostics.append(_liquid_error(where, template, outcome, self.version))
        return outcome


_GUARD_TAGS = frozenset({"if", "elsif", "unless", "case", "when"})


def _handled_in_template(template: str, index: int | None) -> bool:
    """Whether the template already deals with the variable being absent.

    A variable tested by ``if``/``unless``/``case`` or given a ``| default`` is expected to
    be missing sometimes, so warning about it would only be noise.
    """
    if index is None or not 0 <= index < len(template):
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


def _position(template: str, index: int | None) -> tuple[int, int]:
    if index is None or not 0 <= index <= len(template):
        return 1, 1
    return line_column(template, index)


def _liquid_error(
    where: str, template: str, outcome: RenderOutcome, version: LiquidVersion
) -> Diagnostic:
    error = outcome.error
    assert error is not None
    line, column = _position(template, error.index)
    message = error.message or type(error).__name__
    if isinstance(error, LiquidSyntaxError):
        message = f"Liquid syntax error ({version}): {message}"
    elif isinstance(error, RenderLimitError):
        message = f"rendering stopped: {message}"
    return Diagnostic("error", where, line, column, message)


def _notice_message(notice: Notice, version: LiquidVersion) -> str:
    """A notice's message, with what the other version says about the same filter."""
    if notice.kind != "unknown_filter":
        return notice.message
    other = other_version(version)
    if notice.name in engine(other).filter_names():
        elsewhere = f"{other} Liquid has it"
    else:
        elsewhere = f"{other} Liquid has no such filter either"
    return (
        f"{version} Liquid has no filter {notice.name!r}, so the value passes through "
        f"unchanged ({elsewhere})"
    )


def render_field(
    where: str,
    template: str,
    context: Mapping[str, Any],
    *,
    secrets: Mapping[str, str] | None = None,
    reveal: bool = False,
    zone: dt.tzinfo = dt.UTC,
    now: dt.datetime | None = None,
    version: LiquidVersion = DEFAULT_VERSION,
) -> tuple[str, tuple[Diagnostic, ...]]:
    """Render one template (a response mapping's value, say) with its diagnostics."""
    part = _Part(context, secrets, reveal, zone, now, version)
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
    liquid: LiquidVersion | None = None,
    compare: bool = False,
) -> RenderedRequest:
    """Render ``request`` against the Liquid globals in ``context``.

    ``secrets`` maps secret names to values (or to anything, when only the names are
    known); ``reveal`` puts the values in, which only the sender does. ``zone`` is the
    time zone dates render in; ``now`` fixes what ``'now'`` means, so that a delivery
    re-rendered for a retry sends the same bytes. ``liquid`` overrides the request's
    Liquid version; ``compare`` renders it with the other version too and warns where
    the two differ.
    """
    version = liquid or request.liquid_version or DEFAULT_VERSION
    if not compare:
        return _render(request, context, secrets, reveal, zone, now, version)[0]
    both = render_both(request, context, secrets=secrets, zone=zone, now=now, liquid=version)
    rendered = both.rendered
    if reveal:
        rendered = _render(request, context, secrets, reveal, zone, now, version)[0]
    if not both.differences:
        return rendered
    return dataclasses.replace(rendered, diagnostics=rendered.diagnostics + both.differences)


@dataclass(frozen=True, slots=True)
class VersionComparison:
    """A request rendered with both Liquid versions, and where the two differ."""

    rendered: RenderedRequest
    """The rendering with the request's own version (masked)."""
    other: RenderedRequest
    """The rendering with the other version (masked)."""
    differences: tuple[Diagnostic, ...]
    """One warning per part that differs, placed in that part's template."""


def render_both(
    request: Request,
    context: Mapping[str, Any],
    *,
    secrets: Mapping[str, str] | None = None,
    zone: dt.tzinfo = dt.UTC,
    now: dt.datetime | None = None,
    liquid: LiquidVersion | None = None,
) -> VersionComparison:
    """Render ``request`` with its version (or ``liquid``) and with the other one.

    Both render with the same ``now`` (the clock, read once, when none is given), so a
    template that prints the time never differs only because the clock moved.
    """
    version = liquid or request.liquid_version or DEFAULT_VERSION
    now = now or dt.datetime.now(dt.UTC)
    rendered, outcomes = _render(request, context, secrets, False, zone, now, version)
    other, _ = _render(request, context, secrets, False, zone, now, other_version(version))
    return VersionComparison(rendered, other, _differences(rendered, other, outcomes))


def render_both_many(
    request: Request,
    contexts: Sequence[Mapping[str, Any]],
    *,
    secrets: Mapping[str, str] | None = None,
    zone: dt.tzinfo = dt.UTC,
    now: dt.datetime | None = None,
) -> list[VersionComparison]:
    """:func:`render_both` for each of ``contexts``, every rendering with one version first.

    The results are those of :func:`render_both` with the same ``now``; a run of renders
    with one engine is markedly faster than switching engines at each one.
    """
    version = request.liquid_version or DEFAULT_VERSION
    now = now or dt.datetime.now(dt.UTC)
    mine = [_render(request, c, secrets, False, zone, now, version) for c in contexts]
    theirs = [
        _render(request, c, secrets, False, zone, now, other_version(version))[0] for c in contexts
    ]
    return [
        VersionComparison(rendered, other, _differences(rendered, other, outcomes))
        for (rendered, outcomes), other in zip(mine, theirs, strict=True)
    ]


def render_both_bodies(
    request: Request,
    contexts: Sequence[Mapping[str, Any]],
    head: VersionComparison,
    *,
    secrets: Mapping[str, str] | None = None,
    zone: dt.tzinfo = dt.UTC,
    now: dt.datetime | None = None,
) -> list[VersionComparison]:
    """:func:`render_both` for each of ``contexts``, rendering only the body.

    For work that compares one request for many people: ``head`` is :func:`render_both`
    of the request with an empty body, for a context whose URL and headers render as they
    do for every one of ``contexts`` (they do not use the person); its URL, headers and
    their differences are reused. Each result is what :func:`render_both` of the whole
    request gives for that context with the same ``now``; a test holds the two equal.
    Every body is rendered with one version, then every body with the other: a run of
    renders with one engine is markedly faster than switching engines at each one. A body
    that does not parse in a version renders the same for everybody, so once.
    """
    now = now or dt.datetime.now(dt.UTC)
    runs: list[list[tuple[RenderedRequest, RenderOutcome]]] = []
    for base in (head.rendered, head.other):
        content_type = _content_type(request, base)
        run: list[tuple[RenderedRequest, RenderOutcome]] = []
        for context in contexts:
            if run and _unparsed(request.body, run[0][1], base.liquid_version):
                run.append(run[0])
                continue
            part = _Part(context, secrets, False, zone, now, base.liquid_version)
            outcome = _render_body(part, request, content_type)
            rendered = RenderedRequest(
                method=base.method,
                url=base.url,
                headers=base.headers,
                body=outcome.text,
                diagnostics=base.diagnostics + tuple(part.diagnostics),
                liquid_version=base.liquid_version,
            )
            run.append((rendered, outcome))
        runs.append(run)
    compared = []
    for (rendered, outcome), (other, _) in zip(runs[0], runs[1], strict=True):
        found = _differences(rendered, other, {"body": (request.body, outcome)}, only="body")
        compared.append(VersionComparison(rendered, other, head.differences + found))
    return compared


def _unparsed(template: str, outcome: RenderOutcome, version: LiquidVersion) -> bool:
    """Whether ``template``, which rendered as ``outcome``, does not parse in ``version``.

    A syntax error can also come from Liquid a tag reads from the data; only a template
    that itself does not parse renders the same whatever the data.
    """
    if not isinstance(outcome.error, LiquidSyntaxError):
        return False
    try:
        engine(version).parse(template)  # kept by the engine since the render
    except LiquidSyntaxError:
        return True
    except LiquidError:
        return False
    return False


def _content_type(request: Request, rendered: RenderedRequest) -> str:
    """The rendered value of the request's last Content-Type header, or ``""``."""
    content_type = ""
    for header, (_, value) in zip(request.headers, rendered.headers, strict=False):
        if header.name.strip().lower() == "content-type":
            content_type = value
    return content_type


_Outcomes = dict[str, tuple[str, RenderOutcome]]


def _render(
    request: Request,
    context: Mapping[str, Any],
    secrets: Mapping[str, str] | None,
    reveal: bool,
    zone: dt.tzinfo,
    now: dt.datetime | None,
    version: LiquidVersion,
) -> tuple[RenderedRequest, _Outcomes]:
    """The request rendered with ``version``, and each part's template and outcome."""
    part = _Part(context, secrets, reveal, zone, now, version)
    outcomes: _Outcomes = {}

    url_outcome = part.render("url", request.url)
    outcomes["url"] = (request.url, url_outcome)
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
        outcomes[where] = (header.value, outcome)
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

    body_outcome = _render_body(part, request, content_type)
    outcomes["body"] = (request.body, body_outcome)
    rendered = RenderedRequest(
        method=request.method,
        url=url,
        headers=tuple(headers),
        body=body_outcome.text,
        diagnostics=tuple(part.diagnostics),
        liquid_version=version,
    )
    return rendered, outcomes


def _differences(
    rendered: RenderedRequest,
    other: RenderedRequest,
    outcomes: _Outcomes,
    only: str | None = None,
) -> tuple[Diagnostic, ...]:
    """A warning for each part (or the part ``only``) the other version renders differently."""
    found: list[Diagnostic] = []
    theirs = dict(other.parts())
    failed = {d.where for d in other.diagnostics if d.severity == "error"}
    for where, mine in rendered.parts():
        if only is not None and where != only:
            continue
        text = theirs.get(where)
        if text is None or (text == mine and where not in failed):
            continue
        template, outcome = outcomes.get(where, ("", None))
        if where in failed and not any(
            d.where == where and d.severity == "error" for d in rendered.diagnostics
        ):
            problem = next(
                d for d in other.diagnostics if d.where == where and d.severity == "error"
            )
            line, column = problem.line, problem.column
            message = f"in {other.liquid_version} Liquid this does not render: {problem.message}"
        elif text != mine:
            at = _first_difference(mine, text)
            line, column = _position(template, _blame(outcome, at) if outcome else None)
            message = (
                f"in {other.liquid_version} Liquid this renders {_excerpt(text, at)} where "
                f"{rendered.liquid_version} renders {_excerpt(mine, at)}"
            )
        else:
            continue
        found.append(Diagnostic("warning", where, line, column, message))
    return tuple(found)


def _blame(outcome: RenderOutcome, at: int) -> int | None:
    """The template place that made the rendered text differ at ``at``.

    Where the difference starts just after what a tag wrote (``6`` against ``6.0``), the
    tag is to blame rather than the literal text after it.
    """
    pieces = [piece for piece in outcome.segments() if piece[1] > piece[0]]
    previous: tuple[int, int, int, bool] | None = None
    for piece in pieces:
        start, end, origin, exact = piece
        if start <= at < end:
            if start == at and previous is not None and not previous[3]:
                return previous[2] if previous[2] >= 0 else None
            if origin < 0:
                return None
            return origin + (at - start) if exact else origin
        previous = piece
    if previous is None or previous[2] < 0:  # the difference is past the end of the text
        return None
    _, end, origin, exact = previous
    return origin + (end - 1 - previous[0]) if exact else origin


def _first_difference(a: str, b: str) -> int:
    """The index of the first character where ``a`` and ``b`` differ."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


def _excerpt(text: str, at: int, before: int = 10, after: int = 30) -> str:
    """``text`` around ``at``, quoted, with line breaks shown and cuts marked."""
    start = max(0, at - before)
    end = min(len(text), at + after)
    shown = text[start:end].replace("\r", "\\r").replace("\n", "\\n")
    if not shown:
        return "nothing" if not text else "nothing more"
    return f'"{"…" if start else ""}{shown}{"…" if end < len(text) else ""}"'


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
    version = request.liquid_version or DEFAULT_VERSION
    part = _Part(context, secrets, reveal, zone, now, version)
    return _render_body(part, request, content_type).text, tuple(part.diagnostics)


def _render_body(part: _Part, request: Request, content_type: str) -> RenderOutcome:
    outcome = part.render("body", request.body)
    if outcome.text.strip() and outcome.error is None:
        _check_body_against(part, request, content_type, outcome)
    return outcome


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
