"""Rendering a request for a person: the exact bytes Customer.io would send, and why.

:func:`render` is pure: it returns a new :class:`RenderedRequest` and never changes the
:class:`~composer.model.Request` it was given. The preview and the sender both call it;
the sender asks for the secret values (``reveal=True``), everything else gets
``••••••`` in their place.

Decisions where Customer.io documents nothing:

* The URL and header values are stripped of surrounding whitespace after rendering
  (the composer's fields are single-line); the body is sent exactly as rendered.
* The rendered URL is normalised the way it goes on the wire, so the preview shows the
  request line as sent (:mod:`composer.rendering.url` says how, and why httpx is
  imported only for a URL that needs it).
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
* A filter the version does not have passes its value through unchanged; the warning says
  so, and says when the other version has it.

What each finding says, and where it is placed, is :mod:`composer.rendering.explain`.
:class:`Part`, :func:`render_request` and :func:`render_part_body` are the building blocks
(not in ``__all__``) that :mod:`composer.check.shared_render` reuses to compare many
people's renderings at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from composer.liquid import (
    DEFAULT_VERSION,
    RENDER_DEADLINE_S,
    LiquidVersion,
    RenderOutcome,
    engine,
    other_version,
)
from composer.model import Request
from composer.rendering.diagnostics import Diagnostic
from composer.rendering.explain import (
    Outcomes,
    differences,
    handled_in_template,
    liquid_error,
    notice_message,
    position,
)
from composer.rendering.lint import body_kind, check_body, check_header_value
from composer.rendering.url import MASK, finish_url

__all__ = [
    "MASK",
    "RenderedRequest",
    "VersionComparison",
    "render",
    "render_body",
    "render_both",
    "render_field",
]

_TOKEN_CHARS = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


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


class Part:
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
                line, column = position(template, missing.index)
                self.diagnostics.append(Diagnostic("error", where, line, column, message))
            elif not handled_in_template(template, missing.index):
                owner = "event" if missing.path.startswith("event") else "person"
                message = f"{missing.path} is not set for this {owner}, so it renders as nothing"
                line, column = position(template, missing.index)
                self.diagnostics.append(Diagnostic("warning", where, line, column, message))
        for notice in outcome.notices:
            line, column = position(template, notice.index)
            message = notice_message(notice, self.version)
            self.diagnostics.append(Diagnostic(notice.severity, where, line, column, message))
        if outcome.error is not None:
            self.diagnostics.append(liquid_error(where, template, outcome, self.version))
        return outcome


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
    part = Part(context, secrets, reveal, zone, now, version)
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
        return render_request(request, context, secrets, reveal, zone, now, version)[0]
    both = render_both(request, context, secrets=secrets, zone=zone, now=now, liquid=version)
    rendered = both.rendered
    if reveal:
        rendered = render_request(request, context, secrets, reveal, zone, now, version)[0]
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
    rendered, outcomes = render_request(request, context, secrets, False, zone, now, version)
    other, _ = render_request(request, context, secrets, False, zone, now, other_version(version))
    return VersionComparison(rendered, other, differences(rendered, other, outcomes))


def render_request(
    request: Request,
    context: Mapping[str, Any],
    secrets: Mapping[str, str] | None,
    reveal: bool,
    zone: dt.tzinfo,
    now: dt.datetime | None,
    version: LiquidVersion,
) -> tuple[RenderedRequest, Outcomes]:
    """The request rendered with ``version``, and each part's template and outcome.

    :func:`render` without ``compare``; the outcomes are what :func:`render_both` needs to
    place a difference in the template.
    """
    part = Part(context, secrets, reveal, zone, now, version)
    outcomes: Outcomes = {}

    url_outcome = part.render("url", request.url)
    outcomes["url"] = (request.url, url_outcome)
    url, auth = finish_url(part.diagnostics, request.url, url_outcome.text.strip(), reveal)

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

    body_outcome = render_part_body(part, request, content_type)
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
    part = Part(context, secrets, reveal, zone, now, version)
    return render_part_body(part, request, content_type).text, tuple(part.diagnostics)


def render_part_body(part: Part, request: Request, content_type: str) -> RenderOutcome:
    """Render the body with ``part`` and check it against ``content_type``, the rendered
    Content-Type value; the findings go to ``part.diagnostics``."""
    outcome = part.render("body", request.body)
    if outcome.text.strip() and outcome.error is None:
        _check_body_against(part, request, content_type, outcome)
    return outcome


def _check_body_against(
    part: Part, request: Request, content_type: str, outcome: RenderOutcome
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
