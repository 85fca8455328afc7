"""Render for every person, against the sample workspace in a real SQLite file."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.check.sweep import check_request, normalise
from composer.model import Event, Header, Person, Request, context_for
from composer.rendering.render import MASK, render
from composer.store.database import Database
from composer.store.seed import load_recipes, open_workspace

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
SECRETS = ["close_api_key", "zendesk_email", "zendesk_api_token", "trello_api_key"]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with open_workspace(tmp_path / "data") as database:
        yield database


def _events(db: Database) -> dict[str, list[Event]]:
    return {p.id: [e.event for e in db.people.events(p.id)] for p in db.people.list()}


def _json_body(value: str) -> Request:
    return Request(
        "quote test",
        "https://example.com/hook",
        headers=(Header("Content-Type", "application/json"),),
        body='{"id": "{{ customer.id }}", "name": ' + value + "}",
    )


def test_a_quote_in_a_name_fails_without_json_and_nobody_fails_with_it(db: Database) -> None:
    events = _events(db)
    people = db.people.list()
    raw = check_request(_json_body('"{{ customer.name }}"'), people, events.__getitem__)
    assert [r.person_id for r in raw.failed] == ["3003"]
    [group] = [g for g in raw.groups if g.severity == "error"]
    assert group.where == "body"
    assert "not valid JSON" in group.message and "| json" in group.message
    assert not raw.uses_event
    assert (raw.people, raw.renderings) == (len(people), len(people))
    fixed = check_request(_json_body("{{ customer.name | json }}"), people, events.__getitem__)
    # In latest Liquid | json of a missing value writes nothing: Sam (5005) has no name.
    assert [r.person_id for r in fixed.failed] == ["5005"]
    assert "wrote nothing" in fixed.failed[0].diagnostics[-1].message
    legacy = dataclasses.replace(_json_body("{{ customer.name | json }}"), liquid_version="legacy")
    in_legacy = check_request(legacy, people, events.__getitem__)  # there it writes null
    assert in_legacy.failed == ()
    assert [r.person_id for r in in_legacy.results] == ["5005"]  # has no name: a warning
    guarded = _json_body('{{ customer.name | json | default: "null" }}')
    assert check_request(guarded, people, events.__getitem__).results == ()


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("recipe", load_recipes(), ids=lambda r: r.name[:24])
def test_every_finding_is_exactly_what_a_full_render_says(
    db: Database, recipe: Request, workers: int
) -> None:
    events = _events(db)
    people = db.people.list() * 3  # a generator below: the size is unknown, so workers run
    report = check_request(
        recipe, (p for p in people), events.__getitem__, SECRETS, workers=workers, now=NOW
    )
    secrets = {name: MASK for name in SECRETS}
    expected = []
    for person in people:
        chosen = events[person.id] if report.uses_event else []
        for index, event in enumerate(chosen or [None]):
            rendered = render(recipe, context_for(person, event), secrets=secrets, now=NOW)
            if rendered.diagnostics:
                slot = index if event is not None else None
                expected.append((person.id, slot, rendered.diagnostics))
    got = [(r.person_id, r.event_index, r.diagnostics) for r in report.results]
    assert got == expected
    if report.uses_event:
        assert report.renderings == sum(len(events[p.id]) or 1 for p in people)
    else:
        assert report.renderings == len(people)


@pytest.mark.parametrize(
    ("body", "uses_event"),
    [
        ('{"reason": {{ event.reason | json }}}', True),
        ('{"name": {{ event_name | json }}}', True),
        ("{% if event %}x{% endif %}", True),
        ('{"id": {{ customer.id | json }}}', False),
        ("{{ customer.events_count }} {{ eventual }}", False),
        ("{% if x %}{{ event.a }", True),  # does not parse: the regex decides
    ],
)
def test_the_event_is_detected_by_analysis(db: Database, body: str, uses_event: bool) -> None:
    events = _events(db)
    people = db.people.list()
    report = check_request(Request("e", "https://e.com/", body=body), people, events.__getitem__)
    assert report.uses_event is uses_event
    expected = sum(len(events[p.id]) or 1 for p in people) if uses_event else len(people)
    assert report.renderings == expected


def test_events_are_rendered_one_by_one_and_people_without_events_once() -> None:
    people = [Person("a", "a@x", {}), Person("b", "b@x", {}), Person("c", "c@x", {})]
    events = {
        "a": [Event("signup", {"plan": "pro"}), Event("cancel", {"plan": 'say "hi"'})],
        "b": [],
        "c": [Event("signup", {})],
    }
    request = Request("ev", "https://e.com/", body='{"plan": "{{ event.plan }}"}')
    report = check_request(request, people, events.__getitem__)
    assert report.renderings == 4
    shape = [(r.person_id, r.event_index, r.event_name, r.failed) for r in report.results]
    assert shape == [("a", 1, "cancel", True), ("b", None, None, False), ("c", 0, "signup", False)]
    assert report.to_json()[0]["event"] == "cancel"
    assert report.to_json()[1]["event"] is None
    assert list(report.to_json()[0]) == ["person", "event", "diagnostics"]


@pytest.mark.parametrize("workers", [1, 2])
def test_events_read_many_at_a_time_give_the_same_report(db: Database, workers: int) -> None:
    recipe = next(r for r in load_recipes() if r.name.startswith("Zendesk"))
    events = _events(db)
    people = db.people.list() * 150  # more than one batch of people, and enough for workers
    asked: list[int] = []

    def many(ids: list[str]) -> dict[str, list[Event]]:
        asked.append(len(ids))
        return db.people.events_by_person(ids)

    one_by_one = check_request(
        recipe, people, events.__getitem__, SECRETS, workers=workers, now=NOW
    )
    batched = check_request(
        recipe, people, events.__getitem__, SECRETS, events_for_many=many, workers=workers, now=NOW
    )
    assert batched.uses_event
    assert batched.results == one_by_one.results
    assert (
        batched.renderings == one_by_one.renderings == sum(len(events[p.id]) or 1 for p in people)
    )
    assert sum(asked) == len(people) and len(asked) > 1 and max(asked) <= 200


def test_people_with_the_same_values_share_a_rendering_but_are_each_listed() -> None:
    same = {"name": 'A "quoted" name'}
    people = [Person(str(i), f"{i}@x", dict(same)) for i in range(50)]
    people.append(Person("other", "o@x", {"name": "fine"}))
    report = check_request(
        Request("d", "https://e.com/", body='{"n": "{{ customer.name }}"}'), people, lambda _: []
    )
    assert [r.person_id for r in report.failed] == [str(i) for i in range(50)]
    assert [len(g.results) for g in report.groups] == [50]
    assert list(report.to_json()[0]) == ["person", "diagnostics"]


@pytest.mark.parametrize("workers", [1, 2])
def test_after_many_different_people_the_rest_are_rendered_each_on_their_own(
    workers: int,
) -> None:
    people = [Person(str(i), f"{i}@x", {"name": f"person {i}"}) for i in range(1100)]
    people += [Person(f"q{i}", f"q{i}@x", {"name": 'a "quote"'}) for i in range(20)]
    people += [Person(f"r{i}", f"r{i}@x", {"name": "fine"}) for i in range(20)]
    request = Request("k", "https://e.com/", body='{"n": "{{ customer.name }}"}')
    report = check_request(request, people, lambda _: [], workers=workers)
    assert report.renderings == len(people)
    assert [r.person_id for r in report.failed] == [f"q{i}" for i in range(20)]
    assert len({r.diagnostics for r in report.failed}) == 1


def test_hashes_in_another_order_are_rendered_apart() -> None:
    people = [Person("1", "1@x", {"a": None, "b": "y"}), Person("1", "1@x", {"b": "y", "a": None})]
    request = Request(
        "h",
        "https://e.com/",
        headers=(Header("Content-Type", "application/json"),),
        body='{"c": {{ customer | replace: "=>", ":" }}}',
        liquid_version="legacy",  # the hash trick is legacy's
    )
    report = check_request(request, people, lambda _: [], now=NOW)
    secrets: dict[str, str] = {}
    assert len(report.failed) == 2  # 'nil' is not JSON
    for result, person in zip(report.results, people, strict=True):
        rendered = render(request, context_for(person, None), secrets=secrets, now=NOW)
        assert result.diagnostics == rendered.diagnostics
    assert report.results[0].diagnostics != report.results[1].diagnostics


def test_groups_put_errors_first_and_merge_person_specific_positions() -> None:
    people = [
        Person("1", "1@x", {"name": 'a "b" c'}),
        Person("2", "2@x", {"name": 'a much longer name with a quote " in it'}),
        Person("3", "3@x", {}),
        Person("4", "4@x", {}),
    ]
    request = Request("g", "https://e.com/", body='{"n": "{{ customer.name }}", "k": 1}')
    report = check_request(request, people, lambda _: [])
    first, second = report.groups
    assert first.severity == "error"
    assert [r.person_id for r in first.results] == ["1", "2"]
    assert "rendered line …, column …" in first.message
    assert second.severity == "warning"
    assert [r.person_id for r in second.results] == ["3", "4"]
    assert str(first).startswith("2 renderings: body:1:")


@pytest.mark.parametrize(
    ("message", "normal"),
    [
        ("JSON: x at rendered line 3, column 17 (in", "JSON: x at rendered line …, column … (in"),
        ("form field 'abc&d' has no '='", "form field … has no '='"),
        ("customer.address_1 is not set", "customer.address_1 is not set"),
    ],
)  # fmt: skip
def test_normalise(message: str, normal: str) -> None:
    assert normalise(message) == normal


def test_progress_and_cancel() -> None:
    people = [Person(str(i), f"{i}@x", {"name": str(i)}) for i in range(1000)]
    calls: list[tuple[int, int | None]] = []
    report = check_request(
        Request("p", "https://e.com/", body="{{ customer.name }}"),
        people,
        lambda _: [],
        progress=lambda done, total: calls.append((done, total)),
        workers=1,
    )
    assert calls[-1] == (1000, 1000)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert len(calls) >= 5
    assert not report.cancelled

    seen: list[int] = []
    stopped = check_request(
        Request("p", "https://e.com/", body="{{ customer.name }}"),
        iter(people),
        lambda _: [],
        progress=lambda done, total: seen.append(done),
        cancelled=lambda: len(seen) >= 2,
        workers=2,
    )
    assert stopped.cancelled
    assert stopped.people < 1000


def test_cancel_while_workers_finish_reports_only_what_was_rendered() -> None:
    people = [Person(str(i), f"{i}@x", {"name": f'"{i}'}) for i in range(3000)]
    seen: list[int] = []
    report = check_request(
        Request("p", "https://e.com/", body='{"n": "{{ customer.name }}"}'),
        people,
        lambda _: [],
        progress=lambda done, total: seen.append(done),
        cancelled=lambda: any(seen),
        workers=2,
    )
    assert report.cancelled
    assert 0 < report.people < 3000
    assert report.renderings == report.people
    assert [r.person_id for r in report.failed] == [str(i) for i in range(report.people)]


def test_a_missing_secret_is_an_error_for_everybody(db: Database) -> None:
    request = Request(
        "s",
        "https://example.com/?k={{ secrets.api_key }}",
        body='{"id": {{ customer.id | json }}}',
    )
    people = db.people.list()
    missing = check_request(request, people, lambda _: [])
    assert len(missing.failed) == len(people)
    assert "api_key" in missing.groups[0].message
    present = check_request(request, people, lambda _: [], ["api_key"])
    assert present.failed == ()
