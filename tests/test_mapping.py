"""Response mappings: values, types, all-or-nothing errors, and applying them to a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from composer.delivery.mapping import apply_updates, evaluate, response_value, typed_value
from composer.errors import NotFoundError
from composer.model import Person, ResponseMapping
from composer.store.database import Database


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 42\n", 42),
        ("-1.5", -1.5),
        ("1e3", 1000.0),
        ("true", True),
        ("false", False),
        ("null", "null"),
        ("007", "007"),
        ("abc", "abc"),
        ("[1, 2]", "[1, 2]"),
        ('{"a": 1}', '{"a": 1}'),
        ('"quoted"', '"quoted"'),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("1e400", "1e400"),
        ("", ""),
        (" padded text ", " padded text "),
    ],
)
def test_typed_value(text: str, expected: Any) -> None:
    value = typed_value(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"id": 7}', {"id": 7}),
        (b"[1, 2]", [1, 2]),
        (b"plain text", "plain text"),
        (b"", ""),
        (b"\xff ok", "\ufffd ok"),
    ],
)
def test_response_value(body: bytes, expected: Any) -> None:
    assert response_value(body) == expected


CONTEXT = {
    "customer": {"id": "c1", "email": "c@example.com", "visits": 3},
    "event": {"plan": "pro"},
    "event_name": "upgrade",
}


@pytest.mark.parametrize(
    ("value", "body", "expected"),
    [
        ("{{ response.id }}", b'{"id": "abc"}', "abc"),
        ("{{ response.id }}", b'{"id": 12}', 12),
        ("{{ response.ok }}", b'{"ok": true}', True),
        ("{{ response }}", b"not json", "not json"),
        ("{{ response.user.score | times: 2 }}", b'{"user": {"score": 1.25}}', 2.5),
        ("{{ customer.visits | plus: 1 }}", b"{}", 4),
        ("{{ event.plan }}-{{ event_name }}", b"{}", "pro-upgrade"),
        ("{{ response.missing }}", b"{}", ""),
    ],
)
def test_evaluate_values(value: str, body: bytes, expected: Any) -> None:
    outcome = evaluate((ResponseMapping("attr", value),), body, CONTEXT)
    assert outcome.error is None
    assert outcome.updates == {"attr": expected}
    assert type(outcome.updates["attr"]) is type(expected)


@pytest.mark.parametrize(
    ("mappings", "fragment"),
    [
        (
            (
                ResponseMapping("a", "{{ response.id }}"),
                ResponseMapping("b", "{{ 1 | date: '%Y', 'No/Zone' }}"),
            ),
            "'b' (response_mappings[1])",
        ),
        ((ResponseMapping("a", "{% if %}"),), "'a' (response_mappings[0])"),
        ((ResponseMapping("id", "{{ response.id }}"),), "id never changes"),
    ],
)
def test_a_failing_mapping_changes_nothing(
    mappings: tuple[ResponseMapping, ...], fragment: str
) -> None:
    outcome = evaluate(mappings, b'{"id": 1}', CONTEXT)
    assert outcome.updates == {}
    assert outcome.error is not None
    assert fragment in outcome.error


def test_secrets_are_not_available_to_mappings() -> None:
    context = {**CONTEXT, "secrets": {"token": "s3cret"}}
    outcome = evaluate((ResponseMapping("copy", "{{ secrets.token }}"),), b"{}", context)
    assert "s3cret" not in str(outcome.updates)


def test_apply_updates(tmp_path: Path) -> None:
    with Database(tmp_path / "w.sqlite3") as db:
        db.people.create(Person("p1", "old@example.com", {"name": "Ann", "score": 1}))
        with db.transaction():
            apply_updates(db, "p1", {"score": 2, "email": "new@example.com", "tag": "x"})
        assert db.people.get("p1") == Person(
            "p1", "new@example.com", {"name": "Ann", "score": 2, "tag": "x"}
        )
        with pytest.raises(NotFoundError, match="no longer in the workspace"):
            apply_updates(db, "gone", {"a": 1})


@pytest.mark.parametrize(("version", "expected"), [("legacy", 2), ("latest", 2.5)])
def test_mappings_render_with_the_requests_liquid_version(version: str, expected: Any) -> None:
    """Ruby divides integers to an integer; JavaScript has one kind of number."""
    mapping = ResponseMapping("half", "{{ response.price | divided_by: 2 }}")
    outcome = evaluate([mapping], b'{"price": 5}', {}, version=version)  # type: ignore[arg-type]
    assert outcome.updates == {"half": expected}
