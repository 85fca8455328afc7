"""The runner's JUnit report, read by a JUnit parser as a CI server reads it.

``deliver --report junit:PATH`` against a real loopback server, and the file read back
with junitparser (the parser CI tools in Python use): one case per person, a failure for
the one whose endpoint refused, the counts in the suite, the request masked.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from junitparser import Failure, JUnitXml
from servers import FaultServer, Received, Reply

from composer.model import Person, Request
from composer.store.database import Database
from composer.store.seed import open_workspace


def test_a_junit_parser_reads_the_report(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    data, junit = tmp_path / "data", tmp_path / "ci" / "junit.xml"

    def answer(received: Received) -> Reply:
        person = json.loads(received.body)["id"]
        return Reply(422, body=b"no such plan") if person == "bad" else Reply.json({"id": 1})

    Database(data / "workspace.sqlite3").close()  # an empty workspace, not the sample
    with FaultServer([answer]) as server:
        with open_workspace(data) as db:
            db.requests.save(
                Request(
                    "Sync",
                    server.url + "/sync",
                    body='{"id": "{{ customer.id }}"}',
                )
            )
            db.people.upsert_many(
                (Person(i, f"{i}@team.test", {}), None) for i in ("ok", "bad", "ok2")
            )
        done = subprocess.run(
            [python, "-m", "composer", "--data-dir", str(data), "deliver", "Sync", "--all",
             "--yes", "--report", f"junit:{junit}"],
            env=cli_env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    xml = JUnitXml.fromfile(str(junit))
    suites = list(xml) if isinstance(xml, JUnitXml) else [xml]
    [suite] = suites
    assert (suite.tests, suite.failures, suite.errors) == (3, 1, 0)
    results = {case.name: case.result for case in suite}
    assert set(results) == {"person ok", "person bad", "person ok2"}
    assert results["person ok"] == [] and results["person ok2"] == []
    [failure] = results["person bad"]
    assert isinstance(failure, Failure)
    assert "HTTP 422" in (failure.message or "")
    assert "no such plan" in (failure.text or "")
