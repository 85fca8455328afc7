"""``python -m composer …`` run as a user runs it: a subprocess, its output as text.

One way for tests to run the command line (the interpreter and environment come from the
``python`` and ``cli_env`` fixtures of conftest.py). Output is decoded as UTF-8, with bytes
that are not shown as escapes, so a test can assert on any message.

:func:`modules_loaded` answers what a layering test asks: which of some modules a fresh
interpreter has loaded after a few imports (the HTTP client after the record layer, say).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence

__all__ = ["modules_loaded", "run_composer"]


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


def modules_loaded(imports: Sequence[str], watched: Sequence[str]) -> list[str]:
    """Which of ``watched`` a fresh interpreter holds after importing ``imports``, sorted."""
    code = (
        f"import json, sys, {', '.join(imports)}\n"
        f"print(json.dumps(sorted(n for n in sys.modules if n in {list(watched)!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found
