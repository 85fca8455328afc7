"""The real Liquid engines, run as long-lived processes, as test oracles.

* :data:`LEGACY`: Shopify's Ruby Liquid **2.5.3** with ActiveSupport (``ruby/``: the
  library at git tag v2.5.3, MIT, and ``serve25.rb``), the engine of Customer.io's
  legacy Liquid. Needs Debian's ``ruby`` and ``ruby-activesupport``.
* :data:`LATEST`: **LiquidJS** with its default options (``js/``: ``serve_liquidjs.js``
  and the pinned ``liquidjs`` package, installed by ``make`` with ``npm ci``), the engine
  Customer.io's latest Liquid behaves like. Needs ``node``.

Both run with ``TZ=UTC``. A case is a template, a context (JSON) and optionally a
``now`` that fixes the clock for that case. Each oracle answers :class:`Answer`:
the output, or the error that stopped the parse (Ruby 2.5.3 writes render errors into
the output as ``Liquid error: …``; LiquidJS raises them, so they arrive as ``error``).

Tests ask for an oracle through the ``legacy_oracle`` / ``latest_oracle`` fixtures
(``tests/conftest.py``): where the engine cannot run, those tests are skipped, except
when ``CI`` is set, where they fail.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden-liquid" / "golden_liquid.json"

__all__ = ["GOLDEN", "LATEST", "LEGACY", "Answer", "Oracle", "OracleUnavailable"]


class OracleUnavailable(RuntimeError):
    """The engine cannot run on this machine (its interpreter or library is missing)."""


@dataclass(frozen=True)
class Answer:
    """What a real engine made of one case."""

    output: str | None
    """The rendered text, when the template parsed (and, in LiquidJS, rendered)."""
    error: str | None
    """``Class: message`` of the error that stopped it, else None."""
    render_errors: tuple[str, ...] = ()
    """Ruby only: the errors 2.5.3 wrote inline (``template.errors``)."""

    @property
    def failed(self) -> bool:
        """Whether the engine refused the template (no output)."""
        return self.error is not None


class Oracle:
    """One engine in a child process, asked one case at a time over JSON lines."""

    TIMEOUT_S = 20.0

    def __init__(self, name: str, command: list[str], cwd: Path, needs: list[Path]) -> None:
        self.name = name
        self._command = command
        self._cwd = cwd
        self._needs = needs
        self._process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()

    def available(self) -> str | None:
        """None when the engine can run here, else why not."""
        if shutil.which(self._command[0]) is None:
            return f"{self._command[0]} is not installed"
        for path in self._needs:
            if not path.exists():
                return f"{path} is missing (run make, which installs it)"
        return None

    def _start(self) -> subprocess.Popen[str]:
        reason = self.available()
        if reason is not None:
            raise OracleUnavailable(f"{self.name}: {reason}")
        env = dict(os.environ, TZ="UTC", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        process = subprocess.Popen(
            self._command,
            cwd=self._cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            env=env,
        )
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        self._lines = lines
        self._process = process
        return process

    def render(
        self, template: str, context: dict[str, Any] | None = None, *, now: str | None = None
    ) -> Answer:
        """Render one case with the real engine."""
        request: dict[str, Any] = {"template": template, "context": context or {}}
        if now is not None:
            request["now"] = now
        with self._lock:
            process = self._process
            if process is None or process.poll() is not None:
                process = self._start()
            assert process.stdin is not None
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            try:
                line = self._lines.get(timeout=self.TIMEOUT_S)
            except queue.Empty:
                self.close()
                return Answer(None, f"Timeout: no answer in {self.TIMEOUT_S:.0f} s")
            if line is None:
                self.close()
                return Answer(None, "Crash: the oracle process ended")
        answer = json.loads(line)
        return Answer(
            answer.get("output"), answer.get("error"), tuple(answer.get("render_errors", ()))
        )

    def close(self) -> None:
        """Stop the child process."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()


LEGACY = Oracle(
    "Ruby Liquid 2.5.3",
    ["ruby", str(HERE / "ruby" / "serve25.rb")],
    HERE / "ruby",
    [HERE / "ruby" / "liquid-2.5.3" / "lib" / "liquid.rb"],
)
LATEST = Oracle(
    "LiquidJS",
    ["node", str(HERE / "js" / "serve_liquidjs.js")],
    HERE / "js",
    [HERE / "js" / "node_modules" / "liquidjs" / "package.json"],
)
