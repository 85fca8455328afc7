"""Secrets never come back unmasked, whatever encoding an echo writes them in.

A table of the forms first (:class:`composer.delivery.masking.Masker`), then a real server that
echoes the request in each form to the outbox, with the secret used the ways templates
use it (a header, the query, ``| json``, ``| base64_encode``, Basic credentials).
"""

from __future__ import annotations

import base64
import html
import json
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from servers import FaultServer, Received, Reply

from composer.delivery.masking import BASE64_MIN, Masker
from composer.delivery.outbox import Outbox
from composer.model import Header, Person, Request, ResponseMapping, context_for
from composer.rendering.render import MASK
from composer.store.database import Database

SECRET = 'tök/en+"v4l\\ue 9'
"""A secret with every kind of character an encoder touches."""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _b64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def _php_json(text: str) -> str:
    return json.dumps(text).replace("/", "\\/")


FORMS: dict[str, Callable[[str], str]] = {
    "as it is": lambda s: s,
    "JSON, non-ASCII escaped": json.dumps,
    "JSON, non-ASCII kept": lambda s: json.dumps(s, ensure_ascii=False),
    "JSON, upper-case hex": lambda s: json.dumps(s).replace("\\u00f6", "\\u00F6"),
    "JSON with \\/": _php_json,
    "JSON inside JSON": lambda s: json.dumps(json.dumps({"k": s})),
    "JSON inside JSON, non-ASCII kept": lambda s: json.dumps(
        json.dumps({"k": s}, ensure_ascii=False), ensure_ascii=False
    ),
    "percent, %20": lambda s: urllib.parse.quote(s, safe=""),
    "percent, +": lambda s: urllib.parse.quote_plus(s, safe=""),
    "percent, lower-case hex": lambda s: urllib.parse.quote(s, safe="").lower(),
    "percent-encoded JSON": lambda s: urllib.parse.quote(json.dumps(s), safe=""),
    "UTF-8 read as Latin-1": lambda s: s.encode().decode("latin-1"),
    "HTML entities": html.escape,
    "HTML numeric entities": lambda s: "".join(c if c.isalnum() else f"&#{ord(c)};" for c in s),
    "HTML hex entities": lambda s: "".join(c if c.isalnum() else f"&#x{ord(c):X};" for c in s),
    "base64": _b64,
    "base64 without padding": lambda s: _b64(s).rstrip("="),
    "base64, URL-safe": _b64url,
    "base64 of user:secret": lambda s: _b64("user:" + s),
    "base64 of u:secret": lambda s: _b64("u:" + s),
    "base64 of us:secret": lambda s: _b64("us:" + s),
    "base64 inside longer text, 3 alignments": lambda s: " ".join(
        _b64(p + s + "/tail") for p in ("", "a", "ab")
    ),
    "URL-safe base64 inside longer text": lambda s: " ".join(
        _b64url(p + s + "?") for p in ("xyz", "xy", "x")
    ),
    "base64 in a JSON string with \\/": lambda s: _php_json(_b64("user:" + s)),
    "base64 percent-encoded": lambda s: urllib.parse.quote(_b64(s), safe=""),
    "a JSON body, base64": lambda s: _b64(json.dumps({"token": s})),
}


def _leaks(text: str, secret: str = SECRET) -> list[str]:
    """The forms of ``secret`` still readable in ``text`` (base64 forms at their core)."""
    found = [name for name, form in FORMS.items() if form(secret) in text]
    cores = [_b64(p + secret)[4:-4] for p in ("", "a", "ab")]
    found += [f"base64 core {i}" for i, core in enumerate(cores) if core in text]
    return found


@pytest.mark.parametrize("name", list(FORMS))
def test_every_form_is_masked(name: str) -> None:
    encoded = FORMS[name](SECRET)
    masked = Masker([SECRET]).mask(f"before {encoded} after")
    assert MASK in masked
    assert not _leaks(masked), masked
    assert masked.startswith("before ") and masked.endswith(" after")
    assert Masker([SECRET]).mask_bytes(encoded.encode()) == masked[7:-6].encode()


@pytest.mark.parametrize("name", list(FORMS))
def test_masker_finds_every_form(name: str) -> None:
    assert Masker([SECRET]).finds("x" + FORMS[name](SECRET) + "y")


def test_text_without_a_secret_is_left_alone() -> None:
    masker = Masker([SECRET, "Bearer abc123"])
    text = json.dumps({"id": 7, "name": "Zoë", "b64": _b64("something else entirely")})
    assert masker.mask(text) == text
    assert not masker.finds(text)
    assert masker.finds(MASK), "the mask itself is what an echoed secret became"


def test_short_base64_forms_are_not_masked_by_chance() -> None:
    masker = Masker(["ab"])
    text = "YWJj and QUJD and " + _b64("xyzzy plugh")
    assert masker.mask(text) == text.replace("ab", MASK)
    assert BASE64_MIN == 6


def test_masking_a_mebibyte_without_secrets_leaves_it_unchanged() -> None:
    # how long this takes is a figure of tests/bench_masking.py
    masker = Masker([SECRET, "Bearer " + SECRET, "another-secret-value"])
    body = (json.dumps({"k": "v" * 100}) * 10_000).encode()[: 1024 * 1024]
    assert masker.mask_bytes(body) == body


# -- a real echo server against the outbox --------------------------------------------


def _echo_in_every_form(request: Received) -> Reply:
    raw = request.raw.decode("utf-8", errors="replace")
    body = {name: form(raw) for name, form in FORMS.items()}
    token = (request.header("X-Token") or "").encode("latin-1").decode("utf-8")
    body["split"] = "|".join(token)  # a form nobody masks
    headers = tuple(
        (f"X-Echo-{i}", form(request.header("X-Token") or "").replace("\n", " "))
        for i, form in enumerate(FORMS.values())
        if "\n" not in form(request.header("X-Token") or "")
    )
    return Reply(200, (("Content-Type", "application/json"), *headers), json.dumps(body).encode())


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "workspace.sqlite3") as database:
        database.people.create(Person("p1", "p@example.com", {"name": "Ann"}))
        yield database


def test_an_echo_in_every_form_is_masked_before_it_is_stored(db: Database, tmp_path: Path) -> None:
    header_value = "{{ secrets.token | base64_encode }}"
    with FaultServer([_echo_in_every_form]) as server:
        request = Request(
            name="Echo",
            url=server.url.replace("http://", "http://bot:{{ secrets.token | url_encode }}@")
            + "/echo?q={{ secrets.token | url_encode }}",
            headers=(
                Header("Content-Type", "application/json"),
                Header("X-Token", "{{ secrets.token }}"),
                Header("X-Token-B64", header_value),
            ),
            body='{"token": {{ secrets.token | json }},'
            ' "b64": "{{ secrets.token | base64_encode }}",'
            ' "html": {{ secrets.token | escape | json }}}',
            response_mappings=(ResponseMapping("name", "{{ response['as it is'] | size }}"),),
        )
        outbox = Outbox(db, {"token": SECRET})
        delivery_id = outbox.create(request, context_for(db.people.get("p1")), person_id="p1")
        (done,) = outbox.run([delivery_id])
    sent = server.requests[0].raw.decode("utf-8", errors="replace")
    assert SECRET in sent and _b64(SECRET) in sent
    assert json.dumps(SECRET, ensure_ascii=False) in sent
    (attempt,) = done.attempts
    stored = attempt.response_body.decode("utf-8")
    assert json.loads(stored), "the masked body is still the JSON it was"
    assert not _leaks(stored)
    assert not _leaks(json.dumps(attempt.response_headers))
    assert MASK in stored
    assert done.state == "succeeded"
    listed = json.dumps([d.to_dict() for d in outbox.list()], ensure_ascii=False)
    assert not _leaks(listed)
    for path in tmp_path.glob("workspace.sqlite3*"):
        data = path.read_bytes()
        assert SECRET.encode() not in data and _b64(SECRET).encode() not in data, path.name


@pytest.mark.parametrize(
    "value",
    [
        "{{ response | json }}",
        "{{ response['as it is'] }}",
        "{{ response.split | remove: '|' }}",
        "{{ response.split | remove: '|' | prepend: 'x' }}",
    ],
)
def test_a_mapping_that_would_store_a_secret_is_refused(db: Database, value: str) -> None:
    with FaultServer([_echo_in_every_form]) as server:
        request = Request(
            name="Echo",
            url=server.url + "/echo",
            headers=(Header("X-Token", "{{ secrets.token }}"),),
            response_mappings=(
                ResponseMapping("safe", "{{ customer.name }}"),
                ResponseMapping("copy", value),
            ),
        )
        outbox = Outbox(db, {"token": SECRET})
        delivery_id = outbox.create(request, context_for(db.people.get("p1")), person_id="p1")
        (done,) = outbox.run([delivery_id])
    assert done.state == "succeeded"
    assert done.error is not None and "would store a secret" in done.error
    assert done.attribute_updates is None
    assert db.people.get("p1").attributes == {"name": "Ann"}
