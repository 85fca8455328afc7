"""Copy for Customer.io: the parts in Customer.io's shape, and what it would not accept."""

from __future__ import annotations

import dataclasses

import pytest

from composer.copy_cio import copy_for_customerio
from composer.model import Header, Request, ResponseMapping
from composer.store.seed import load_recipes

TRELLO = Request(
    name="Trello",
    method="POST",
    url="https://api.trello.com/1/cards?idList=L1&key={{ secrets.trello_key }}",
    headers=(Header("Content-Type", "application/json"), Header("X-Source", "cio")),
    body='{"name": {{ customer.name | json }}}',
    response_mappings=(
        ResponseMapping("trello_card_id", "{{ response.id }}"),
        ResponseMapping("trello_url", "{{ response.shortUrl }}"),
    ),
)
SIGNED = ResponseMapping("sig", "{{ response.x | hmac_sha256: secrets.s }}")


def test_parts_are_laid_out_as_customerio_asks() -> None:
    copy = copy_for_customerio(TRELLO)
    assert copy.method == "POST"
    assert copy.url == TRELLO.url
    assert copy.headers == ("Content-Type: application/json", "X-Source: cio")
    assert copy.body == TRELLO.body
    assert copy.mappings == (
        "trello_card_id ← {{ response.id }}",
        "trello_url ← {{ response.shortUrl }}",
    )
    assert copy.settings[:2] == ("Send automatically", "Count conversions: off")
    assert copy.settings[2].startswith(f"Liquid version: {TRELLO.liquid_version or 'latest'} ")
    titles = [title for title, _ in copy.sections()]
    assert titles == [
        "Method",
        "URL",
        "Headers",
        "Body",
        "Response: set up an attribute",
        "Settings",
        "Before you paste",
    ]
    text = copy.text()
    assert text.startswith("Method\nPOST\n\nURL\nhttps://api.trello.com/")
    assert "Headers\nContent-Type: application/json\nX-Source: cio\n\n" in text
    assert text.endswith("\n")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"method": "PATCH"}, ["PATCH is offered by current Customer.io accounts"]),
        ({"method": "PUT"}, []),
        (
            {"url": "https://{{ secrets.lob }}:@api.lob.com/v1/postcards"},
            ["{{ secrets.lob }} (in the URL) is this app's keychain"],
        ),
        (
            {"headers": (Header("Authorization", "Bearer {{ secrets['my-token'] }}"),)},
            ["{{ secrets.my-token }} (in the Authorization header)"],
        ),
        (
            {"body": "{{ secrets.k }} {{ secrets.k }}", "url": "https://x.com/?k={{ secrets.k }}"},
            ["{{ secrets.k }} (in the URL and the body)"],
        ),
        ({"idempotency_key": True}, ["Idempotency-Key option is this app's"]),
        ({"body": "{{ customer.tags | has: 'x' }}", "liquid_version": "legacy"}, ["filter 'has'"]),
        ({"body": "{{ customer.tags | sum }}", "liquid_version": "latest"}, []),
        ({"body": "{{ customer.name | default: 'x' }}", "liquid_version": "legacy"},
         ["'default', which legacy Liquid does not have"]),
        ({"body": "{{ customer.tags | frobnicate | json }}"}, ["filter 'frobnicate'"]),
        ({"body": "{{ customer.tags | join: ', ' | json }}"}, []),
        ({"body": "{% render 'footer' %}"}, ["'render' tag"]),
        ({"body": "{% if x %}"}, ["body does not parse as latest Liquid"]),
        ({"body": '{"id": {{ response.id }}}'}, ["'response', which only exists in the response"]),
        ({"body": '{"response": "ok"}'}, []),
        (
            {"response_mappings": (ResponseMapping("id", "{{ response.id }}"),)},
            ["A mapping sets 'id'"],
        ),
        (
            {"response_mappings": (SIGNED,)},
            ["{{ secrets.s }} (in the mapping of sig)"],
        ),
    ],
)  # fmt: skip
def test_warnings(change: dict[str, object], expected: list[str]) -> None:
    base = dataclasses.replace(TRELLO, url="https://api.trello.com/1/cards")
    copy = copy_for_customerio(dataclasses.replace(base, **change))  # type: ignore[arg-type]
    assert len(copy.warnings) == len(expected), copy.warnings
    for warning, fragment in zip(copy.warnings, expected, strict=True):
        assert fragment in warning
    assert ("Before you paste" in copy.text()) == bool(expected)


def test_draft_and_conversions_are_settings_notes() -> None:
    copy = copy_for_customerio(
        dataclasses.replace(TRELLO, send_mode="draft", count_conversions=True)
    )
    assert copy.settings[0].startswith("Draft: choose it instead of 'send automatically'")
    assert copy.settings[1] == "Count conversions: on"


def test_empty_parts_say_none() -> None:
    copy = copy_for_customerio(Request("g", "https://example.com/", method="GET", headers=()))
    assert "Headers\n(none)" in copy.text()
    assert "Body\n(none)" in copy.text()
    assert "Response: set up an attribute\n(none)" in copy.text()
    assert copy.warnings == ()


@pytest.mark.parametrize("recipe", load_recipes(), ids=lambda r: r.name[:24])
def test_every_recipe_copies_and_only_secrets_are_flagged(recipe: Request) -> None:
    copy = copy_for_customerio(recipe)
    assert copy.body == recipe.body
    uses_secrets = "secrets" in recipe.url + recipe.body + "".join(h.value for h in recipe.headers)
    assert any("keychain" in w for w in copy.warnings) == uses_secrets
    assert all("keychain" in w or "PATCH" in w for w in copy.warnings), copy.warnings
