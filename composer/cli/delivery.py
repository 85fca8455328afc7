"""Sending from the command line: ``send``, ``deliver``, ``outbox run``, ``deliveries list``.

::

    webhook-composer send REQUEST --context CTX [--json] [--retries N] [--backoff-base S]
                                                [--timeout S] [--liquid V] [--force]
    webhook-composer send REQUEST --people FILE [--event FILE] [--concurrency N] [--yes]
                                                [--dry-run] [--report FORMAT:PATH]… …
    webhook-composer [--data-dir DIR] deliver REQUEST_NAME --person ID [--json]
                                                [--backoff-base S] [--force]
    webhook-composer [--data-dir DIR] deliver REQUEST_NAME
        (--all | --person ID… | --people FILE | --search TEXT) [--yes] [--dry-run] [--wait]
        [--concurrency N] [--report FORMAT:PATH]… [--json] [--backoff-base S] [--force]
    webhook-composer [--data-dir DIR] outbox run [--json] [--backoff-base S]
    webhook-composer [--data-dir DIR] deliveries list [--json]

``send`` uses no workspace: it renders the file against the context (secrets from the
keychain when there is one; a secret it cannot find is a render error), sends with
retries, and shows the attribute updates the mappings would make. ``deliver`` does the
same for a stored request and person through the outbox, so the delivery is recorded and
the person updated; a ``draft`` request is recorded and not sent. ``outbox run`` sends
every unfinished delivery (waiting retries left by a killed process included) and keeps
going until none is waiting. ``--backoff-base`` replaces the retry schedule's first delay
(``S * 2**k``; for ``outbox run``, for the retries it schedules); a server's
``Retry-After`` is still honoured up to 1.5 hours. ``send --liquid latest|legacy``
renders with that Liquid version instead of the request's.

For many people at once — ``deliver`` with ``--all``, several ``--person``, ``--people``
or ``--search``, and ``send --people`` — one run records every delivery and drives one
engine; confirmation, progress, the summary, reports, ``--dry-run`` and what "waiting for
a retry" means for the exit code are in :mod:`composer.cli.runner` and
:mod:`composer.delivery.runner`. ``deliver`` with one ``--person`` and neither ``--dry-run`` nor
``--report`` behaves as it always has: every attempt printed, retries waited for, and
``--json`` prints that one delivery.

A body that is not valid for its Content-Type (JSON that does not parse, XML that is not
well-formed) is refused, as any render error is; ``--force`` on ``send`` and ``deliver``
sends it anyway, for a tester who wants to see how the endpoint takes it, and the
delivery records that it was forced. No other error can be forced: a request that
cannot be built (a bad URL, a line break in a header, a missing secret) is never sent.

Without ``--json`` each attempt is one line as it ends, and a redirect's Location is
shown (redirects are not followed). Exit codes: 0 success (or a draft recorded, or
nothing to do), 1 a final failure or a request that does not render, 2 bad usage, an
unreadable file, or a workspace too busy to record what came back (the message says
where those answers are kept). Secrets are masked in everything printed, response bodies
and headers included, in every form an echo writes them (:mod:`composer.delivery.masking`).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time
from collections.abc import Sequence
from typing import Any

from composer.cli.main import CommandError, data_dir_of, emit_json
from composer.cli.render import add_liquid_option
from composer.cli.runner import add_run_options, run_many, send_many
from composer.cli.store import group
from composer.delivery.attempt import AttemptResult
from composer.delivery.mapping import evaluate
from composer.delivery.masking import masker_for
from composer.delivery.outbox import LazySecrets, Outbox
from composer.delivery.record import scrub_result
from composer.delivery.records import Delivery, DeliveryEvent, RenderFailed, forceable
from composer.delivery.retry import (
    DEFAULT_BASE,
    DEFAULT_MAX_RETRIES,
    RetryPolicy,
    is_retryable,
    is_success,
)
from composer.delivery.sender import DEFAULT_TIMEOUT, Sender
from composer.delivery.wire import sensitive_values
from composer.http_headers import header_value
from composer.liquid import DEFAULT_VERSION
from composer.model import Request, context_for, load_context
from composer.rendering.render import render
from composer.secrets import SecretStore
from composer.store.seed import open_workspace
from composer.wording import counted

__all__ = ["attempt_line", "register"]


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _seconds(positive: bool) -> Any:
    def parse(text: str) -> float:
        value = float(text)
        if value < 0 or (positive and value == 0) or value != value:
            raise argparse.ArgumentTypeError("must be a positive number of seconds")
        return value

    return parse


_FORCE_HELP = (
    "send even though the body is not valid for its Content-Type (recorded as forced); "
    "other errors are never sent"
)


def _common(parser: argparse.ArgumentParser, workspace: bool) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--backoff-base",
        type=_seconds(False),
        metavar="S",
        help=f"first retry delay in seconds; delays double (default {DEFAULT_BASE:.2f})",
    )
    if workspace:
        parser.add_argument(
            "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="workspace folder"
        )


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "send",
        help="send a request file now, with retries (no workspace)",
        description="Send a request file for one context (--context) or for every person "
        "in a people file (--people), with retries; no workspace is used. With --people "
        "the run keeps going through the retries; exit 0 when every person's request "
        "succeeded, 1 when any failed or does not render, 2 on bad usage.",
    )
    parser.add_argument("request", metavar="REQUEST", help="a request file (JSON)")
    parser.add_argument("--context", metavar="CTX", help="a context file (JSON globals)")
    parser.add_argument(
        "--people",
        metavar="FILE",
        help="send for every person in a people file (.json list or .csv), one delivery each",
    )
    parser.add_argument(
        "--event",
        metavar="FILE",
        help='with --people: the event for everyone, {"name": …, "data": {…}}',
    )
    _common(parser, workspace=False)
    parser.add_argument("--retries", type=_count, default=DEFAULT_MAX_RETRIES, metavar="N")
    parser.add_argument("--timeout", type=_seconds(True), default=DEFAULT_TIMEOUT, metavar="S")
    add_liquid_option(parser)
    parser.add_argument("--force", action="store_true", help=_FORCE_HELP)
    add_run_options(parser, workspace=False)
    parser.set_defaults(handler=run_send)

    parser = sub.add_parser(
        "deliver",
        help="send a stored request for stored people, recorded in the outbox",
        description="Send a stored request for one or many stored people in one run, every "
        "delivery recorded in the outbox. Sending to more than one person asks first on a "
        "terminal (--yes skips; without a terminal --yes is required). The run ends once "
        "every delivery has succeeded, failed or is waiting for a retry; waiting ones stay "
        "in the outbox for `outbox run` and make the exit code 1 (--wait keeps going "
        "instead). Exit 0 when all succeeded, 1 when any did not, 2 on bad usage.",
    )
    parser.add_argument("request_name", metavar="REQUEST_NAME")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--all", action="store_true", help="every person in the workspace")
    who.add_argument("--person", action="append", metavar="ID", help="a person's id (repeatable)")
    who.add_argument(
        "--people",
        metavar="FILE",
        help="the stored people whose ids a file lists (one per line, or a people .json/.csv)",
    )
    who.add_argument(
        "--search", metavar="TEXT", help="the people the People page's search finds for TEXT"
    )
    _common(parser, workspace=True)
    parser.add_argument("--force", action="store_true", help=_FORCE_HELP)
    add_run_options(parser, workspace=True)
    parser.set_defaults(handler=run_deliver)

    commands = group(sub, "outbox", "the deliveries waiting to be sent")
    parser = commands.add_parser("run", help="send every due delivery until none is waiting")
    _common(parser, workspace=True)
    parser.set_defaults(handler=run_outbox)

    commands = group(sub, "deliveries", "every send, with its attempts")
    parser = commands.add_parser("list", help="list the deliveries")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="workspace folder"
    )
    parser.set_defaults(handler=run_list)


# -- output ------------------------------------------------------------------------------


def attempt_line(n: int, result: AttemptResult, prefix: str = "") -> str:
    """One attempt as a line a person reads (a redirect with where it points)."""
    took = f"in {result.elapsed_ms:.0f} ms"
    if result.status is not None:
        line = f"{prefix}attempt {n}: HTTP {result.status} {took}"
        location = _location(result.status, result.headers)
        return line if location is None else f"{line}, redirects to {location} (not followed)"
    return f"{prefix}attempt {n}: {result.error_kind} {took}: {result.error}"


def _location(status: int | None, headers: Sequence[tuple[str, str]]) -> str | None:
    if status is None or not 300 <= status < 400:
        return None
    return header_value(headers, "Location") or "(no Location header)"


def _at(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment).strftime("%H:%M:%S")


def _response(
    status: int | None, headers: Sequence[tuple[str, str]], body: bytes
) -> dict[str, Any] | None:
    if status is None:
        return None
    text = body.decode("utf-8", errors="replace")
    return {"status": status, "headers": [[k, v] for k, v in headers], "body": text}


def _print_result(outcome: dict[str, Any]) -> None:
    attempts = outcome["attempts"]
    print(f"{outcome['outcome']} after {counted(len(attempts), 'attempt')}")
    for name, value in (outcome.get("attribute_updates") or {}).items():
        print(f"set {name} = {value!r}")
    response = outcome.get("response")
    if response:
        location = _location(response["status"], response["headers"])
        if location is not None:
            print(f"response {response['status']} redirects to: {location} (not followed)")
        body = response["body"]
        shown = body if len(body) <= 2000 else body[:2000] + f"… ({len(body)} characters)"
        print(f"response {response['status']}: {shown}")


def _progress(event: DeliveryEvent) -> None:
    prefix = f"delivery {event.delivery_id}, "
    if event.kind == "attempt_finished" and event.result is not None:
        print(attempt_line(event.attempt, event.result, prefix), flush=True)
    elif event.kind == "waiting" and event.next_attempt_at is not None:
        wait = max(0.0, event.next_attempt_at - time.time())
        print(f"  next attempt at {_at(event.next_attempt_at)} (in {wait:.2f} s)", flush=True)
    elif event.kind == "failed":
        print(f"  delivery {event.delivery_id} failed: {event.error}", flush=True)
    elif event.kind == "succeeded" and event.error:
        print(f"  {event.error}", file=sys.stderr, flush=True)


def _delivery_outcome(delivery: Delivery) -> dict[str, Any]:
    last = delivery.attempts[-1] if delivery.attempts else None
    return {
        "delivery_id": delivery.id,
        "outcome": delivery.state,
        "attempts": [a.summary() for a in delivery.attempts],
        "response": _response(last.status, last.response_headers, last.response_body)
        if last
        else None,
        "attribute_updates": delivery.attribute_updates or {},
    }


# -- send --------------------------------------------------------------------------------


def _refusal(diagnostics: Sequence[Any], force: bool) -> str:
    """Why a request with errors is not sent, and whether ``--force`` would send it."""
    if not forceable(diagnostics):
        extra = " (--force cannot override this: the request cannot be built)" if force else ""
        return f"webhook-composer: the request was not sent{extra}"
    return (
        "webhook-composer: the request was not sent; its body is not valid for its "
        "Content-Type (add --force to send it anyway)"
    )


def run_send(args: argparse.Namespace) -> int:
    if args.people:
        return send_many(args)
    for option in ("event", "dry_run", "report"):
        if getattr(args, option):
            flag = "--" + option.replace("_", "-")
            raise CommandError(f"webhook-composer send: {flag} goes with --people FILE")
    return _send_one(args, SecretStore(None))  # the keychain's one reader, no workspace


def _send_one(args: argparse.Namespace, store: SecretStore) -> int:
    request = Request.from_file(args.request)
    if args.liquid:
        request = dataclasses.replace(request, liquid_version=args.liquid)
    context = load_context(args.context) if args.context else {}
    secrets = LazySecrets(store.get)
    now = dt.datetime.now(dt.UTC)
    wire = render(request, context, secrets=secrets, reveal=True, now=now)
    masked = render(request, context, secrets=secrets, now=now)
    for diagnostic in masked.diagnostics:
        print(diagnostic, file=sys.stderr)
    forced = args.force and forceable(masked.diagnostics) and forceable(wire.diagnostics)
    if wire.has_errors and not forced:
        if any("secret" in d.message for d in masked.diagnostics):
            problem = store.problem
            if problem:
                print(f"webhook-composer: {problem}", file=sys.stderr)
        print(_refusal(masked.diagnostics, args.force), file=sys.stderr)
        if args.json:
            emit_json(
                {"outcome": "failed", "attempts": [], "response": None, "attribute_updates": {}}
            )
        return 1
    if forced:
        print("webhook-composer: sending anyway (--force)", file=sys.stderr)
    masker = masker_for(sensitive_values(secrets, wire.headers, masked.headers))
    policy = RetryPolicy(
        args.retries, DEFAULT_BASE if args.backoff_base is None else args.backoff_base
    )
    attempts: list[dict[str, Any]] = []
    with Sender(args.timeout) as sender:
        while True:
            result = scrub_result(sender.send(wire), masker)
            n = len(attempts) + 1
            attempts.append(
                {
                    "n": n,
                    "status": result.status,
                    "error": result.error,
                    "elapsed_ms": result.elapsed_ms,
                }
            )
            if not args.json:
                print(attempt_line(n, result), flush=True)
            if is_success(result.status) or not is_retryable(result.status, result.error_kind):
                break
            if not policy.retries_left(n):
                break
            wait = policy.delay(n, result.header("Retry-After"), time.time())
            if not args.json:
                print(f"  next attempt at {_at(time.time() + wait)} (in {wait:.2f} s)", flush=True)
            time.sleep(wait)
    updates: dict[str, Any] = {}
    if is_success(result.status):
        mapped = evaluate(
            request.response_mappings,
            result.body,
            context,
            truncated=result.truncated,
            body_problem=result.body_problem,
            masker=masker,
            version=request.liquid_version or DEFAULT_VERSION,
        )
        updates = mapped.updates
        if mapped.error:
            print(f"webhook-composer: {mapped.error}", file=sys.stderr)
    outcome = {
        "outcome": "succeeded" if is_success(result.status) else "failed",
        "attempts": attempts,
        "response": _response(result.status, result.headers, result.body),
        "attribute_updates": updates,
    }
    if args.json:
        emit_json(outcome)
    else:
        _print_result(outcome)
    return 0 if outcome["outcome"] == "succeeded" else 1


# -- the workspace commands --------------------------------------------------------------


def _policy(args: argparse.Namespace) -> RetryPolicy:
    return RetryPolicy(base=DEFAULT_BASE if args.backoff_base is None else args.backoff_base)


def run_deliver(args: argparse.Namespace) -> int:
    single = args.person is not None and len(set(args.person)) == 1
    if not single or args.dry_run or args.report:
        return run_many(args, data_dir_of(args))
    args.person = args.person[0]
    with open_workspace(data_dir_of(args)) as db:
        request = db.requests.get(args.request_name)
        person = db.people.get(args.person)
        store = SecretStore(db)
        outbox = Outbox(db, LazySecrets(store.get))
        try:
            delivery_id = outbox.create(
                request,
                context_for(person),
                person_id=person.id,
                policy=_policy(args),
                force=args.force,
            )
        except RenderFailed as exc:
            for diagnostic in exc.diagnostics:
                print(diagnostic, file=sys.stderr)
            if store.problem and any("secret" in str(d) for d in exc.diagnostics):
                print(f"webhook-composer: {store.problem}", file=sys.stderr)
            print(_refusal(exc.diagnostics, args.force), file=sys.stderr)
            return 1
        if outbox.get(delivery_id).forced:
            print("webhook-composer: sending anyway (--force)", file=sys.stderr)
        if request.send_mode == "draft":
            delivery = outbox.get(delivery_id)
            if not args.json:
                print(f"delivery {delivery_id} is a draft: nothing is sent until it is approved")
        else:
            if not args.json:
                url = outbox.get(delivery_id).rendered["url"]
                print(f"delivery {delivery_id}: {request.method} {url}", flush=True)
            (delivery,) = outbox.run([delivery_id], None if args.json else _progress)
    outcome = _delivery_outcome(delivery)
    if args.json:
        emit_json(outcome)
    elif delivery.state != "draft":
        _print_result(outcome)
    return 0 if delivery.state in ("succeeded", "draft") else 1


def run_outbox(args: argparse.Namespace) -> int:
    with open_workspace(data_dir_of(args)) as db:
        outbox = Outbox(db, LazySecrets(SecretStore(db).get), backoff_base=args.backoff_base)
        done = outbox.run(None, None if args.json else _progress)
    if args.json:
        emit_json(
            [
                {
                    "delivery_id": d.id,
                    "outcome": d.state,
                    "attempts": [a.summary() for a in d.attempts],
                }
                for d in done
            ]
        )
    else:
        if not done:
            print("nothing to send")
        for d in done:
            print(f"delivery {d.id}: {d.state} after {len(d.attempts)} attempts")
    return 1 if any(d.state == "failed" for d in done) else 0


def run_list(args: argparse.Namespace) -> int:
    with open_workspace(data_dir_of(args)) as db:
        deliveries = Outbox(db).list()
    if args.json:
        emit_json([d.to_dict() for d in deliveries])
        return 0
    if not deliveries:
        print("no deliveries yet")
    for d in deliveries:
        last = d.attempts[-1] if d.attempts else None
        status = "" if last is None else str(last.status or last.error_kind or "")
        location = None if last is None else last.location()
        if location is not None:
            status += f" → {location}"
        forced = "  (forced)" if d.forced else ""
        print(
            f"{d.id:>5}  {d.state:<13}  {d.request_name[:30]:<30}  {(d.person_id or '-')[:20]:<20}"
            f"  {len(d.attempts):>2} attempts  {status}{forced}"
        )
    return 0
