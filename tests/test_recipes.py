"""The shipped recipes and the sample workspace: they load, round-trip and render clean.

Every recipe is rendered against ``resources/sample/context.json`` and against every
sample person with each of their events, without secrets (so each ``{{ secrets.NAME }}``
is the mask). A render may warn (a sparse person lacks attributes) but must not error,
except for the one wart the recipes show on purpose: the documented hash trick meets the
person with a nil attribute, and the linter has to say so.

Independently of the linter, each rendered body is parsed as its Content-Type says, each
URL is parsed as the sender would, and each response mapping is rendered against the
response the service documents.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from composer.model import Event, Person, Request, context_for, load_context
from composer.rendering.render import MASK, RenderedRequest, render, render_field

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
RECIPES = RESOURCES / "recipes"
SAMPLE = RESOURCES / "sample"
INDEX = RECIPES / "index.json"

RECIPE_FILES = sorted(p.name for p in RECIPES.glob("*.json") if p.name != INDEX.name)
SECRET_NAME = re.compile(r"\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)")
# What url_encode may leave as it is: RFC 3986's unreserved characters and, in latest
# (JavaScript's encodeURIComponent), also ! ' ( ) *; '+' is an encoded space.
FORM_VALUE = re.compile(r"^[A-Za-z0-9*._~+%!'()-]*$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")

# (recipe, person id) -> a phrase the one expected error must contain.
KNOWN_WARTS = {("whole-customer-json.json", "2002"): "nil"}

# What each service answers on success (the fields the mappings read), from its API docs.
RESPONSES: dict[str, Any] = {
    "zendesk-ticket.json": {"ticket": {"id": 35436, "status": "new"}},
    "trello-card.json": {
        "id": "5abbe4b7ddc1b351ef961414",
        "shortUrl": "https://trello.com/c/AbCd1234",
    },
    "lob-postcard.json": {"id": "psc_5c002b86ce47537a", "expected_delivery_date": "2026-12-04"},
    "close-lead.json": {
        "id": "lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O",
        "contacts": [{"id": "cont_sBWe4Mf3f8hJgjE8cXB8tK0bbSvcqqGCnNhtEKpSPOs"}],
    },
    "twilio-whatsapp.json": {"sid": "SM1f0e8ae6ade43cb3c0ce4525424e404f", "status": "queued"},
}


def _people() -> list[dict[str, Any]]:
    data = json.loads((SAMPLE / "people.json").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def _contexts() -> list[tuple[str, str | None, dict[str, Any]]]:
    """(label, person id, Liquid globals) for the context file and every person's events."""
    out: list[tuple[str, str | None, dict[str, Any]]] = [
        ("context.json", None, load_context(SAMPLE / "context.json"))
    ]
    for item in _people():
        person = Person(item["id"], item["email"], item["attributes"])
        for event in item["events"]:
            context = context_for(person, Event(event["name"], event["data"], event["timestamp"]))
            out.append((f"{item['id']}/{event['name']}", item["id"], context))
    return out


CONTEXTS = _contexts()


def _describe(rendered: RenderedRequest) -> str:
    lines = [str(d) for d in rendered.diagnostics] or ["(no diagnostics)"]
    return "\n".join(lines) + f"\n--- rendered body ---\n{rendered.body}"


def _content_type(rendered: RenderedRequest) -> str:
    values = [v for n, v in rendered.headers if n.lower() == "content-type"]
    return values[-1].split(";")[0].strip().lower() if values else ""


@pytest.mark.parametrize("file", RECIPE_FILES)
def test_recipe_loads_and_round_trips_byte_for_byte(file: str) -> None:
    text = (RECIPES / file).read_text(encoding="utf-8")
    request = Request.from_file(RECIPES / file)
    assert Request.from_json(text).to_json() == text
    assert request.to_json() == text
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*\.json", file), "file names are kebab-case"


def test_recipe_names_are_unique() -> None:
    names = [Request.from_file(RECIPES / f).name for f in RECIPE_FILES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("file", RECIPE_FILES)
def test_credentials_only_through_secrets(file: str) -> None:
    request = Request.from_file(RECIPES / file)
    userinfo = urlsplit(request.url).netloc.rpartition("@")[0]
    for part in userinfo.split(":") if userinfo else []:
        assert part == "" or SECRET_NAME.search(part), f"literal credential {part!r} in URL"
    for header in request.headers:
        if header.name.lower() == "authorization":
            assert SECRET_NAME.search(header.value), "Authorization without a secret"


@pytest.mark.parametrize(("label", "person_id", "context"), CONTEXTS, ids=[c[0] for c in CONTEXTS])
@pytest.mark.parametrize("file", RECIPE_FILES)
def test_recipe_renders_without_errors(
    file: str, label: str, person_id: str | None, context: dict[str, Any]
) -> None:
    request = Request.from_file(RECIPES / file)
    rendered = render(request, context)
    errors = [d for d in rendered.diagnostics if d.severity == "error"]
    wart = KNOWN_WARTS.get((file, person_id or ""))
    if wart is not None:
        assert len(errors) == 1, _describe(rendered)
        assert errors[0].where == "body" and wart in errors[0].message, _describe(rendered)
        return
    assert not rendered.has_errors, _describe(rendered)
    if label == "context.json":
        # The sample context sets every variable the recipes read: not even a warning.
        assert rendered.diagnostics == (), _describe(rendered)

    kind = _content_type(rendered)
    if kind == "application/json":
        json.loads(rendered.body)
    elif kind == "application/x-www-form-urlencoded":
        assert "\n" not in rendered.body and "\r" not in rendered.body
        for field in rendered.body.split("&"):
            name, eq, value = field.partition("=")
            assert eq and name, f"form field {field!r} has no name=value"
            assert FORM_VALUE.match(value), f"form value {value!r} is not percent-encoded"
        assert parse_qsl(rendered.body, strict_parsing=True)
    else:
        pytest.fail(f"unexpected Content-Type {kind!r}")

    url = httpx.URL(rendered.url)
    assert url.scheme == "https" and url.host
    assert not url.userinfo, "credentials must have moved into the Authorization header"
    auth = [v for n, v in rendered.headers if n.lower() == "authorization"]
    if "@" in urlsplit(request.url).netloc:
        assert auth == [f"Basic {MASK}"]
    for name, value in rendered.headers:
        assert "\n" not in value and "\r" not in value, name


@pytest.mark.parametrize("file", RECIPE_FILES)
def test_secrets_go_on_the_wire_only_when_revealed(file: str) -> None:
    request = Request.from_file(RECIPES / file)
    names = set(SECRET_NAME.findall(request.to_json()))
    values = {name: f"s3cr3t{i}" for i, name in enumerate(sorted(names))}
    context = load_context(SAMPLE / "context.json")
    masked = render(request, context, secrets=values)
    wire = render(request, context, secrets=values, reveal=True)
    assert not masked.has_errors and not wire.has_errors, _describe(masked) + _describe(wire)
    shown = json.dumps(masked.to_dict(), ensure_ascii=False)
    sent = json.dumps(wire.to_dict(), ensure_ascii=False)
    for value in values.values():
        assert value not in shown
    if names:
        assert shown != sent


@pytest.mark.parametrize("file", RECIPE_FILES)
def test_response_mappings_read_the_documented_response(file: str) -> None:
    request = Request.from_file(RECIPES / file)
    if not request.response_mappings:
        assert file not in RESPONSES
        return
    context = {**load_context(SAMPLE / "context.json"), "response": RESPONSES[file]}
    for i, mapping in enumerate(request.response_mappings):
        text, diagnostics = render_field(f"response_mappings[{i}]", mapping.value, context)
        assert diagnostics == (), [str(d) for d in diagnostics]
        assert text.strip(), f"{mapping.attribute} mapped to nothing"


ZOE = "3003"  # quotes, an apostrophe, non-ASCII, '&' and a multi-line feedback


@pytest.mark.parametrize(
    ("file", "path", "expected"),
    [
        ("zendesk-ticket.json", ("ticket", "requester", "name"), 'Zoë "Z" O\'Brien'),
        ("ifttt-event.json", ("value3",), 'O\'Brien & Daughters "Fine" Goods'),
        ("zapier-catch-hook.json", ("event", "feedback"), None),
        ("lob-postcard.json", ("to", "address_zip"), "D02 X285"),
        ("close-lead.json", ("contacts", 0, "phones", 0, "phone"), "+35315550199"),
        ("help-scout-conversation.json", ("customer", "firstName"), "Zoë"),
    ],
)
def test_json_values_arrive_exactly(file: str, path: tuple[str | int, ...], expected: Any) -> None:
    label, _, context = next(c for c in CONTEXTS if c[1] == ZOE)
    rendered = render(Request.from_file(RECIPES / file), context)
    value: Any = json.loads(rendered.body)
    for key in path:
        value = value[key]
    assert value == (expected if expected is not None else context["event"]["feedback"]), label


@pytest.mark.parametrize(
    ("file", "field", "expected"),
    [
        ("form-encoded.json", "company", 'O\'Brien & Daughters "Fine" Goods'),
        ("form-encoded.json", "first_name", "Zoë"),
        ("form-encoded.json", "email", "zoe.obrien@example.ie"),
        ("twilio-whatsapp.json", "To", "whatsapp:+35315550199"),
        ("twilio-whatsapp.json", "Body", "Hi Zoë, thanks for signing up!"),
    ],
)
def test_form_values_arrive_exactly(file: str, field: str, expected: str) -> None:
    _, _, context = next(c for c in CONTEXTS if c[1] == ZOE)
    rendered = render(Request.from_file(RECIPES / file), context)
    assert dict(parse_qsl(rendered.body, strict_parsing=True))[field] == expected


def test_index_describes_exactly_the_recipes() -> None:
    index = json.loads(INDEX.read_text(encoding="utf-8"))
    assert sorted(index) == RECIPE_FILES
    for file, entry in index.items():
        assert set(entry) == {"description", "secrets"}, file
        description = entry["description"]
        assert description.strip() and "\n" not in description and len(description) <= 160, file
        used = sorted(set(SECRET_NAME.findall((RECIPES / file).read_text(encoding="utf-8"))))
        assert entry["secrets"] == used, file


def test_readme_table_names_every_recipe_and_secret() -> None:
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    index = json.loads(INDEX.read_text(encoding="utf-8"))
    for file, entry in index.items():
        row = next((line for line in readme.splitlines() if f"`{file}`" in line), None)
        assert row is not None, f"{file} missing from the README table"
        for name in entry["secrets"]:
            assert f"`{name}`" in row, f"{file}: secret {name} missing from its README row"


def test_sample_people_have_the_documented_shape_and_variety() -> None:
    people = _people()
    assert 6 <= len(people) <= 8
    ids = [p["id"] for p in people]
    assert len(ids) == len(set(ids))
    for person in people:
        assert set(person) == {"id", "email", "attributes", "events"}
        assert isinstance(person["id"], str) and isinstance(person["email"], str)
        assert isinstance(person["attributes"], dict) and person["events"]
        for event in person["events"]:
            assert set(event) == {"name", "data", "timestamp"}
            assert isinstance(event["data"], dict) and isinstance(event["timestamp"], int)
        phone = person["attributes"].get("phone")
        assert phone is None or E164.match(phone), phone
    attributes = [p["attributes"] for p in people]
    assert any(None in a.values() for a in attributes), "one person has a nil attribute"
    assert any(
        '"' in a.get("name", "") and "'" in a.get("name", "") and not a["name"].isascii()
        for a in attributes
    ), "one name has quotes and non-ASCII"
    assert any(
        any(isinstance(v, dict) for v in a.values())
        and any(isinstance(v, list) for v in a.values())
        for a in attributes
    ), "one person has nested attributes"
    assert any(a.get("zip") == "02134" for a in attributes), "a zip code with a leading zero"


def test_context_file_is_the_first_person_and_event() -> None:
    first = _people()[0]
    event = first["events"][0]
    expected = context_for(
        Person(first["id"], first["email"], first["attributes"]),
        Event(event["name"], event["data"], event["timestamp"]),
    )
    assert load_context(SAMPLE / "context.json") == expected
