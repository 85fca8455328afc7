"""The command line's bulk runs: ``deliver`` for many stored people, ``send --people``.

::

    webhook-composer [--data-dir DIR] deliver REQUEST_NAME
        (--all | --person ID [--person ID …] | --people FILE | --search TEXT)
        [--yes] [--dry-run] [--wait] [--concurrency N] [--report junit:PATH|json:PATH]…
        [--json] [--backoff-base S] [--force]
    webhook-composer send REQUEST --people FILE.csv|FILE.json [--event FILE]
        [--yes] [--dry-run] [--concurrency N] [--report …]… [--retries N] [--timeout S] …

The run itself is :mod:`composer.delivery.runner`; the reports :mod:`composer.delivery.report`. Here
are the parts a person at a terminal sees. Decisions:

* **Confirmation.** Sending to more than one person asks first when standard input is a
  terminal: the request's name, how many people, and the first person's rendering
  (secrets masked), then ``[y/N]``. ``--yes`` skips the question. Without a terminal and
  without ``--yes`` nothing is sent: exit 2 with a line saying to pass ``--yes`` (a
  pipeline must say it means it). Answering anything but ``y``/``yes`` sends nothing
  (exit 1). ``--dry-run`` never asks: it sends nothing.
* **Progress** is one line on standard error, rewritten in place with ``\\r`` at most ten
  times a second, only when standard error is a terminal (a CI log gets no noise).
* **Output.** Without ``--json``: one line per person who did not succeed (the first 20),
  then the summary (sent, succeeded, failed, waiting for a retry). With ``--json``: the
  JSON report on standard output and the summary on standard error.
* **Waiting for a retry** (``deliver``): the run ends once every delivery has settled;
  those waiting for a retry stay in the workspace's outbox for ``webhook-composer outbox
  run``, and count as not succeeded (exit 1). ``--wait`` keeps going through the retry
  schedule instead. ``send --people`` has no workspace to leave them in, so it always
  waits (``--retries`` and ``--backoff-base`` bound how long).
* **Ctrl+C** stops the run after the attempts in flight; reports are still written, the
  deliveries not started stay queued in the outbox (``deliver``), and the exit code is 130.
* **``send --people``** keeps its outbox in a temporary workspace that is deleted at the
  end; the reports are the record. The people file is read in full and validated first
  (as ``people import`` does); ``--event`` gives everyone the same event.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from composer.cli.main import CommandError, emit_json
from composer.delivery.outbox import LazySecrets, Outbox
from composer.delivery.report import ReportSpec, parse_spec, write_reports
from composer.delivery.retry import DEFAULT_BASE, RetryPolicy
from composer.delivery.runner import (
    Run,
    RunResult,
    dry_run,
    read_event,
    read_person_ids,
    select_people,
)
from composer.model import Event, Person, Request, context_for
from composer.rendering.render import render
from composer.secrets import SecretStore
from composer.store.database import Database
from composer.store.people_io import read_people, write_people
from composer.store.seed import open_workspace

__all__ = ["ProgressLine", "add_run_options", "confirm", "run_many", "send_many"]

_SHOWN = 20
_BODY_LINES = 12


def _concurrency(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("must be between 1 and 64")
    return value


def _report(text: str) -> ReportSpec:
    try:
        return parse_spec(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_run_options(parser: argparse.ArgumentParser, workspace: bool) -> None:
    """The options every bulk run takes."""
    parser.add_argument("--yes", "-y", action="store_true", help="send without asking")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="render for everyone and report what would be sent; send nothing",
    )
    parser.add_argument(
        "--concurrency",
        type=_concurrency,
        default=8,
        metavar="N",
        help="attempts on the wire at once (default 8; 1 sends in order)",
    )
    parser.add_argument(
        "--report",
        type=_report,
        action="append",
        default=[],
        metavar="FORMAT:PATH",
        help="write a report: junit:PATH or json:PATH (repeatable)",
    )
    if workspace:
        parser.add_argument(
            "--wait",
            action="store_true",
            help="keep going through retries until every delivery succeeded or failed "
            "(default: stop once each has settled; waiting ones stay in the outbox)",
        )


# -- what a person at a terminal sees -----------------------------------------------------


class ProgressLine:
    """``\\r``-updated counts on a terminal (nothing elsewhere), throttled."""

    def __init__(self, name: str, stream: TextIO, interval: float = 0.1) -> None:
        self.name = name
        self.stream = stream
        self.on = stream.isatty()
        self.interval = interval
        self._last = 0.0
        self._width = 0

    def __call__(self, counts: dict[str, int]) -> None:
        now = time.monotonic()
        last = counts["settled"] == counts["total"]
        if not self.on or (now - self._last < self.interval and not last):
            return
        self._last = now
        text = (
            f"“{self.name[:40]}”: {counts['settled']}/{counts['total']} settled · "
            f"{counts['succeeded']} succeeded · {counts['failed']} failed · "
            f"{counts['waiting_retry']} waiting"
        )
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def close(self) -> None:
        if self.on and self._width:
            self.stream.write("\n")
            self.stream.flush()


def _preview(request: Request, person: Person, event: Event | None, secrets: Any) -> list[str]:
    rendered = render(request, context_for(person, event), secrets=secrets)
    errors = [d for d in rendered.diagnostics if d.severity == "error"]
    if errors:
        return [f"  (does not render for them: {errors[0]})"]
    lines = [f"  {rendered.method} {rendered.url}"]
    lines += [f"  {name}: {value}" for name, value in rendered.headers]
    body = rendered.body.splitlines()
    if body:
        lines.append("")
        lines += [f"  {line[:200]}" for line in body[:_BODY_LINES]]
        if len(body) > _BODY_LINES:
            lines.append(f"  … ({len(body) - _BODY_LINES} more lines)")
    return lines


def confirm(
    args: argparse.Namespace,
    request: Request,
    people: Sequence[Person],
    event: Event | None,
    secrets: Any,
) -> bool:
    """Whether to go ahead (raises CommandError without a terminal and without --yes)."""
    if args.yes or args.dry_run or len(people) <= 1:
        return True
    if not sys.stdin.isatty():
        raise CommandError(
            f"webhook-composer: this sends “{request.name}” to {len(people)} people; "
            "pass --yes to confirm (standard input is not a terminal to ask on)"
        )
    first = people[0]
    lines = [f"Send “{request.name}” to {len(people)} people? For the first, {first.id}:"]
    lines += _preview(request, first, event, secrets)
    print("\n".join(lines), file=sys.stderr)
    print(f"Send to {len(people)} people? [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    if answer in ("y", "yes"):
        return True
    print("Nothing was sent.", file=sys.stderr)
    return False


def _show(result: RunResult, args: argparse.Namespace, hint: str) -> None:
    out = sys.stderr if args.json else sys.stdout
    if args.json:
        emit_json(result.to_dict())
    else:
        bad = [r for r in result.results if not r.ok]
        for r in bad[:_SHOWN]:
            status = f" HTTP {r.status}" if r.status is not None else ""
            error = f": {r.error}" if r.error else ""
            print(f"person {r.person_id}: {r.outcome.replace('_', ' ')}{status}{error}", file=out)
        if len(bad) > _SHOWN:
            print(f"… and {len(bad) - _SHOWN} more (see --report)", file=out)
    print(result.summary(), file=out)
    if result.counts()["waiting_retry"] and hint:
        print(hint, file=out)


@contextlib.contextmanager
def _ctrl_c(run: Run) -> Iterator[list[bool]]:
    """The first Ctrl+C stops the run after its attempts in flight; a second one aborts."""
    hit: list[bool] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if hit:
            raise KeyboardInterrupt
        hit.append(True)
        print("\nStopping after the attempts in flight…", file=sys.stderr, flush=True)
        run.stop()

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: no signal handling
        yield hit
        return
    try:
        yield hit
    finally:
        signal.signal(signal.SIGINT, previous)


def _go(run: Run, args: argparse.Namespace, hint: str) -> int:
    line = ProgressLine(run.request.name, sys.stderr)
    with _ctrl_c(run) as stopped:
        try:
            result = run.start(line)
        finally:
            line.close()
    write_reports(result, args.report)
    _show(result, args, hint)
    return 130 if stopped else result.exit_code


def _dry_or_declined(
    args: argparse.Namespace,
    request: Request,
    people: list[Person],
    event: Event | None,
    secrets: LazySecrets,
) -> int | None:
    """The exit code when the run ends before sending (a dry run, or the person said no);
    None to go on and send."""
    if args.dry_run:
        result = dry_run(request, people, secrets, event)
        write_reports(result, args.report)
        _show(result, args, "")
        return result.exit_code
    if not confirm(args, request, people, event, secrets):
        return 1
    return None


# -- the commands -------------------------------------------------------------------------

_WAITING_HINT = (
    "Deliveries waiting for a retry stay in the outbox: `webhook-composer outbox run` sends "
    "them when due (or pass --wait to keep going)."
)


def run_many(args: argparse.Namespace, data_dir: Path | None) -> int:
    """``deliver`` for the selected stored people."""
    with open_workspace(data_dir) as db:
        request = db.requests.get(args.request_name)
        ids: list[str] = list(args.person or ())
        source = "--person"
        if args.people:
            ids, source = read_person_ids(args.people), str(args.people)
        people = select_people(db, everyone=args.all, ids=ids, search=args.search, source=source)
        secrets = LazySecrets(SecretStore(db).get)
        if (ended := _dry_or_declined(args, request, people, None, secrets)) is not None:
            return ended
        base = DEFAULT_BASE if args.backoff_base is None else args.backoff_base
        outbox = Outbox(db, secrets, workers=args.concurrency, backoff_base=args.backoff_base)
        run = Run(
            outbox,
            request,
            people,
            policy=RetryPolicy(base=base),
            force=args.force,
            wait=args.wait,
        )
        return _go(run, args, _WAITING_HINT)


def send_many(args: argparse.Namespace) -> int:
    """``send --people``: everyone in the file, through a throw-away outbox."""
    if args.context:
        raise CommandError("webhook-composer send: give either --context or --people, not both")
    request = Request.from_file(args.request)
    if args.liquid:
        request = dataclasses.replace(request, liquid_version=args.liquid)
    records = read_people(args.people)
    people = [record.person for record in records]
    if not people:
        raise CommandError(f"webhook-composer send: {args.people} holds nobody")
    event = read_event(args.event) if args.event else None
    with (
        tempfile.TemporaryDirectory(prefix="webhook-composer-run-") as tmp,
        Database(Path(tmp) / "outbox.sqlite3") as db,
    ):
        secrets = LazySecrets(SecretStore(None).get)  # the keychain; no workspace's names
        if (ended := _dry_or_declined(args, request, people, event, secrets)) is not None:
            return ended
        if request.response_mappings:  # the mappings' updates are applied to them
            write_people(db, records)
        base = DEFAULT_BASE if args.backoff_base is None else args.backoff_base
        outbox = Outbox(db, secrets, timeout=args.timeout, workers=args.concurrency)
        run = Run(
            outbox,
            request,
            people,
            policy=RetryPolicy(args.retries, base),
            event=event,
            force=args.force,
            wait=True,
        )
        return _go(run, args, "")
