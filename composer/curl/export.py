"""cURL out: a rendered request as a command that sends it byte for byte.

Part of :mod:`composer.curl.parse` (which re-exports these). :func:`to_curl` writes a
POSIX-shell command whose request is byte for byte what :class:`composer.delivery.sender.Sender`
sends: the same request line, the same header lines in the same order, the same body.
curl's own ``Accept: */*`` is removed (``-H 'Accept:'``) and the sender's ``User-Agent``
and ``Accept-Encoding`` are passed (each unless the request sets it), ``Content-Type:``
is emptied when the request has none and there is a body, ``Expect:`` is emptied for
bodies over 1 KiB (curl would otherwise wait for ``100 Continue``), an empty POST, PUT
or PATCH gets the ``Content-Length: 0`` the sender sends (first, as httpx places it),
and the body goes in ``--data-raw``, which sends it as is (no ``@file`` reading). ``-X``
is written only when curl would not infer the method. The one known difference: a header
whose rendered value is empty is sent by the sender as ``Name: `` and by curl
(``-H 'Name;'``) as ``Name:``. ``--globoff`` and ``--path-as-is`` are added when the URL
needs them. Everything is single-quoted (an embedded ``'`` becomes ``'\\''``). A rendered
request carries secrets masked unless it was rendered with ``reveal=True``;
:func:`export_curl` renders and exports in one step and masks unless asked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from composer.curl.shell import shell_quote
from composer.delivery.content_coding import ACCEPT_ENCODING
from composer.delivery.sender import user_agent
from composer.model import Request
from composer.rendering.render import MASK, RenderedRequest, render

__all__ = ["CurlExport", "export_curl", "to_curl"]

_EXPECT_ABOVE = 1024


@dataclass(frozen=True, slots=True)
class CurlExport:
    """A rendered request as a cURL command."""

    command: str
    """The POSIX-shell command."""
    rendered: RenderedRequest
    """The rendering it was made from (with its diagnostics)."""
    masked: bool
    """Whether secrets appear as ``••••••`` (the command then cannot be run as is)."""


def to_curl(rendered: RenderedRequest) -> str:
    """A cURL command that sends exactly what the sender sends for ``rendered``.

    Secrets appear as they are in ``rendered`` (masked unless it was rendered with
    ``reveal=True``). A NUL character cannot travel in a shell argument: ValueError.
    """
    parts = [rendered.url, rendered.body, *(n + v for n, v in rendered.headers)]
    if any("\0" in part for part in parts):
        raise ValueError("the request holds a NUL character, which a shell argument cannot carry")
    names = {name.lower() for name, _ in rendered.headers}
    body = rendered.body
    send_body = bool(body)
    args: list[str] = []
    if re.search(r"[\[\]{}]", rendered.url):
        args.append("--globoff")
    if re.search(r"/\.\.?(/|$|\?)", urlsplit(rendered.url).path + "?"):
        args.append("--path-as-is")
    inferred = "POST" if send_body else "GET"
    if rendered.method != inferred:
        args += ["-X", rendered.method]
    lines = [f"-H {shell_quote(f'{n}: {v}' if v else f'{n};')}" for n, v in rendered.headers]
    if not body and rendered.method in ("POST", "PUT", "PATCH"):
        lines.insert(0, "-H 'Content-Length: 0'")  # httpx sends it first, right after Host
    if "user-agent" not in names:
        lines.append(f"-H {shell_quote('User-Agent: ' + user_agent())}")
    if "accept-encoding" not in names:
        lines.append(f"-H {shell_quote('Accept-Encoding: ' + ACCEPT_ENCODING)}")
    if "accept" not in names:
        lines.append("-H 'Accept:'")
    if send_body and "content-type" not in names:
        lines.append("-H 'Content-Type:'")
    if len(body.encode("utf-8")) > _EXPECT_ABOVE and "expect" not in names:
        lines.append("-H 'Expect:'")
    if send_body:
        lines.append(f"--data-raw {shell_quote(body)}")
    head = " ".join(["curl", *args, shell_quote(rendered.url)])
    return " \\\n  ".join([head, *lines]) + "\n"


def export_curl(
    request: Request,
    context: Mapping[str, Any],
    *,
    secrets: Mapping[str, str] | None = None,
    reveal: bool = False,
    zone: dt.tzinfo = dt.UTC,
    now: dt.datetime | None = None,
) -> CurlExport:
    """Render ``request`` and write it as a cURL command; secrets masked unless ``reveal``."""
    rendered = render(request, context, secrets=secrets, reveal=reveal, zone=zone, now=now)
    command = to_curl(rendered)
    return CurlExport(command, rendered, MASK in command)
