"""The request file: loading, validation messages, byte-stable saving."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer.errors import InvalidFileError
from composer.model import Event, Header, Person, Request, context_for, parse_context

GOOD = {
    "name": "Create a card",
    "method": "POST",
    "url": "https://api.example.com/cards?key={{ secrets.key }}",
    "headers": [{"name": "Content-Type", "value": "application/json"}],
    "body": '{"name": "Call {{ customer.name }}"}',
    "response_mappings": [{"attribute": "card_id", "value": "{{ response.id }}"}],
    "count_conversions": False,
    "send_mode": "automatic",
    "liquid_version": "latest",
}


def test_round_trip_is_byte_stable(tmp_path: Path) -> None:
    text = json.dumps(GOOD, indent=2, ensure_ascii=False) + "\n"
    request = Request.from_json(text)
    assert request.to_json() == text
    path = tmp_path / "r.json"
    request.save(path)
    assert path.read_text(encoding="utf-8") == text
    assert Request.from_file(path) == request


def test_defaults_follow_customer_io() -> None:
    request = Request.from_dict({"name": "n", "url": "https://x"})
    assert request.method == "POST"
    assert request.headers == (Header("Content-Type", "application/json"),)
    assert request.send_mode == "automatic"
    assert request.count_conversions is False
    assert request.body == ""
    assert request.liquid_version is None  # the workspace's default applies


@pytest.mark.parametrize("version", ["latest", "legacy"])
def test_liquid_version_round_trips(version: str) -> None:
    request = Request.from_dict({"name": "n", "url": "https://x", "liquid_version": version})
    assert request.liquid_version == version
    assert f'"liquid_version": "{version}"' in request.to_json()
    assert "liquid_version" not in Request(name="n", url="https://x").to_json()


def test_non_ascii_is_kept_and_idempotency_key_written_only_when_on() -> None:
    request = Request(name="Zoë", url="https://x", idempotency_key=True)
    text = request.to_json()
    assert '"Zoë"' in text
    assert '"idempotency_key": true' in text
    assert "idempotency_key" not in Request(name="n", url="https://x").to_json()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"method": "FETCH"}, "method: unknown method 'FETCH'"),
        ({"method": 1}, "method: expected a string, got a number"),
        ({"url": None}, "url: expected a string, got null"),
        ({"headers": {}}, "headers: expected an array, got an object"),
        ({"headers": [{"name": "A"}]}, "headers[0].value: missing required field"),
        ({"headers": [{"name": "", "value": "v"}]}, "headers[0].name: must not be empty"),
        ({"headers": [{"name": "A", "value": 2}]}, "headers[0].value: expected a string"),
        (
            {"response_mappings": [{"attribute": "a", "value": "v", "x": 1}]},
            "response_mappings[0].x: unknown field",
        ),
        ({"count_conversions": "yes"}, "count_conversions: expected true or false"),
        ({"send_mode": "later"}, "send_mode: must be 'automatic' or 'draft'"),
        ({"liquid_version": "5.4"}, "liquid_version: must be 'latest' or 'legacy', not '5.4'"),
        ({"liquid_version": None}, "liquid_version: expected a string, got null"),
        ({"nmae": "typo"}, "nmae: unknown field"),
        ({"name": "  "}, "name: must not be empty"),
    ],
)
def test_validation_names_the_field(change: dict[str, object], expected: str) -> None:
    data = {**GOOD, **change}
    with pytest.raises(InvalidFileError) as info:
        Request.from_dict(data, "req.json")
    assert str(info.value).startswith("req.json: ")
    assert expected in str(info.value)


@pytest.mark.parametrize("missing", ["name", "url"])
def test_missing_required_field(missing: str) -> None:
    data = {k: v for k, v in GOOD.items() if k != missing}
    with pytest.raises(InvalidFileError, match=f"{missing}: missing required field"):
        Request.from_dict(data, "req.json")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "bad.json: is empty; expected JSON"),
        (b'{\n  "name": ,\n}', "bad.json: line 2, column 11: invalid JSON: Expecting value"),
        (b"{}\xff", "bad.json: line 1, byte 3: is not UTF-8 text; save it as UTF-8"),
        (b"[]", "bad.json: expected a JSON object, got an array"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InvalidFileError) as info:
        Request.from_file(path)
    assert str(info.value) == f"{tmp_path}/{expected}"


def test_missing_file_is_a_plain_message(tmp_path: Path) -> None:
    with pytest.raises(InvalidFileError, match="no such file"):
        Request.from_file(tmp_path / "nope.json")


def test_context_for_person_and_event() -> None:
    person = Person("42", "a@example.com", {"name": "Ann", "email": "old@example.com"})
    event = Event("signup", {"plan": "pro"}, 1_700_000_000)
    context = context_for(person, event)
    assert context == {
        "customer": {"name": "Ann", "email": "a@example.com", "id": "42"},
        "event": {"plan": "pro"},
        "event_name": "signup",
    }


def test_context_file_must_be_an_object() -> None:
    with pytest.raises(InvalidFileError, match="expected a JSON object"):
        parse_context("[1]", "ctx.json")
    assert parse_context('{"customer": {"id": "1"}}') == {"customer": {"id": "1"}}
