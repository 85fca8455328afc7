"""Customer.io's two Liquid versions through the whole request pipeline.

The engines themselves are compared with the real ones in ``tests/liquid``; these tests
are about what the rest of the program does with two versions: which one a request
renders with, the warning that shows what the other version would send, the words for a
filter one version lacks, ``upgrade-check``, and Customer.io's documented idioms
rendered as Customer.io documents them in both versions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.check.upgrade import upgrade_check
from composer.liquid import engine
from composer.model import Event, Header, Person, Request
from composer.rendering.render import render, render_both
from composer.store.database import Database
from composer.store.seed import open_workspace

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _request(body: str, version: str | None = None, **changes: object) -> Request:
    request = Request(
        "versions",
        "https://example.com/hook",
        headers=(Header("Content-Type", "text/plain"),),
        body=body,
        liquid_version=version,  # type: ignore[arg-type]
    )
    return dataclasses.replace(request, **changes)  # type: ignore[arg-type]


def _body(body: str, version: str, context: dict[str, object] | None = None) -> str:
    return render(_request(body, version), context or {}, now=NOW).body


@pytest.mark.parametrize("version", ["latest", "legacy"])
@pytest.mark.parametrize(
    ("customer", "greeting"),
    [
        ({"first_name": "Ada"}, "Hello Ada!"),
        ({}, "Hello there!"),
        ({"first_name": None}, "Hello there!"),
        ({"first_name": ""}, "Hello there!"),
    ],
)
def test_customerio_blank_idiom_greets_everyone(
    version: str, customer: dict[str, object], greeting: str
) -> None:
    """Customer.io's own idiom (its "Using Liquid" page) greets people without a name."""
    template = (
        "{% if customer.first_name != blank %}Hello {{ customer.first_name }}!"
        "{% else %}Hello there!{% endif %}"
    )
    assert _body(template, version, {"customer": customer}) == greeting


@pytest.mark.parametrize(
    ("template", "context", "latest", "legacy"),
    [
        ("{{ 2.0 | times: 3 }}", {}, "6", "6.0"),
        ("{{ 10 | divided_by: 4.0 }}", {}, "2.5", "2.5"),
        (
            "{{ customer.address }}",
            {"customer": {"address": {"city": "Oslo", "zip": None}}},
            "[object Object]",
            '{"city"=>"Oslo", "zip"=>nil}',
        ),
        ("{{ 'hello' | first }}", {}, "h", "h"),
        ("{{ '-1' | date: '%Y' }}", {}, "2001", "-1"),  # V8 reads "-1" as a year
        ("{{ customer.tags }}", {"customer": {"tags": ["a", "b"]}}, "ab", "ab"),
    ],
)
def test_each_version_writes_what_its_engine_writes(
    template: str, context: dict[str, object], latest: str, legacy: str
) -> None:
    assert _body(template, "latest", context) == latest
    assert _body(template, "legacy", context) == legacy


def test_a_request_without_a_version_renders_with_latest() -> None:
    rendered = render(_request("{{ 2.0 | times: 3 }}"), {})
    assert (rendered.liquid_version, rendered.body) == ("latest", "6")
    override = render(_request("{{ 2.0 | times: 3 }}", "latest"), {}, liquid="legacy")
    assert (override.liquid_version, override.body) == ("legacy", "6.0")
    assert render(_request("x", "legacy"), {}).to_dict()["liquid_version"] == "legacy"


def test_compare_warns_with_the_other_versions_bytes_at_the_first_difference() -> None:
    body = "Total: {{ customer.n | times: 1.5 }} EUR\n{{ 'same' }}"
    request = _request(body, "latest")
    rendered = render(request, {"customer": {"n": 4}}, compare=True)
    [warning] = [d for d in rendered.diagnostics if "Liquid this renders" in d.message]
    assert warning.severity == "warning"
    assert (warning.where, warning.line, warning.column) == ("body", 1, 8)
    assert warning.message == (
        'in legacy Liquid this renders "Total: 6.0 EUR\\nsame" where latest renders '
        '"Total: 6 EUR\\nsame"'
    )
    same = render(request, {"customer": {"n": 3}}, compare=True)  # 4.5 in both
    assert not [d for d in same.diagnostics if "Liquid this renders" in d.message]
    assert render(request, {"customer": {"n": 4}}).diagnostics == ()  # only when asked


def test_compare_says_when_the_other_version_cannot_render_it() -> None:
    request = _request("{%- if true -%} yes {%- endif -%}", "latest")
    both = render_both(request, {})
    assert both.rendered.body == "yes"
    [warning] = both.differences
    assert warning.message.startswith("in legacy Liquid this does not render: ")
    assert "Liquid syntax error" in warning.message


def test_a_filter_one_version_lacks_passes_through_with_a_warning() -> None:
    legacy = render(_request("{{ customer.name | default: 'friend' }}", "legacy"), {})
    assert legacy.body == ""
    [warning] = legacy.diagnostics
    assert (warning.severity, warning.line, warning.column) == ("warning", 1, 20)  # at the filter
    assert warning.message == (
        "legacy Liquid has no filter 'default', so the value passes through unchanged "
        "(latest Liquid has it)"
    )
    latest = render(_request("{{ 'x' | frobnicate }}", "latest"), {})
    assert latest.body == "x"
    assert latest.diagnostics[0].message.endswith("(legacy Liquid has no such filter either)")
    assert "default" in engine("latest").filter_names()
    assert "default" not in engine("legacy").filter_names()


# -- upgrade-check --------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with open_workspace(tmp_path / "data") as database:
        yield database


def _people(scores: list[object]) -> list[Person]:
    return [Person(str(i), f"p{i}@example.com", {"score": s}) for i, s in enumerate(scores)]


def test_upgrade_check_groups_the_people_whose_bytes_change() -> None:
    request = _request(
        'score={{ customer.score | times: 1 }}\n{% if customer.vip %}{{ "VIP" }}{% endif %}',
        "legacy",
    )
    people = _people([1, 2.0, "3", 4.5, 7.0, None])
    report = upgrade_check(request, people, lambda _: [], now=NOW)
    assert (report.source, report.target) == ("legacy", "latest")
    assert (report.people, report.renderings) == (6, 6)
    [group] = report.groups  # 2.0 and 7.0 are written "2.0" and "7.0" by Ruby only
    assert (group.where, group.line, group.column) == ("body", 1, 7)
    assert [person for person, _ in group.people] == ["1", "4"]
    assert group.example.startswith('in latest Liquid this renders "score=2')
    assert report.different == 2
    data = report.to_json()
    assert data["groups"][0]["people"] == [
        {"person": "1", "event": None},
        {"person": "4", "event": None},
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_upgrade_check_of_many_people_in_worker_processes(workers: int) -> None:
    request = _request("{{ customer.score | divided_by: 2 }}", "legacy")
    people = _people([float(n) if n % 3 == 0 else n for n in range(1500)])
    report = upgrade_check(request, people, lambda _: [], workers=workers, now=NOW)
    assert report.renderings == 1500
    # Ruby divides integers to an integer (5 / 2 is 2) and writes a whole Float as "3.0";
    # JavaScript has one kind of number: 2.5, and 3. So odd integers and even floats change.
    changed = {person for group in report.groups for person, _ in group.people}
    expected = {str(n) for n in range(1500) if (n % 2 == 1) == (n % 3 != 0)}
    assert changed == expected


def test_upgrade_check_renders_each_event_when_a_template_uses_one() -> None:
    request = _request("{{ event.amount | times: 1.0 }}", "legacy")
    people = [Person("1", "a@example.com"), Person("2", "b@example.com")]
    events = {
        "1": [Event("paid", {"amount": 3}, 1), Event("paid", {"amount": 2.5}, 2)],
        "2": [],
    }
    report = upgrade_check(request, people, events.__getitem__, now=NOW)
    assert report.renderings == 3
    [group] = report.groups  # 3 × 1.0 is "3.0" in Ruby; nothing × 1.0 is "0.0"
    assert group.people == (("1", "paid"), ("2", None))


def _run(python: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "composer", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def test_upgrade_check_command(python: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    changes = _request("{{ customer.NPS_rating | times: 1.0 }}", "legacy", name="Scores")
    steady = _request("{{ customer.email }}", "legacy", name="Emails")
    for request in (changes, steady):
        path = tmp_path / f"{request.name}.json"
        request.save(path)
        done = _run(python, cli_env, "--data-dir", str(data), "requests", "import", str(path))
        assert done.returncode == 0, done.stderr
    found = _run(python, cli_env, "--data-dir", str(data), "upgrade-check", "Scores", "--json")
    assert found.returncode == 1, found.stderr
    report = json.loads(found.stdout)
    assert (report["request"], report["from"], report["to"]) == ("Scores", "legacy", "latest")
    assert report["different"] >= 1 and report["groups"][0]["where"] == "body"
    text = _run(python, cli_env, "--data-dir", str(data), "upgrade-check", "Scores")
    assert text.returncode == 1 and "rendering" in text.stdout
    assert "from legacy to latest" in text.stderr
    same = _run(python, cli_env, "--data-dir", str(data), "upgrade-check", "Emails", "--json")
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["groups"] == []
    missing = _run(python, cli_env, "--data-dir", str(data), "upgrade-check", "Nope")
    assert missing.returncode == 2 and len(missing.stderr.splitlines()) == 1


def test_render_command_takes_liquid_and_compare(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "r.json"
    _request("{{ 2.0 | times: 3 }}").save(path)
    plain = json.loads(_run(python, cli_env, "render", str(path), "--json").stdout)
    assert (plain["liquid_version"], plain["body"], plain["diagnostics"]) == ("latest", "6", [])
    legacy = json.loads(
        _run(python, cli_env, "render", str(path), "--json", "--liquid", "legacy").stdout
    )
    assert (legacy["liquid_version"], legacy["body"]) == ("legacy", "6.0")
    compared = _run(python, cli_env, "render", str(path), "--compare")
    assert compared.returncode == 0
    assert 'in legacy Liquid this renders "6.0" where latest renders "6"' in compared.stderr
    bad = _run(python, cli_env, "render", str(path), "--liquid", "5.4")
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1
