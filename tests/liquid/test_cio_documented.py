"""Every example Customer.io documents for its own filters and tags, as a table.

Each row is a filter called with a real :class:`~composer.liquid.cio.api.Call` of the
version (:mod:`cio_calls`), the documented input and arguments, the documented result,
and the page the example comes from. A filter the engine already has in a version
(latest's ``hmac_sha256``, ``url_encode`` …) is tested there, not here. Pages:

* TAGLIST: docs.customer.io/messaging/liquid/tag-list ("Liquid syntax list", with its
  latest and legacy views; also docs.customer.io/journeys/liquid-tag-list).
* MASTER: customer.io/docs/liquid-tag-master-list (legacy, "Liquid 2.5.3"), whose array
  examples use ``acme.characters = "coyote", "bugs", "tweety"``.
* UPGRADE: docs.customer.io/messaging/liquid/upgrade ("Liquid upgrade").
* TIMEZONE: docs.customer.io/journeys/timezone-match ("localizing time in emails").
* TUTORIAL: customer.io/liquid-tutorial/encoding-hashing-and-encryption-schemes.

Rows marked ``(S)`` rest on the project's summary of those pages
(``../shared/reference/customerio-liquid.md``) where the page itself could only be read
at its opening; docs/customerio-liquid.md says which.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest
from cio_calls import make_call

from composer.liquid.cio import filters_for, tags_for

TAGLIST = "docs.customer.io/messaging/liquid/tag-list"
MASTER = "customer.io/docs/liquid-tag-master-list"
UPGRADE = "docs.customer.io/messaging/liquid/upgrade"
TIMEZONE = "docs.customer.io/journeys/timezone-match"
TUTORIAL = "customer.io/liquid-tutorial/encoding-hashing-and-encryption-schemes"
ACME = ["coyote", "bugs", "tweety"]
HMAC_HEX = "6dddb773238216bce273133bc3f6a12a824f41dd184d09452f05c7659dae7d57"
BOTH = ("legacy", "latest")
NARROW = str.maketrans({"\u202f": " ", "\u00a0": " "})

# (versions, filter, input, arguments, documented result, page)
DOCUMENTED = [
    (BOTH, "format_number", 10000, (), "10,000", TAGLIST),
    (BOTH, "format_number", 123456.78, ("fr",), "123 456,78", TAGLIST),
    (BOTH, "currency", 1234567.896, (), "$1,234,567.90", TAGLIST),
    (BOTH, "currency", 1234567.896, ("en-GB",), "£1,234,567.90", TAGLIST),
    (BOTH, "currency", 10, ("en-us",), "$10.00", TAGLIST),
    (("latest",), "currency", 1234567.896, ("en", "EUR"), "€1,234,567.90", TAGLIST),
    (("latest",), "rounded_currency", 1234567.896, ("en", "EUR"), "€1,234,568", TAGLIST),
    (BOTH, "add_day", 1483272000, (5,), 1483704000, TAGLIST + " (S)"),
    (("legacy",), "hmac_sha256", "Customer.io", ("some_key",), HMAC_HEX, TAGLIST + " (S)"),
    (BOTH, "hex_base64", HMAC_HEX, (), "bd23cyOCFrzicxM7w/ahKoJPQd0YTQlFLwXHZZ2ufVc=", TAGLIST),
    (BOTH, "base64", "I love dogs.", (), "SSBsb3ZlIGRvZ3Mu", TUTORIAL),
    (
        ("legacy",),
        "url_encode",
        "reach me at lee@email.com",
        (),
        "reach+me+at+lee%40email.com",
        TUTORIAL,
    ),
    (
        ("legacy",),
        "url_decode",
        "reach+me+at+lee%40email.com",
        (),
        "reach me at lee@email.com",
        TUTORIAL,
    ),
    (
        ("legacy",),
        "url_encode",
        "cool.person@example.com",
        (),
        "cool.person%40example.com",
        TAGLIST + " (S)",
    ),
    (
        ("legacy",),
        "url_decode",
        "%27Customer.io+is+great%27",
        (),
        "'Customer.io is great'",
        TAGLIST + " (S)",
    ),
    (("legacy",), "cgi_escape", "overview: account", (), "overview%3A+account", TAGLIST + " (S)"),
    (BOTH, "pluralize", 3, ("item", "items"), "3 items", TAGLIST + " (S)"),
    (("legacy",), "slugify", "Hello World!", (), "hello-world", TAGLIST + " (S)"),
    (("legacy",), "slice", "Customer.io", (3, 3), "tom", TAGLIST + " (S)"),
    (("legacy",), "slice", "Customer.io", ("-4", 3), "r.i", TAGLIST + " (S)"),
    (("legacy",), "normalize_whitespace", "a \n b", (), "a b", TAGLIST + " (S)"),
    (("legacy",), "round", 4.32, (1,), 4.3, TAGLIST + " (S)"),
    (("legacy",), "at_least", 41, (42,), 42, TAGLIST + " (S)"),
    (
        ("legacy",),
        "date_to_xmlschema",
        1483272000,
        (),
        "2017-01-01T12:00:00+00:00",
        TAGLIST + " (S)",
    ),
    (
        ("legacy",),
        "date_to_long_string",
        "2008-11-07 13:07:54 -08:00",
        ("ordinal", "US"),
        "November 7th, 2008",
        TAGLIST + " (S)",
    ),
    (BOTH, "limit", ACME, (2,), ["coyote", "bugs"], MASTER + "; " + TAGLIST + " (S)"),
]


@pytest.mark.parametrize(
    ("version", "name", "value", "args", "expected", "page"),
    [
        pytest.param(v, name, value, args, expected, page, id=f"{v}-{name}-{value!r:.20}-{args}")
        for versions, name, value, args, expected, page in DOCUMENTED
        for v in versions
    ],
)
def test_cio_documented_example(
    version: str, name: str, value: object, args: tuple[object, ...], expected: object, page: str
) -> None:
    """The filter gives the documented result (the page is in the row)."""
    call = make_call(version, name)
    result = filters_for(version)[name](call, value, *args)  # type: ignore[arg-type]
    if isinstance(result, str) and isinstance(expected, str):
        # The pages print CLDR's narrow and no-break spaces as plain spaces.
        assert result.translate(NARROW) == expected
    else:
        assert result == expected
    assert not [n for n in call.state.notices if n.kind != "per_send"], page


@pytest.mark.parametrize("version", BOTH)
def test_cio_add_day_then_date(version: str) -> None:
    """``{{ 1483272000 | add_day: 5 | date: '%Y-%m-%d' }}`` → ``2017-01-06`` (TAGLIST (S));
    and the 'now' idiom ``'now' | date: '%s' | plus: 0 | add_day: 1`` moves one day."""
    shifted = filters_for(version)["add_day"](make_call(version, "add_day"), 1483272000, 5)
    assert dt.datetime.fromtimestamp(shifted, dt.UTC).strftime("%Y-%m-%d") == "2017-01-06"
    now = int(dt.datetime(2017, 1, 1, 12, tzinfo=dt.UTC).timestamp())
    assert filters_for(version)["add_day"](make_call(version, "add_day"), now, 1) == now + 86400


def test_cio_timezone_then_date() -> None:
    """TIMEZONE: ``{{ 1483272000 | timezone: 'America/New_York' | date: '%H:%M %A %b %d, %Y' }}``
    → ``07:00 Sunday Jan 01, 2017`` (legacy; the engine's ``date`` formats the time)."""
    moment = filters_for("legacy")["timezone"](
        make_call("legacy", "timezone"), 1483272000, "America/New_York"
    )
    assert moment.strftime("%H:%M %A %b %d, %Y") == "07:00 Sunday Jan 01, 2017"


def test_cio_hex_base64_is_base64_of_the_digest() -> None:
    """TAGLIST: ``{{ 'Customer.io' | hmac_sha256: 'some_key' | hex_base64 }}`` is the base64
    of the HMAC's bytes (checked here against Python's own hmac and base64)."""
    digest = hmac.new(b"some_key", b"Customer.io", hashlib.sha256).digest()
    assert digest.hex() == HMAC_HEX
    for version in BOTH:
        hexed = HMAC_HEX  # latest's hmac_sha256 is LiquidJS's own; legacy's is in the table
        encoded = filters_for(version)["hex_base64"](make_call(version, "hex_base64"), hexed)
        assert encoded == base64.b64encode(digest).decode()


@pytest.mark.parametrize("version", BOTH)
def test_cio_from_json_example(version: str) -> None:
    """TAGLIST: ``{% assign v = '{"key":"value","number":123}' | from_json %}{{ v.number }}``
    → 123."""
    parsed = filters_for(version)["from_json"](
        make_call(version, "from_json"), '{"key":"value","number":123}'
    )
    assert parsed == {"key": "value", "number": 123}


def test_cio_escape_percent_encodes_in_legacy() -> None:
    """UPGRADE and TUTORIAL: legacy's ``escape`` percent-encodes (as ``url_encode`` does);
    latest keeps LiquidJS's HTML escape (no Customer.io entry)."""
    text = "Have you read 'How to Train Your Senior Dog'?"
    assert filters_for("legacy")["escape"](make_call("legacy", "escape"), text) == (
        "Have+you+read+%27How+to+Train+Your+Senior+Dog%27%3F"
    )
    assert "escape" not in filters_for("latest")


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            "url:https://example.com",
            "https://links.customerio.invalid/placeholder?url=https%3A%2F%2Fexample.com",
        ),
        (
            "url:https://example.com track:true url_params:true",
            "https://links.customerio.invalid/placeholder?url=https%3A%2F%2Fexample.com",
        ),
        ('url:"https://example.com" track:false url_params:false', "https://example.com"),
    ],
)
def test_cio_link_examples(version: str, markup: str, expected: str) -> None:
    """TAGLIST: the three ``{% cio_link %}`` forms; tracked ones are placeholders."""
    call = make_call(version, "cio_link")
    assert tags_for(version)["cio_link"].render(call, markup) == expected
    kinds = {notice.kind for notice in call.state.notices}
    assert kinds == (set() if "track:false" in markup else {"placeholder"})


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize(
    ("name", "markup"),
    [
        ("unsubscribe_url", ""),
        ("view_in_browser_url", ""),
        ("manage_subscription_preferences_url", ""),
        ("unsubscribe", ""),
        ("tracking_consent_url", ""),
        ("cio_link_id", ""),
        ("subscription_topic_name", "lang='pt'"),
        (
            "countdown",
            "point:64 font:roboto weight:light fg:000000 bg:f2f6f9 "
            'time:"2022-07-04 12:00:00 (GMT)" locale:en looping:true resolution:S frames:2',
        ),
    ],
)
def test_cio_placeholder_tags(version: str, name: str, markup: str) -> None:
    """TAGLIST and MASTER: values only Customer.io knows render as marked placeholders."""
    call = make_call(version, name)
    text = tags_for(version)[name].render(call, markup)
    assert "placeholder" in text
    assert [notice.kind for notice in call.state.notices] == ["placeholder"]
    assert "Customer.io" in call.state.notices[0].message
