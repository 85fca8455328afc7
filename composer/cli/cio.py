"""The ``cio`` commands: the round trip with a real Customer.io workspace.

::

    webhook-composer [--data-dir DIR] cio login [--region us|eu] [--api-url URL]
    webhook-composer [--data-dir DIR] cio logout
    webhook-composer [--data-dir DIR] cio campaigns [--json]
    webhook-composer [--data-dir DIR] cio pull CAMPAIGN_ID [--replace] [--json]
    webhook-composer [--data-dir DIR] cio people pull (--id ID… | --email E… |
                                                       --segment ID [--limit N]) [--json]
    webhook-composer [--data-dir DIR] cio people remove-pulled
    webhook-composer [--data-dir DIR] cio push REQUEST_NAME [--yes] [--overwrite] [--force]
                                               [--secrets keep|values] [--json]

``cio login`` reads the App API key from standard input (a terminal is asked without
echo), checks it with a test call that names the workspace, and keeps it in the OS
keychain; the region and ``--api-url`` become workspace settings. The key is never
printed, logged or written to the workspace.

``cio push`` shows the diff against the action as it is now in Customer.io, the
per-person check (and, for a legacy action, the upgrade check) and what the action
would contain, then pushes only with ``--yes``. It also refuses, until told otherwise:
an action changed in Customer.io since the pull (``--overwrite``), a failing check
(``--force``), and ``{{ secrets.x }}`` that Customer.io cannot resolve (``--secrets keep``
pushes the reference as written, ``--secrets values`` the keychain's value in its place).

``cio people pull`` says on standard error that it copies personal data to this
machine; ``cio people remove-pulled`` deletes every pulled person in one step.

Every command that calls Customer.io takes ``--backoff-base S``, ``--retries N`` and
``--timeout S`` (the retry schedule is the deliveries'). Exit codes: 0 done; 1 the work
failed (Customer.io said no, a push rule refused, the keychain could not keep the key);
2 with one line on stderr for bad usage, an unknown request, or no key (log in first).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from composer.cioapi import (
    DEFAULT_PEOPLE_LIMIT,
    DEFAULT_TIMEOUT,
    MAX_PEOPLE,
    PERSONAL_DATA_NOTICE,
    CioClient,
    CioError,
    FieldDiff,
    NoKeyError,
    PushPlan,
    PushRefusedError,
    list_campaigns,
    load_connection,
    login,
    logout,
    open_client,
    plan_push,
    pull_campaign,
    pull_people,
    push_action,
    remove_pulled_people,
)
from composer.cioapi.client import check_base_url
from composer.cli.main import CommandError, data_dir_of, emit_json
from composer.cli.store import format_table, group
from composer.delivery.retry import DEFAULT_BASE, DEFAULT_MAX_RETRIES, RetryPolicy
from composer.errors import SecretStoreError
from composer.rendering.render import MASK
from composer.secrets import SecretStore
from composer.store.database import Database
from composer.store.seed import open_workspace
from composer.wording import counted

__all__ = ["register"]


def _number(kind: type, low: float, high: float | None = None) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value != value or value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low:g}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:g}")
        return value

    return parse


def _add(commands: Any, name: str, help_text: str, network: bool = True) -> Any:
    parser = commands.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="workspace folder"
    )
    if network:
        parser.add_argument(
            "--backoff-base",
            type=_number(float, 0),
            metavar="S",
            help=f"first retry delay in seconds (default {DEFAULT_BASE:.2f})",
        )
        parser.add_argument(
            "--retries",
            type=_number(int, 0),
            default=DEFAULT_MAX_RETRIES,
            metavar="N",
            help="retries after a failed attempt (default 10)",
        )
        parser.add_argument(
            "--timeout",
            type=_number(float, 0.001),
            default=DEFAULT_TIMEOUT,
            metavar="S",
            help="seconds one attempt may take (default 30)",
        )
    return parser


def register(sub: Any) -> None:
    cio = group(sub, "cio", "pull from and push to a Customer.io workspace (App API)")
    parser = _add(cio, "login", "keep the App API key (read from standard input) and region")
    parser.add_argument("--region", choices=("us", "eu"), default="us")
    parser.add_argument("--api-url", metavar="URL", help="an App API address (a local server)")
    parser.set_defaults(handler=run_login)
    parser = _add(cio, "logout", "forget the App API key", network=False)
    parser.set_defaults(handler=run_logout)
    parser = _add(cio, "campaigns", "list the campaigns and their webhook actions")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run_campaigns)
    parser = _add(cio, "pull", "pull a campaign's webhook actions into requests")
    parser.add_argument("campaign", metavar="CAMPAIGN_ID", type=_number(int, 0))
    parser.add_argument(
        "--replace", action="store_true", help="take Customer.io's version over local edits"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run_pull)
    parser = _add(cio, "push", "push a pulled request back to its webhook action")
    parser.add_argument("request", metavar="REQUEST_NAME")
    parser.add_argument("--yes", action="store_true", help="push after showing the plan")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="push even though the action changed in Customer.io since the pull",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="push even though the per-person or upgrade check fails",
    )
    parser.add_argument(
        "--secrets",
        choices=("keep", "values"),
        help="push {{ secrets.x }} as written, or the keychain's values",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(handler=run_push)

    people = group(cio, "people", "sample people from Customer.io (personal data)")
    parser = _add(people, "pull", "copy people's attributes from Customer.io into the workspace")
    chosen = parser.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--id", nargs="+", action="extend", dest="ids", metavar="ID")
    chosen.add_argument("--email", nargs="+", action="extend", dest="emails", metavar="E")
    chosen.add_argument("--segment", type=_number(int, 0), metavar="ID")
    parser.add_argument(
        "--limit",
        type=_number(int, 1, MAX_PEOPLE),
        default=DEFAULT_PEOPLE_LIMIT,
        metavar="N",
        help=f"segment members to take (default {DEFAULT_PEOPLE_LIMIT}, at most {MAX_PEOPLE})",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run_people_pull)
    parser = _add(
        people, "remove-pulled", "delete every person pulled from Customer.io", network=False
    )
    parser.set_defaults(handler=run_remove_pulled)


# -- shared ------------------------------------------------------------------------------


def _policy(args: argparse.Namespace) -> RetryPolicy:
    base = DEFAULT_BASE if args.backoff_base is None else args.backoff_base
    return RetryPolicy(max_retries=args.retries, base=base)


def _fail(exc: BaseException) -> int:
    print(f"webhook-composer: {str(exc).splitlines()[0]}", file=sys.stderr)
    return 1


@contextmanager
def _session(args: argparse.Namespace) -> Iterator[tuple[Database, CioClient]]:
    """The workspace and a client of its Customer.io; no key is a usage error (exit 2)."""
    with open_workspace(data_dir_of(args)) as db:
        try:
            client = open_client(db, policy=_policy(args), timeout=args.timeout)
        except NoKeyError as exc:
            raise CommandError(
                f"webhook-composer: {exc} ('webhook-composer cio login' reads the App API key "
                "from standard input.)"
            ) from None
        with client:
            yield db, client


def _secret_values(db: Database) -> dict[str, str]:
    store = SecretStore(db)
    return store.all_values() if store.available else {}


def _print_diff(diff: tuple[FieldDiff, ...], indent: str = "    ") -> None:
    for change in diff:
        for line in change.unified():
            print(f"{indent}{line}")


# -- login ---------------------------------------------------------------------------------


def _read_key() -> str:
    if sys.stdin is None:
        raise CommandError("webhook-composer cio login: no standard input to read the key from")
    if sys.stdin.isatty():
        key = getpass.getpass("Customer.io App API key (not shown): ")
    else:
        key = sys.stdin.read()
    key = key.strip()
    if not key:
        raise CommandError("webhook-composer cio login: no App API key; pass it on standard input")
    return key


def run_login(args: argparse.Namespace) -> int:
    if args.api_url:
        try:
            check_base_url(args.api_url)
        except CioError as exc:
            raise CommandError(f"webhook-composer cio login: {exc}") from None
    key = _read_key()
    with open_workspace(data_dir_of(args)) as db:
        try:
            workspaces = login(
                db, key, args.region, args.api_url, policy=_policy(args), timeout=args.timeout
            )
        except (CioError, SecretStoreError) as exc:
            return _fail(exc)
        where = load_connection(db).label
    names = [w.name for w in workspaces if w.name]
    if len(names) == 1:
        named = f'the workspace "{names[0]}"'
    elif names:
        named = "an account with the workspaces " + ", ".join(f'"{n}"' for n in names)
    else:
        named = "an account that lists no workspaces"
    print(f"Connected to Customer.io ({where}): {named}. The App API key is in the keychain.")
    return 0


def run_logout(args: argparse.Namespace) -> int:
    with open_workspace(data_dir_of(args)) as db:
        logout(db)
    print("Forgot the Customer.io App API key.")
    return 0


# -- campaigns and pull ---------------------------------------------------------------------


def run_campaigns(args: argparse.Namespace) -> int:
    with _session(args) as (_, client):
        try:
            campaigns = list_campaigns(client)
        except CioError as exc:
            return _fail(exc)
    if args.json:
        emit_json(
            [
                {
                    "id": c.id,
                    "name": c.name,
                    "state": c.state,
                    "active": c.active,
                    "updated": c.updated,
                    "webhook_actions": list(c.webhook_action_ids),
                }
                for c in campaigns
            ]
        )
        return 0
    rows = [
        (str(c.id), c.name, c.state, ", ".join(str(a) for a in c.webhook_action_ids) or "-")
        for c in campaigns
    ]
    sys.stdout.write(format_table(("ID", "NAME", "STATE", "WEBHOOK ACTIONS"), rows))
    return 0


_PULLED = {
    "new": "new      ",
    "updated": "updated  ",
    "unchanged": "unchanged",
    "kept": "kept     ",
    "replaced": "replaced ",
}


def run_pull(args: argparse.Namespace) -> int:
    with _session(args) as (db, client):
        try:
            done = pull_campaign(
                db, client, args.campaign, replace=args.replace, secret_values=_secret_values(db)
            )
        except CioError as exc:
            return _fail(exc)
    if args.json:
        emit_json(done.to_json())
        return 0
    for pulled in done.actions:
        print(f'{_PULLED[pulled.outcome]}  "{pulled.request_name}" (action {pulled.action.id})')
        if pulled.outcome == "kept":
            print("    kept your local edits; it differs from Customer.io:")
            _print_diff(pulled.diff)
    if not done.actions:
        print(f"Campaign {done.campaign_id} has no webhook actions.")
    if done.skipped:
        kinds = ", ".join(f"{aid} ({kind})" for aid, kind in done.skipped)
        print(f"Skipped {len(done.skipped)} action(s) that are not webhooks: {kinds}.")
    return 0


# -- people --------------------------------------------------------------------------------


def run_people_pull(args: argparse.Namespace) -> int:
    with _session(args) as (db, client):
        print(
            f"webhook-composer: {PERSONAL_DATA_NOTICE} Remove them with "
            "'webhook-composer cio people remove-pulled'.",
            file=sys.stderr,
        )
        try:
            done = pull_people(
                db,
                client,
                ids=args.ids or (),
                emails=args.emails or (),
                segment=args.segment,
                limit=args.limit,
            )
        except CioError as exc:
            return _fail(exc)
    if args.json:
        emit_json(done.to_json())
        return 0
    stored = len(done.new) + len(done.refreshed)
    print(
        f"Pulled {counted(stored, 'person', 'people')} by {done.source} "
        f"({len(done.new)} new, {len(done.refreshed)} refreshed)."
    )
    if done.kept:
        print(f"Left as they are (made in this workspace): {', '.join(done.kept)}.")
    if done.missing:
        print(f"Not found in Customer.io: {', '.join(done.missing)}.")
    return 0


def run_remove_pulled(args: argparse.Namespace) -> int:
    with open_workspace(data_dir_of(args)) as db:
        removed = remove_pulled_people(db)
    print(f"Removed {counted(removed, 'person', 'people')} pulled from Customer.io.")
    return 0


# -- push ----------------------------------------------------------------------------------


def _needs(plan: PushPlan, args: argparse.Namespace) -> list[str]:
    needs = [] if args.yes else ["--yes"]
    if plan.conflict and not args.overwrite:
        needs.append("--overwrite")
    if (plan.check_failed or plan.upgrade_differs) and not args.force:
        needs.append("--force")
    if plan.secrets and args.secrets is None:
        needs.append("--secrets keep|values")
    return needs


def _print_plan(plan: PushPlan) -> None:
    origin = plan.origin
    print(
        f'Push "{plan.request.name}" to action {origin.action_id} of campaign {origin.campaign_id}.'
    )
    if plan.conflict:
        print(
            f"  CONFLICT: the action changed in Customer.io since the pull (updated "
            f"{origin.action_updated} then, {plan.current.updated} now)."
        )
    if plan.unchanged:
        return
    print("  Changes (- Customer.io now, + this push):")
    _print_diff(plan.diff)
    check = plan.check
    state = (
        "cancelled"
        if check.cancelled
        else (f"{len(check.failed)} failing" if check.failed else "passes")
    )
    print(f"  Per-person check: {state} ({check.people} people, {check.renderings} renderings).")
    for found in check.groups[:5]:
        print(f"    {found}")
    if plan.upgrade is not None:
        differ = plan.upgrade.different
        print(f"  Upgrade check (legacy Liquid): {differ} rendering(s) would differ in latest.")
    if plan.secrets:
        names = ", ".join(f"{{{{ secrets.{n} }}}}" for n in plan.secrets.names)
        print(f"  Secrets: {names} — Customer.io cannot resolve this app's secrets.")
        print("    --secrets keep: pushed as written; it renders as nothing in Customer.io.")
        if plan.secrets.inlinable:
            print("    --secrets values: the keychain's value in its place (shown masked):")
            for line in _masked_lines(plan):
                print(f"      {line}")
        else:
            print("    --secrets values: not possible; a secret is used in a tag or a filter.")


def _masked_lines(plan: PushPlan) -> list[str]:
    """The lines of the URL, headers and body that a ``values`` push changes, masked."""
    preview = plan.preview("values")
    lines: list[str] = []
    if preview.url != plan.content.url:
        lines.append(f"URL: {preview.url}")
    for ours, shown in zip(plan.content.headers, preview.headers, strict=True):
        if ours != shown:
            lines.append(f"{shown.name}: {shown.value}")
    body = [line.strip() for line in preview.body.splitlines() if MASK in line]
    lines += [f"body: {line}" for line in body]
    return lines


def run_push(args: argparse.Namespace) -> int:
    with _session(args) as (db, client):
        values = _secret_values(db)
        try:
            plan = plan_push(db, client, args.request, secret_values=values, workers=args.workers)
        except CioError as exc:
            return _fail(exc)
        needs = [] if plan.unchanged else _needs(plan, args)
        result = None
        refused: PushRefusedError | None = None
        if not plan.unchanged and not needs:
            try:
                result = push_action(
                    db,
                    client,
                    plan,
                    confirm_conflict=args.overwrite,
                    force=args.force,
                    secrets=args.secrets,
                    secret_values=values,
                )
            except PushRefusedError as exc:
                refused = exc
            except CioError as exc:
                return _fail(exc)
    if args.json:
        data = plan.to_json()
        data.update(
            pushed=result is not None,
            unchanged=plan.unchanged,
            needs=needs,
            refused=None
            if refused is None
            else {"reason": refused.reason, "message": str(refused)},
            updated=None if result is None else result.action.updated,
        )
        emit_json(data)
    else:
        _print_plan(plan)
        if plan.unchanged:
            print(
                "The action already holds this request's method, URL, headers and body; "
                "nothing to push."
            )
        elif result is not None:
            print(f"Pushed. The action's updated time is now {result.action.updated}.")
        elif needs:
            print(f"Nothing was pushed. To push, run again with {' '.join(needs)}.")
    if refused is not None:
        return _fail(refused)
    return 0 if plan.unchanged or result is not None else 1
