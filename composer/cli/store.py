"""The workspace commands: ``people``, ``requests`` and ``secrets``.

::

    webhook-composer [--data-dir DIR] people import FILE      .json list or .csv; all or nothing
    webhook-composer [--data-dir DIR] people list [--json] [--search TEXT]
    webhook-composer [--data-dir DIR] people export FILE [--no-events]
    webhook-composer [--data-dir DIR] requests import FILE [--replace]
    webhook-composer [--data-dir DIR] requests list [--json]
    webhook-composer [--data-dir DIR] secrets set NAME        value on standard input
    webhook-composer [--data-dir DIR] secrets list [--json]   names only

``--data-dir`` may also follow the command (``people list --data-dir DIR``). The first
command run against a new folder creates the workspace and seeds the sample workspace,
as the window does. ``--json`` prints one JSON document: ``people list`` the people-import
shape ``[{"id", "email", "attributes"}, ...]``, ``requests list`` the request files.
Without it, lists are aligned tables.

``people export`` writes every person to FILE, the export the window's People page
makes (:func:`composer.store.people_export.export_people`): CSV when FILE ends in ``.csv``
(formulas neutralised; ``people import`` reads it back to the same people), otherwise
JSON: what ``people list --json`` prints with each person's ``events`` added, so that
nothing is lost; ``--no-events`` leaves them out and writes exactly that output.

``secrets set`` reads the value from standard input (one trailing newline removed; a
terminal is asked without echo) and never prints it. Without a usable keychain a value
could only live in this process's memory, which ends with the command, so the command
saves nothing, prints the keychain sentence and exits 1.

Exit codes: 0 done; 1 a secret could not be kept; 2 with one line on stderr for bad usage,
an invalid file, or a workspace that refuses (name taken, unknown name).

Other modules may add commands to these groups through :func:`group` (for example
``requests import-curl``), whatever order the modules register in.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from composer.cli.main import CommandError, data_dir_of, emit_json
from composer.secrets import SecretStore, check_name
from composer.store.people_export import export_people
from composer.store.people_io import import_people
from composer.store.seed import open_workspace
from composer.wording import counted

__all__ = ["format_table", "group", "register"]

_WIDEST_CELL = 60


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="workspace folder"
    )


def group(sub: Any, name: str, help_text: str = "") -> Any:
    """The sub-command set of the command group ``name`` (created on first use)."""
    parser = sub.choices.get(name)
    if parser is None:
        parser = sub.add_parser(name, help=help_text, description=help_text)
        _data_dir_option(parser)
        commands = parser.add_subparsers(
            dest=f"{name}_command", metavar="COMMAND", parser_class=type(parser)
        )
        commands.required = True
        parser.composer_group = commands
    return parser.composer_group


def _add(commands: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=help_text, description=help_text
    )
    _data_dir_option(parser)
    return parser


def register(sub: Any) -> None:
    people = group(sub, "people", "the sample people requests are rendered for")
    parser = _add(people, "import", "import people from a JSON list or a CSV file (all or nothing)")
    parser.add_argument("file", metavar="FILE", help="a .json list of people or a .csv file")
    parser.set_defaults(handler=people_import)
    parser = _add(people, "list", "list the people in the workspace")
    parser.add_argument("--json", action="store_true", help="print the people-import JSON shape")
    parser.add_argument(
        "--search", metavar="TEXT", help="only people whose id, email or attributes hold TEXT"
    )
    parser.set_defaults(handler=people_list)
    parser = _add(people, "export", "write every person to a CSV or JSON file")
    parser.add_argument("file", metavar="FILE", help="a .csv file, or JSON for any other name")
    parser.add_argument(
        "--no-events", action="store_true", help="JSON without events (as people list --json)"
    )
    parser.set_defaults(handler=people_export)

    requests = group(sub, "requests", "the stored webhook requests")
    parser = _add(requests, "import", "store a request file in the workspace")
    parser.add_argument("file", metavar="FILE", help="a request file (JSON)")
    parser.add_argument(
        "--replace", action="store_true", help="replace a stored request of that name"
    )
    parser.set_defaults(handler=requests_import)
    parser = _add(requests, "list", "list the stored requests")
    parser.add_argument(
        "--json", action="store_true", help="print the request files as a JSON list"
    )
    parser.set_defaults(handler=requests_list)

    secrets = group(sub, "secrets", "named secrets kept in the OS keychain")
    parser = _add(secrets, "set", "set a secret; the value is read from standard input")
    parser.add_argument("name", metavar="NAME", help="the name templates use: {{ secrets.NAME }}")
    parser.set_defaults(handler=secrets_set)
    parser = _add(secrets, "list", "list the secret names (never the values)")
    parser.add_argument("--json", action="store_true", help="print the names as a JSON list")
    parser.set_defaults(handler=secrets_list)


def format_table(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Rows as left-aligned columns under their headings (the last column is not padded)."""
    cells = [[_clip(cell) for cell in row] for row in rows]
    widths = [len(heading) for heading in headings]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = []
    for row in [list(headings), *cells]:
        padded = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _WIDEST_CELL else text[: _WIDEST_CELL - 1] + "…"


# -- people ------------------------------------------------------------------------


def people_import(args: argparse.Namespace) -> int:
    with open_workspace(data_dir_of(args)) as db:
        result = import_people(db, args.file)
    print(
        f"Imported {counted(result.created + result.updated, 'person', 'people')} from {args.file} "
        f"({result.created} new, {result.updated} updated, {counted(result.events, 'event')})."
    )
    return 0


def people_list(args: argparse.Namespace) -> int:
    with open_workspace(data_dir_of(args)) as db:
        repo = db.people
        people = repo.search(args.search) if args.search else repo.list()
    if args.json:
        emit_json([person.to_dict() for person in people])
        return 0
    rows = [(p.id, p.email, json.dumps(dict(p.attributes), ensure_ascii=False)) for p in people]
    sys.stdout.write(format_table(("ID", "EMAIL", "ATTRIBUTES"), rows))
    return 0


def people_export(args: argparse.Namespace) -> int:
    target = Path(args.file)
    with open_workspace(data_dir_of(args)) as db:
        count = db.people.count()
        export_people(db, target, events=not args.no_events)
    print(f"Exported {counted(count, 'person', 'people')} to {target}.")
    return 0


# -- requests ----------------------------------------------------------------------


def requests_import(args: argparse.Namespace) -> int:
    with open_workspace(data_dir_of(args)) as db:
        request = db.requests.import_file(args.file, replace=args.replace)
    print(f'Imported the request "{request.name}" from {args.file}.')
    return 0


def requests_list(args: argparse.Namespace) -> int:
    with open_workspace(data_dir_of(args)) as db:
        requests = db.requests.list()
    if args.json:
        emit_json([request.to_dict() for request in requests])
        return 0
    rows = [(r.name, r.method, r.url) for r in requests]
    sys.stdout.write(format_table(("NAME", "METHOD", "URL"), rows))
    return 0


# -- secrets -----------------------------------------------------------------------


def _read_value(name: str) -> str:
    if sys.stdin is None:
        raise CommandError("webhook-composer secrets set: no standard input to read the value from")
    if sys.stdin.isatty():
        value = getpass.getpass(f"Value of {name} (not shown): ")
    else:
        value = sys.stdin.read()
        if value.endswith("\r\n"):
            value = value[:-2]
        elif value.endswith("\n"):
            value = value[:-1]
    if value == "":
        raise CommandError(
            f"webhook-composer secrets set: no value for {name}; pass it on standard input"
        )
    return value


def secrets_set(args: argparse.Namespace) -> int:
    name = check_name(args.name)
    value = _read_value(name)
    with open_workspace(data_dir_of(args)) as db:
        store = SecretStore(db)
        if not store.available:
            # A command's memory ends with it: keeping the value "for the session" keeps nothing.
            print(
                f"webhook-composer: {store.problem} "
                f'The secret "{name}" was not saved, because this command\'s session ends now.',
                file=sys.stderr,
            )
            return 1
        store.set(name, value)
        if not store.available:
            print(
                f'webhook-composer: {store.problem} The secret "{name}" was not saved.',
                file=sys.stderr,
            )
            return 1
    print(f'Saved the secret "{name}" in the keychain.')
    return 0


def secrets_list(args: argparse.Namespace) -> int:
    with open_workspace(data_dir_of(args)) as db:
        names = SecretStore(db).names()
    if args.json:
        emit_json(names)
    else:
        for name in names:
            print(name)
    return 0
