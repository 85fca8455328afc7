"""The ``webhook-composer`` launcher: the desktop app, or a command of the core's CLI.

Qt is imported only when the window is wanted, so the commands start as fast as
``python -m composer`` does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from composer.cli.main import data_dir_of
from composer.cli.main import main as cli_main


def _open_app(args: argparse.Namespace) -> int:
    from ui.app import run

    return run(
        data_dir_of(args),
        args.exit_after_startup,
        args.screenshots,
        verbose=bool(getattr(args, "verbose", False)),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``webhook-composer`` command."""
    return cli_main(sys.argv[1:] if argv is None else argv, open_app=_open_app)


if __name__ == "__main__":
    sys.exit(main())
