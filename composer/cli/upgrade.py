"""``webhook-composer upgrade-check REQUEST_NAME [--json]``: who an upgrade changes.

Renders the stored request for every person in the workspace (and each of their events,
when a template uses one) with both of Customer.io's Liquid versions and lists whose
bytes would differ after switching it from its own version to the other, grouped by the
place in the templates where the versions part ways (:mod:`composer.check.upgrade`).
Without ``--json`` each group is printed with an example and the people it holds (at
most twenty named, then a count); the summary goes to stderr. Exit 0 when nobody's bytes
differ, 1 when someone's do, 2 on bad usage or an unknown request.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from composer.check.upgrade import UpgradeReport, upgrade_check
from composer.cli.extras import sweep_workspace
from composer.cli.main import emit_json
from composer.wording import counted

__all__ = ["register"]

_NAMED = 20


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "upgrade-check",
        help="render for every person with both Liquid versions; list who gets other bytes",
    )
    parser.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="workspace folder"
    )
    parser.add_argument("request", metavar="REQUEST_NAME")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    report = sweep_workspace(args, upgrade_check)
    if args.json:
        emit_json(report.to_json())
    else:
        _print(report)
    return 1 if report.groups else 0


def _print(report: UpgradeReport) -> None:
    for group in report.groups:
        count = len(group.people)
        who = counted(count, "rendering")
        sys.stdout.write(f"{who}: {group.where}:{group.line}:{group.column}: {group.example}\n")
        named = [p if e is None else f"{p} (event {e})" for p, e in group.people[:_NAMED]]
        more = f" and {count - _NAMED} more" if count > _NAMED else ""
        sys.stdout.write(f"  {', '.join(named)}{more}\n")
    sys.stdout.flush()
    print(
        f'"{report.request_name}" from {report.source} to {report.target}: '
        f"{report.different} of {report.renderings} renderings ({report.people} people) "
        f"would send different bytes; checked in {report.elapsed_s:.2f} s.",
        file=sys.stderr,
    )
