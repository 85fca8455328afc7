"""The inbox, cURL and per-person check commands.

::

    webhook-composer inbox [--port N] [--reply-status S] [--reply-body FILE]
                           [--reply-header 'Name: value']... [--reply-delay S]
    webhook-composer curl REQUEST --context CTX [--reveal-secrets] [--zone ZONE] [--liquid V]
    webhook-composer [--data-dir DIR] requests import-curl 'curl …' [--name NAME]
    webhook-composer [--data-dir DIR] check REQUEST_NAME [--json] [--strict] [--liquid V]

``inbox`` listens on 127.0.0.1 (``--port 0``, the default, picks a free port), says
where on stderr, and prints one compact JSON line per request received on stdout,
flushed as it arrives: ``{"method", "path", "headers": [[name, value], ...], "body"}``
with ``path`` holding the query string and the body as text when it is UTF-8, else
base64 under ``"body_base64"``. A body is kept up to 1 MiB; one cut there adds
``"truncated": true`` and ``"body_size"`` (all the bytes sent) to its line. A request
must arrive whole within 30 s of its first byte (else ``408``). It answers
``--reply-status`` (default 200) with the ``--reply-body`` file's bytes (Content-Type
``application/json`` when they parse as JSON, else ``text/plain; charset=utf-8``, unless
``--reply-header`` sets one). Ctrl+C or SIGTERM stops it cleanly with exit 0. A
``--reply-header`` that is not ``Name: value`` (no colon, no name, a name that is not an
HTTP token, a control character such as CR or LF in the value) is bad usage (exit 2), named
as ``header line N`` (the Nth ``--reply-header``) with what is wrong, in the words the
Inbox page uses (:mod:`composer.http_headers`).

``curl`` prints the rendered request as a cURL command that sends the same bytes as the
sender; secrets are ``••••••`` unless ``--reveal-secrets`` takes them from the keychain.
Diagnostics go to stderr. Like ``render``, it exits 1 when the rendering has an error
(the command is still printed, so it can be inspected), 0 otherwise.

``requests import-curl`` stores a new request from a cURL command (``-`` reads it from
standard input). Without ``--name`` the request is named after the URL's host and path;
a name already taken gets " 2", " 3", ... Notes (credentials moved to secrets, options
ignored) go to stderr.

``check`` renders a stored request for every person in the workspace (each of their
events when the request uses the event) with the names of the workspace's secrets (their
values are not needed, so the keychain is not read). It prints, for every person with a
finding, ``ID[ (event NAME)]: where:line:column: severity: message`` lines, and on stderr
a summary with the findings grouped. ``--json`` prints the list described in
:mod:`composer.check.sweep`. Exit 1 when any person's rendering has an error (``--strict``:
an error or a warning), 0 otherwise.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

from composer.check.sweep import CheckReport, check_request
from composer.cli.main import CommandError, data_dir_of, emit_json
from composer.cli.render import add_liquid_option, render_inputs
from composer.cli.store import group
from composer.curl.parse import CurlExport, export_curl, import_curl
from composer.delivery.outbox import LazySecrets
from composer.http_headers import HeaderLineError, parse_header_line
from composer.inbox.server import CaughtRequest, Inbox, Reply
from composer.secrets import SecretStore
from composer.store.seed import open_workspace

__all__ = ["register", "sweep_workspace"]


T = TypeVar("T")


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="workspace folder"
    )


def register(sub: Any) -> None:
    parser = sub.add_parser("inbox", help="catch requests on 127.0.0.1 and print them")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address")
    parser.add_argument("--reply-status", type=int, default=200, metavar="S")
    parser.add_argument("--reply-body", metavar="FILE", help="file whose bytes are the reply")
    parser.add_argument(
        "--reply-header", action="append", default=[], metavar="'NAME: VALUE'", help="repeatable"
    )
    parser.add_argument("--reply-delay", type=float, default=0.0, metavar="S")
    parser.set_defaults(handler=run_inbox)

    parser = sub.add_parser("curl", help="print a rendered request as a cURL command")
    parser.add_argument("request", metavar="REQUEST", help="a request file (JSON)")
    parser.add_argument("--context", metavar="CTX", help="a context file (JSON globals)")
    parser.add_argument(
        "--reveal-secrets", action="store_true", help="put the secrets' values in the command"
    )
    parser.add_argument("--zone", default="UTC", help="time zone dates render in")
    add_liquid_option(parser)
    parser.set_defaults(handler=run_curl)

    requests = group(sub, "requests", "the stored webhook requests")
    parser = requests.add_parser("import-curl", help="store a new request from a cURL command")
    _data_dir_option(parser)
    parser.add_argument("command", metavar="'curl …'", help="the command ('-': standard input)")
    parser.add_argument("--name", help="the new request's name")
    parser.set_defaults(handler=run_import_curl)

    parser = sub.add_parser("check", help="render a stored request for every person")
    _data_dir_option(parser)
    parser.add_argument("request", metavar="REQUEST_NAME")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    add_liquid_option(parser)
    parser.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(handler=run_check)


# -- inbox ------------------------------------------------------------------------------


def _reply_of(args: argparse.Namespace) -> Reply:
    if not 200 <= args.reply_status <= 599:
        raise CommandError("webhook-composer inbox: --reply-status must be from 200 to 599")
    if args.reply_delay < 0:
        raise CommandError("webhook-composer inbox: --reply-delay must be 0 or more")
    body = b""
    if args.reply_body:
        try:
            body = Path(args.reply_body).read_bytes()
        except OSError as exc:
            raise CommandError(
                f"webhook-composer inbox: {args.reply_body}: cannot be read ({exc.strerror})"
            ) from None
    headers = []
    for number, line in enumerate(args.reply_header, 1):
        try:
            headers.append(parse_header_line(line, number))
        except HeaderLineError as exc:
            raise CommandError(f"webhook-composer inbox: --reply-header: {exc}") from None
    if body and not any(name.lower() == "content-type" for name, _ in headers):
        try:
            json.loads(body)
            headers.append(("Content-Type", "application/json"))
        except ValueError:
            headers.append(("Content-Type", "text/plain; charset=utf-8"))
    return Reply(args.reply_status, headers, body, args.reply_delay)


def run_inbox(args: argparse.Namespace) -> int:
    stop = threading.Event()
    lock = threading.Lock()

    def show(caught: CaughtRequest) -> None:
        line = json.dumps(caught.to_dict(), ensure_ascii=False)
        with lock:
            try:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
            except (BrokenPipeError, ValueError):
                stop.set()  # the reader went away

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    inbox = Inbox(args.host, args.port, _reply_of(args), on_request=show)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, on_signal) if main_thread else None
    try:
        inbox.start()
        print(f"Inbox listening on {inbox.url}/ (Ctrl+C to stop)", file=sys.stderr, flush=True)
        try:
            while not stop.wait(0.25):
                pass
        except KeyboardInterrupt:
            pass
    finally:
        inbox.stop()
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    count = len(inbox.requests) + inbox.dropped
    print(f"Inbox stopped after {count} request(s).", file=sys.stderr)
    return 0


# -- curl -------------------------------------------------------------------------------


def run_curl(args: argparse.Namespace) -> int:
    request, context, zone = render_inputs(args, "curl")
    try:
        if not args.reveal_secrets:
            return _print_curl(export_curl(request, context, zone=zone))
        # The values come from the workspace's keychain, through the one SecretStore.
        with open_workspace(data_dir_of(args)) as db:
            store = SecretStore(db)
            if store.problem is not None:
                print(f"note: {store.problem}", file=sys.stderr)
            secrets = LazySecrets(store.get)
            exported = export_curl(request, context, secrets=secrets, reveal=True, zone=zone)
    except ValueError as exc:
        raise CommandError(f"webhook-composer curl: {exc}") from None
    return _print_curl(exported)


def _print_curl(exported: CurlExport) -> int:
    sys.stdout.write(exported.command)
    sys.stdout.flush()
    for diagnostic in exported.rendered.diagnostics:
        print(diagnostic, file=sys.stderr)
    if exported.masked:
        print(
            "note: secrets are shown as ••••••; --reveal-secrets puts their values in",
            file=sys.stderr,
        )
    return 1 if exported.rendered.has_errors else 0


# -- requests import-curl ---------------------------------------------------------------


def run_import_curl(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.command == "-" else args.command
    imported = import_curl(text, args.name)
    with open_workspace(data_dir_of(args)) as db:
        taken = set(db.requests.names())
        name, n = imported.request.name, 2
        while name in taken:
            name, n = f"{imported.request.name} {n}", n + 1
        request = db.requests.create(dataclasses.replace(imported.request, name=name))
    print(f'Imported the request "{request.name}" ({request.method} {request.url}).')
    for note in imported.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


# -- check ------------------------------------------------------------------------------


def sweep_workspace(args: argparse.Namespace, sweep: Callable[..., T]) -> T:
    """Run a per-person sweep (``check_request``, ``upgrade_check``) over the stored
    request ``args.request`` and every person of the workspace, with ``--liquid`` applied
    when the command has it, and return its report."""
    with open_workspace(data_dir_of(args)) as db:
        request = db.requests.get(args.request)
        if getattr(args, "liquid", None):
            request = dataclasses.replace(request, liquid_version=args.liquid)
        people = db.people.list()
        names = SecretStore(db).names()

        def events_for(person_id: str) -> list[Any]:
            return [stored.event for stored in db.people.events(person_id)]

        return sweep(
            request,
            people,
            events_for,
            names,
            events_for_many=db.people.events_by_person,
            workers=args.workers,
        )


def run_check(args: argparse.Namespace) -> int:
    report = sweep_workspace(args, check_request)
    if args.json:
        emit_json(report.to_json())
    else:
        _print_report(report)
    failing = report.results if args.strict else report.failed
    return 1 if failing else 0


def _print_report(report: CheckReport) -> None:
    for result in report.results:
        who = result.person_id
        if report.uses_event:
            who += f" (event {result.event_name})" if result.event_name else " (no event)"
        for diagnostic in result.diagnostics:
            sys.stdout.write(f"{who}: {diagnostic}\n")
    sys.stdout.flush()
    renderings = "" if not report.uses_event else f" ({report.renderings} renderings)"
    print(
        f'Checked "{report.request_name}" for {report.people} people{renderings} in '
        f"{report.elapsed_s:.2f} s: {len(report.failed)} failing, "
        f"{len(report.results) - len(report.failed)} with warnings only.",
        file=sys.stderr,
    )
    for found in report.groups:
        print(f"  {found}", file=sys.stderr)
