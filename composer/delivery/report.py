"""Reports of a bulk run for a CI system: JUnit XML and JSON.

``--report junit:PATH`` and ``--report json:PATH`` (repeatable) name the reports a run
writes. Decisions:

* **JUnit.** The shape Jenkins, GitLab, GitHub test reporters and ``junitparser`` read::

    <testsuites name="webhook-composer" tests= failures= errors="0" skipped= time=>
      <testsuite name=REQUEST tests= failures= errors="0" skipped= time= timestamp=>
        <testcase classname="webhook-composer.REQUEST" name="person ID" time=>
          <failure type=OUTCOME message="one line: status, error, METHOD URL">
            the masked request, every attempt, the start of the last response
          </failure>

  One test case per person. A final failure, a request that does not render, a
  delivery still waiting for a retry, a cancelled or a stopped one is a ``failure``
  (its ``type`` is the outcome); a draft waiting for approval is ``skipped``; there are
  no ``error`` elements (``errors="0"``), since every problem is about the webhook, not
  about the runner. ``time`` is the time spent on the wire, in seconds.
* **JSON** is :meth:`composer.delivery.runner.RunResult.to_dict`: the request, when, the counts
  and every person with the masked request, attempts, status, error and attribute updates.
* **Safe to read while written.** Each report goes to a temporary file beside its path
  and is renamed over it, so a CI step never reads half a report; a folder that does
  not exist is created. Text that XML 1.0 cannot carry (control characters from a
  hostile response) is written as ``\\xNN`` escapes. Secrets are masked in everything a
  report holds, as in the outbox.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from composer.delivery.runner import PersonResult, RunResult
from composer.errors import InvalidFileError
from composer.wording import counted

__all__ = ["FORMATS", "ReportSpec", "junit_xml", "parse_spec", "write_reports"]

FORMATS = ("junit", "json")
"""The report formats ``--report FORMAT:PATH`` takes."""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BODY_SHOWN = 4096


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """One ``--report`` option: a format and where to write it."""

    format: str
    """``junit`` or ``json``."""
    path: Path
    """The file to write."""


def parse_spec(text: str) -> ReportSpec:
    """``junit:PATH`` or ``json:PATH``; raises ValueError with a plain message."""
    kind, sep, path = text.partition(":")
    if not sep or kind not in FORMATS or not path:
        raise ValueError(f"expected junit:PATH or json:PATH, got {text!r}")
    return ReportSpec(kind, Path(path))


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: repr(m.group())[1:-1], text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _message(result: PersonResult) -> str:
    parts = [result.outcome.replace("_", " ")]
    if result.status is not None:
        parts.append(f"HTTP {result.status}")
    if result.attempts:
        n = len(result.attempts)
        parts.append(f"after {counted(n, 'attempt')}")
    if result.error:
        parts.append(result.error)
    if result.request:
        parts.append(f"{result.request['method']} {result.request['url']}")
    return _xml_text(_one_line(", ".join(parts)))[:2000]


def _details(result: PersonResult) -> str:
    lines: list[str] = []
    if result.request:
        lines.append(f"{result.request['method']} {result.request['url']}")
        lines += [f"{name}: {value}" for name, value in result.request["headers"]]
        body = result.request["body"]
        lines += ["", body[:_BODY_SHOWN] + ("…" if len(body) > _BODY_SHOWN else ""), ""]
    for attempt in result.attempts:
        what = f"HTTP {attempt['status']}" if attempt["status"] is not None else attempt["error"]
        took = "" if attempt["elapsed_ms"] is None else f" in {attempt['elapsed_ms']:.0f} ms"
        lines.append(f"attempt {attempt['n']}: {what}{took}")
    if result.error:
        lines.append(result.error)
    if result.response_body:
        lines += ["", f"response body (start): {result.response_body}"]
    return _xml_text("\n".join(lines))


def junit_xml(run: RunResult) -> bytes:
    """The run as a JUnit XML document (UTF-8)."""
    counts = run.counts()
    skipped = counts["draft"]
    failures = sum(1 for r in run.results if not r.ok)
    total = f"{run.seconds:.3f}"
    name = _xml_text(run.request_name)
    root = ET.Element(
        "testsuites",
        name="webhook-composer",
        tests=str(len(run.results)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        time=total,
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        name=name + (" (dry run)" if run.dry_run else ""),
        tests=str(len(run.results)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        time=total,
        timestamp=_timestamp(run.started_at),
    )
    for result in run.results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"webhook-composer.{name}",
            name=f"person {_xml_text(result.person_id)}",
            time=f"{result.seconds:.3f}",
        )
        if result.outcome == "draft":
            ET.SubElement(case, "skipped", message="a draft: nothing is sent until it is approved")
        elif not result.ok:
            failure = ET.SubElement(case, "failure", type=result.outcome, message=_message(result))
            failure.text = _details(result)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _timestamp(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InvalidFileError(str(path), f"cannot be written ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InvalidFileError(str(path), f"cannot be written ({exc.strerror})") from None


def write_reports(run: RunResult, specs: list[ReportSpec]) -> None:
    """Write each report (temporary file, then rename)."""
    for spec in specs:
        if spec.format == "junit":
            data = junit_xml(run)
        else:
            text = json.dumps(run.to_dict(), ensure_ascii=False, indent=2) + "\n"
            data = text.encode("utf-8", errors="backslashreplace")
        _write_atomically(spec.path, data)
