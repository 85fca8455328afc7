"""What the preview's render thread computes: jobs in, results out, as plain data.

:class:`PreviewJob` is everything one render needs; :func:`render_job` (or its two steps,
:func:`render_own` then :func:`render_comparison`) turns it into a :class:`PreviewResult`
in whichever thread calls it. :mod:`ui.editor.preview` schedules these on its render
thread and decides which results are drawn.

The worker prepares everything the preview widgets show, so the GUI thread only sets
text: the body view is elided to :data:`VIEW_LIMIT` characters (a 1 MB body is not laid
out in a read-only view on every keystroke) and pretty-printed JSON is computed here too.
Pretty-printing is a view: :attr:`PreviewResult.rendered` keeps the bytes that are sent.

The comparison renders the request's own version a second time (``render_both`` is the
core's one public way to get the differences, which need each part's source map); that
second render is off the keystroke's path. The result also carries the filter and tag
names of the request's version, for the editors' completion, so the GUI thread never
builds a Liquid engine.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from composer.model import Request
from composer.rendering.diagnostics import Diagnostic
from ui.ops.threads import current_thread_id

if TYPE_CHECKING:
    from composer.rendering.render import RenderedRequest

__all__ = [
    "VIEW_LIMIT",
    "MappingPreview",
    "PreviewJob",
    "PreviewResult",
    "elide",
    "first_difference",
    "qt_position",
    "render_comparison",
    "render_job",
    "render_own",
]

VIEW_LIMIT = 64 * 1024
"""Characters of a rendered body the preview view shows; the rest is summarised."""


@dataclass(frozen=True, slots=True)
class PreviewJob:
    """Everything one preview render needs, as plain data."""

    request: Request
    """The request as edited."""
    context: Mapping[str, Any]
    """The Liquid globals of the chosen person and event."""
    secret_names: tuple[str, ...] | None
    """The workspace's secret names (values are never needed: the preview masks them);
    None while the keychain is still being opened: then every ``secrets.X`` shows masked."""
    sample_response: str | None = None
    """The sample response text for the mapping previews; None when there is none."""
    pretty: bool = False
    """Whether the body view shows JSON pretty-printed."""
    generation: int = 0
    """Stamped by the service; higher is newer."""
    compare: bool = False
    """Whether to render with the other Liquid version too and show what differs."""
    now: dt.datetime | None = None
    """What ``'now'`` means in both renders of a comparison (stamped by the service; the
    clock when None)."""
    staged: bool = False
    """With :attr:`compare`: render the request's own version only, its comparison to follow
    in a second step (set by the service for edits)."""


@dataclass(frozen=True, slots=True)
class MappingPreview:
    """One response mapping rendered against the sample response."""

    attribute: str
    """The attribute it sets."""
    value: Any
    """The value it would store (a number or boolean when it renders as one), or None."""
    text: str
    """What the value rendered to."""
    diagnostics: tuple[Diagnostic, ...]
    """Problems rendering this mapping."""


@dataclass(frozen=True, slots=True)
class PreviewResult:
    """A finished preview render."""

    generation: int
    """The job's generation."""
    rendered: RenderedRequest
    """The rendered request, byte for byte what is sent (secrets masked)."""
    body_view: str
    """What the body view shows: elided, and pretty-printed when asked and possible."""
    mappings: tuple[MappingPreview, ...]
    """Per-mapping previews (empty without a sample response)."""
    thread_id: int
    """The thread that rendered (never the GUI thread)."""
    render_ms: float
    """How long rendering took in the worker (both versions' renders, when compared)."""
    own_ms: float = 0.0
    """How long rendering the request's own version took."""
    liquid_title: str = ""
    """How people name the version it rendered with (``latest (LiquidJS)``)."""
    other: RenderedRequest | None = None
    """The rendering with the other Liquid version (None when not compared)."""
    other_title: str = ""
    """How people name the other version ("" when not compared)."""
    other_body_view: str = ""
    """The other version's body as the body view shows it (elided, pretty when asked)."""
    differences: tuple[Diagnostic, ...] = ()
    """The comparison's warnings (also among :attr:`rendered`'s diagnostics)."""
    first_difference: int | None = None
    """Where :attr:`body_view` and :attr:`other_body_view` first differ, in the UTF-16
    units a QTextDocument counts positions in; None when they are equal or not compared."""
    filter_names: frozenset[str] = frozenset()
    """Every filter of the version it rendered with (for completion)."""
    tag_names: frozenset[str] = frozenset()
    """Every tag of that version (for completion)."""
    comparing: bool = False
    """The comparison was asked for and follows in a later result of the same generation;
    this one has the request's own version only (:attr:`other` is None)."""

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """The request's diagnostics followed by the mappings'."""
        extra = tuple(d for m in self.mappings for d in m.diagnostics)
        return self.rendered.diagnostics + extra


def elide(text: str, limit: int = VIEW_LIMIT) -> str:
    """``text`` cut to ``limit`` characters with a note saying how much is not shown."""
    if len(text) <= limit:
        return text
    rest = len(text) - limit
    return f"{text[:limit]}\n\n… {rest:,} more characters not shown ({len(text):,} in all)"


def first_difference(a: str, b: str) -> int | None:
    """The index of the first character where ``a`` and ``b`` differ; None when equal."""
    if a == b:
        return None
    step = 4096
    start = 0
    while a[start : start + step] == b[start : start + step]:  # whole chunks, compared in C
        start += step
    for i, (x, y) in enumerate(zip(a[start : start + step], b[start : start + step], strict=False)):
        if x != y:
            return start + i
    return start + min(len(a) - start, len(b) - start)


def qt_position(text: str, index: int) -> int:
    """``index`` (code points into ``text``) in UTF-16 units, as a QTextDocument counts."""
    head = text[:index]
    if head.isascii():
        return index
    return len(head.encode("utf-16-le")) // 2


def _body_view(body: str, pretty: bool) -> str:
    if pretty and body.strip():
        with contextlib.suppress(ValueError):  # not JSON: shown as it is
            body = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    return elide(body)


def _mapping_previews(job: PreviewJob) -> tuple[MappingPreview, ...]:
    if job.sample_response is None or not job.request.response_mappings:
        return ()
    from composer.delivery.mapping import render_mapping, response_value, typed_value
    from composer.liquid import DEFAULT_VERSION

    version = job.request.liquid_version or DEFAULT_VERSION
    globals_ = {k: v for k, v in job.context.items() if k != "secrets"}
    globals_["response"] = response_value(job.sample_response.encode("utf-8"))
    out: list[MappingPreview] = []
    for i, mapping in enumerate(job.request.response_mappings):
        text, diagnostics = render_mapping(i, mapping.value, globals_, version)
        failed = any(d.severity == "error" for d in diagnostics)
        value = None if failed else typed_value(text)
        out.append(MappingPreview(mapping.attribute, value, text, diagnostics))
    return tuple(out)


def _secrets(job: PreviewJob) -> dict[str, str] | None:
    return None if job.secret_names is None else dict.fromkeys(job.secret_names, "")


def render_job(job: PreviewJob) -> PreviewResult:
    """Render one job whole, the comparison included when asked (in whichever thread calls
    it): :func:`render_own`, then :func:`render_comparison`."""
    if job.compare and job.now is None:
        job = dataclasses.replace(job, now=dt.datetime.now(dt.UTC))
    first = render_own(job)
    return render_comparison(job, first) if job.compare else first


def render_own(job: PreviewJob) -> PreviewResult:
    """The request rendered with its own Liquid version: what a keystroke shows first.

    With :attr:`PreviewJob.compare` the result is marked :attr:`PreviewResult.comparing`.
    """
    from composer.liquid import engine
    from composer.rendering.render import render  # the Liquid engine: see ui.app

    started = time.perf_counter()
    rendered = render(job.request, job.context, secrets=_secrets(job), now=job.now)
    elapsed = (time.perf_counter() - started) * 1000
    mine = engine(rendered.liquid_version)
    return PreviewResult(
        generation=job.generation,
        rendered=rendered,
        body_view=_body_view(rendered.body, job.pretty),
        mappings=_mapping_previews(job),
        thread_id=current_thread_id(),
        render_ms=elapsed,
        own_ms=elapsed,
        liquid_title=mine.title,
        filter_names=mine.filter_names(),
        tag_names=mine.tag_names(),
        comparing=job.compare,
    )


def render_comparison(job: PreviewJob, first: PreviewResult) -> PreviewResult:
    """``first`` (:func:`render_own`'s result for ``job``) completed with the comparison:
    the other version's rendering, the difference warnings, the side-by-side body."""
    from composer.liquid import engine
    from composer.rendering.render import render_both

    started = time.perf_counter()
    both = render_both(job.request, job.context, secrets=_secrets(job), now=job.now)
    rendered, other, differences = both.rendered, both.other, both.differences
    if differences:
        rendered = dataclasses.replace(rendered, diagnostics=rendered.diagnostics + differences)
    body_view = first.body_view
    if rendered.body != first.rendered.body:  # only when 'now' was not fixed for both
        body_view = _body_view(rendered.body, job.pretty)
    other_view = _body_view(other.body, job.pretty)
    at = first_difference(body_view, other_view)
    return dataclasses.replace(
        first,
        rendered=rendered,
        body_view=body_view,
        thread_id=current_thread_id(),
        render_ms=first.render_ms + (time.perf_counter() - started) * 1000,
        other=other,
        other_title=engine(other.liquid_version).title,
        other_body_view=other_view,
        differences=differences,
        first_difference=None if at is None else qt_position(body_view, at),
        comparing=False,
    )
