"""The ``webhook-composer`` command line.

Without a command it opens the desktop app through the ``open_app`` callable that the
``ui`` package passes in (``composer`` itself never imports Qt; ``python -m composer``
offers the commands only). Each command lives in its own module that
exposes ``register(subparsers)``; the module's handler takes the parsed arguments and
returns the exit code (docs/ARCHITECTURE.md places the command line among the
layers). Shared conventions:

* exit 0 on success, 1 when the work itself failed (a render error, a final send failure,
  a person failing ``check``), 2 with exactly one line on stderr on bad usage or an
  unreadable or invalid file;
* ``--json`` output is one JSON document on stdout;
* secrets never appear in anything printed;
* every command writes the log (:mod:`composer.logs`: sends, retries, errors, secrets
  masked); ``--verbose``, before the command, prints its lines on stderr too.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from composer.errors import ComposerError, KnownError

__all__ = [
    "COMMAND_MODULES",
    "AppOpener",
    "CommandError",
    "data_dir_of",
    "emit_json",
    "main",
]

COMMAND_MODULES: tuple[str, ...] = (
    "composer.cli.render",
    "composer.cli.store",
    "composer.cli.delivery",
    "composer.cli.extras",
    "composer.cli.upgrade",
    "composer.cli.cio",
)
"""Modules that add commands; each has ``register(subparsers)``."""

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """Ends a command with exit 2 and the message as the one line on stderr."""


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{self.prog}: {message}")


def data_dir_of(args: argparse.Namespace) -> Path | None:
    """The ``--data-dir`` given on the command line, if any."""
    value = getattr(args, "data_dir", None)
    return Path(value) if value else None


def emit_json(value: Any) -> None:
    """Print one JSON document (UTF-8, non-ASCII kept) and a newline."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The parser; without ``commands`` only the app's own options (a cheap first look)."""
    parser = _Parser(
        prog="webhook-composer",
        description="Design, preview and send Customer.io-style webhook requests.",
    )
    parser.add_argument("--data-dir", metavar="DIR", help="workspace folder (default: per user)")
    parser.add_argument(
        "--exit-after-startup",
        action="store_true",
        help="open the window, draw the first preview, print the start-up time and exit",
    )
    parser.add_argument("--screenshots", metavar="OUT", help="save every page as a PNG and exit")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="also print the log's lines (sends, retries, errors; secrets masked) on stderr",
    )
    if not commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


AppOpener = Callable[[argparse.Namespace], int]
"""Opens the desktop app for parsed arguments (``--data-dir``, ``--exit-after-startup``,
``--screenshots``, ``--verbose``) and returns its exit code."""


def main(argv: Sequence[str] | None = None, open_app: AppOpener | None = None) -> int:
    """Run the command line; returns the process exit code."""
    try:
        arguments = list(sys.argv[1:] if argv is None else argv)
        if open_app is not None and not {"-h", "--help"} & set(arguments):
            # Opening the window needs none of the command modules: don't import them.
            app_args, rest = build_parser(commands=False).parse_known_args(arguments)
            if not rest:
                return open_app(app_args)
        args = build_parser().parse_args(arguments)
        if args.command is None:
            if open_app is None:
                raise CommandError(
                    "webhook-composer: name a command (the desktop app starts from the "
                    "webhook-composer launcher)"
                )
            return open_app(args)
        handler: Handler = args.handler
        from composer.logs import setup_logging

        setup_logging(verbose=args.verbose)
        return handler(args)
    except CommandError as exc:
        print(str(exc).splitlines()[0], file=sys.stderr)
        return 2
    except KnownError as exc:
        print(f"webhook-composer: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``); stay quiet like other Unix tools.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except ComposerError as exc:
        print(f"webhook-composer: internal error: {exc}", file=sys.stderr)
        return 3
