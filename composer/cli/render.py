"""``webhook-composer render REQUEST --context CTX [--json] [--liquid V] [--compare]``.

Prints the request as it would be sent, secrets shown as ``••••••``, rendered with the
request's Liquid version (``--liquid latest|legacy`` overrides it; a file that names none
renders with latest). ``--compare`` also renders it with the other version and warns
where the two differ. Without ``--json``
the request goes to stdout as an HTTP message (request line, headers, blank line, body)
and the diagnostics go to stderr, one per line as ``where:line:column: severity: message``.
Exit 0 when no diagnostic is an error, 1 when one is, 2 on bad usage or a bad file.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from typing import Any

from composer.cli.main import CommandError, emit_json
from composer.liquid import VERSIONS, zone_named
from composer.model import Request, load_context
from composer.rendering.render import RenderedRequest, render

__all__ = ["add_liquid_option", "format_http", "register", "render_inputs"]


def register(sub: Any) -> None:
    parser = sub.add_parser("render", help="print a request as it would be sent")
    parser.add_argument("request", metavar="REQUEST", help="a request file (JSON)")
    parser.add_argument("--context", metavar="CTX", help="a context file (JSON globals)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--zone", default="UTC", help="time zone dates render in (IANA name; default UTC)"
    )
    add_liquid_option(parser)
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also render with the other Liquid version and warn where they differ",
    )
    parser.set_defaults(handler=run)


def add_liquid_option(parser: argparse.ArgumentParser) -> None:
    """``--liquid latest|legacy``: render with that version instead of the request's."""
    parser.add_argument(
        "--liquid",
        choices=VERSIONS,
        help="Customer.io Liquid version to render with (default: the request's, else latest)",
    )


def format_http(rendered: RenderedRequest) -> str:
    """The rendered request as an HTTP/1.1 message a person can read."""
    lines = [f"{rendered.method} {rendered.url}"]
    lines += [f"{name}: {value}" for name, value in rendered.headers]
    return "\n".join(lines) + "\n\n" + rendered.body


def render_inputs(
    args: argparse.Namespace, command: str
) -> tuple[Request, dict[str, Any], dt.tzinfo]:
    """The request file (with ``--liquid`` applied), the context file (or no globals) and
    ``--zone`` of a command."""
    request = Request.from_file(args.request)
    if getattr(args, "liquid", None):
        request = dataclasses.replace(request, liquid_version=args.liquid)
    context = load_context(args.context) if args.context else {}
    try:
        zone = zone_named(args.zone)
    except (KeyError, ValueError) as exc:
        raise CommandError(f"webhook-composer {command}: unknown time zone {args.zone!r}") from exc
    return request, context, zone


def run(args: argparse.Namespace) -> int:
    request, context, zone = render_inputs(args, "render")
    rendered = render(request, context, zone=zone, compare=args.compare)
    if args.json:
        emit_json(rendered.to_dict())
    else:
        text = format_http(rendered)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        for diagnostic in rendered.diagnostics:
            print(diagnostic, file=sys.stderr)
    return 1 if rendered.has_errors else 0
