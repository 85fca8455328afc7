"""``python -m composer …`` run as a user runs it: a subprocess, its output as text.

One way for tests to run the command line (the interpreter and environment come from the
``python`` and ``cli_env`` fixtures of conftest.py). Output is decoded as UTF-8, with bytes
that are not shown as escapes, so a test can assert on any message.
"""

from __future__ import annotations

import subprocess

__all__ = ["run_composer"]


def run_composer(
    python: str, env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m composer ARGS`` to its end and return what it printed and its code."""
    return subprocess.run(
        [python, "-m", "composer", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        timeout=timeout,
        check=False,
    )
