"""``make screenshots``: regenerate the README's pictures of every page.

Builds a throw-away workspace from the samples, adds a request aimed at a local inbox
(for latest Liquid, which liquid-versions.png compares with legacy) and delivers it for
two people — one answered 503 then 200 (a retry, then a success
whose response sets an attribute), one left waiting for its retry — so the outbox has
real deliveries to show; then runs ``webhook-composer --screenshots``. Nothing leaves
this computer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from composer.inbox.server import Inbox, Reply  # noqa: E402

JSON = [("Content-Type", "application/json")]


def cli(data_dir: Path, *args: str, check: bool = True) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    subprocess.run(
        [sys.executable, "-m", "ui.main", "--data-dir", str(data_dir), *args],
        env=env,
        check=check,
        stdout=subprocess.DEVNULL,
        timeout=120,
    )


def _waiting_retry(data_dir: Path) -> bool:
    listing = subprocess.run(
        [
            sys.executable,
            "-m",
            "composer",
            "--data-dir",
            str(data_dir),
            "deliveries",
            "list",
            "--json",
        ],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        check=True,
    )
    return any(d["state"] == "waiting_retry" for d in json.loads(listing.stdout))


def main(out: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp, Inbox() as inbox:
        data_dir = Path(tmp)
        request = {
            "name": "Local inbox: lead created",
            "method": "POST",
            "url": f"{inbox.url}/leads?source=customer-io",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "body": (
                '{\n  "email": {{ customer.email | json }},\n'
                '  "name": {{ customer.first_name | append: " " | append: customer.last_name'
                " | json }},\n"
                '  "plan": {{ customer.plan | default: "free" | json }}\n}'
            ),
            "response_mappings": [{"attribute": "crm_lead_id", "value": "{{ response.id }}"}],
            "count_conversions": False,
            "send_mode": "automatic",
            # latest, as every account since Nov 2023: liquid-versions.png shows what
            # legacy (no `default` filter) would send instead
            "liquid_version": "latest",
        }
        request_file = data_dir / "inbox-request.json"
        request_file.write_text(json.dumps(request), encoding="utf-8")
        cli(data_dir, "requests", "import", str(request_file))
        inbox.queue(
            [
                Reply(503, JSON, b'{"error": "warming up"}'),
                Reply(200, JSON, b'{"id": "lead_8f2c", "status": "created"}'),
            ]
        )
        cli(data_dir, "deliver", request["name"], "--person", "3003", "--backoff-base", "0.2")
        # A delivery left waiting for its retry: stop the sender once the first attempt
        # is recorded, as closing the app would; the outbox keeps it.
        inbox.set_reply(Reply(429, [*JSON, ("Retry-After", "600")], b'{"error": "slow down"}'))
        waiting = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "composer",
                "--data-dir",
                str(data_dir),
                "deliver",
                request["name"],
                "--person",
                "1001",
            ],
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            stdout=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not _waiting_retry(data_dir):
                time.sleep(0.1)
        finally:
            waiting.terminate()
            waiting.wait(10)
        out.mkdir(parents=True, exist_ok=True)
        cli(data_dir, "--screenshots", str(out))
    for picture in sorted(out.glob("*.png")):
        print(picture.relative_to(ROOT) if picture.is_relative_to(ROOT) else picture)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
