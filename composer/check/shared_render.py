"""One request compared in both Liquid versions for many people at once: the upgrade
check's fast path (:mod:`composer.check.upgrade`).

Each function gives, for every context, exactly what
:func:`composer.rendering.render.render_both` gives for it with the same ``now``;
``tests/test_upgrade_speed.py`` holds them equal over every shipped recipe. Decisions:

* **A run per version.** Every request (or body) is rendered with one version, then every
  one with the other: a run of renders with one engine is markedly faster than switching
  engines at each one.
* **The URL and headers once** (:func:`render_both_bodies`), when they do not use the
  person: their rendering and differences are reused and only the body is rendered per
  context.
* **A body that does not parse** in a version renders the same for everybody, so once.

The building blocks (:class:`~composer.rendering.render.Part`,
:func:`~composer.rendering.render.render_request`,
:func:`~composer.rendering.render.render_part_body`) are the renderer's own, so nothing
here decides what a rendering is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from composer.liquid import (
    DEFAULT_VERSION,
    LiquidError,
    LiquidSyntaxError,
    LiquidVersion,
    RenderOutcome,
    engine,
    other_version,
)
from composer.model import Request
from composer.rendering.explain import differences
from composer.rendering.render import (
    Part,
    RenderedRequest,
    VersionComparison,
    render_part_body,
    render_request,
)

__all__ = ["render_both_bodies", "render_both_many"]


def render_both_many(
    request: Request,
    contexts: Sequence[Mapping[str, Any]],
    *,
    secrets: Mapping[str, str] | None = None,
    zone: dt.tzinfo = dt.UTC,
    now: dt.datetime | None = None,
) -> list[VersionComparison]:
    """``render_both`` for each of ``contexts``, every rendering with one version first.

    The results are those of :func:`~composer.rendering.render.render_both` with the same
    ``now``; a run of renders with one engine is markedly faster than switching engines at
    each one.
    """
    version = request.liquid_version or DEFAULT_VERSION
    now = now or dt.datetime.now(dt.UTC)
    mine = [render_request(request, c, secrets, False, zone, now, version) for c in contexts]
    theirs = [
        render_request(request, c, secrets, False, zone, now, other_version(version))[0]
        for c in contexts
    ]
    return [
        VersionComparison(rendered, other, differences(rendered, other, outcomes))
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
    """``render_both`` for each of ``contexts``, rendering only the body.

    For work that compares one request for many people: ``head`` is
    :func:`~composer.rendering.render.render_both` of the request with an empty body, for a
    context whose URL and headers render as they do for every one of ``contexts`` (they do
    not use the person); its URL, headers and their differences are reused. Each result is
    what ``render_both`` of the whole request gives for that context with the same ``now``;
    a test holds the two equal. Every body is rendered with one version, then every body
    with the other: a run of renders with one engine is markedly faster than switching
    engines at each one. A body that does not parse in a version renders the same for
    everybody, so once.
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
            part = Part(context, secrets, False, zone, now, base.liquid_version)
            outcome = render_part_body(part, request, content_type)
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
        found = differences(rendered, other, {"body": (request.body, outcome)}, only="body")
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
