"""Customer.io's tags: per-send values, Liquid from data, markup errors.

The documented forms and placeholders are in ``test_cio_documented.py``; here are the
rules around them: a value that changes on every send warns ``per_send`` and is the same
for the same fixed 'now' and place (so a check of every person, a retried delivery and
the comparison of both versions see the same bytes), fresh without a fixed 'now'; a
tag's markup it cannot use is an error naming the tag.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from cio_calls import make_call

from composer.liquid.cio import tags_for

BOTH = ("legacy", "latest")


def _render(version: str, name: str, markup: str, **kwargs: object) -> tuple[str, list[str]]:
    call = make_call(version, name, **kwargs)  # type: ignore[arg-type]
    text = tags_for(version)[name].render(call, markup)
    return text, [notice.kind for notice in call.state.notices]


@pytest.mark.parametrize("version", BOTH)
def test_cio_generate_uuid(version: str) -> None:
    """A version-4 UUID, the same for a fixed 'now' and place, warned as per send."""
    first, kinds = _render(version, "generate_uuid", "")
    assert uuid.UUID(first).version == 4 and str(uuid.UUID(first)) == first
    assert kinds == ["per_send"]
    assert _render(version, "generate_uuid", "")[0] == first
    assert _render(version, "generate_uuid", "", index=5)[0] != first
    later = dt.datetime(2018, 1, 1, tzinfo=dt.UTC)
    assert _render(version, "generate_uuid", "", now=later)[0] != first
    fresh = {_render(version, "generate_uuid", "", now=None)[0] for _ in range(5)}
    assert len(fresh) == 5


@pytest.mark.parametrize("version", BOTH)
def test_cio_random(version: str) -> None:
    """``{% random N %}`` gives 0 to N - 1 (a variable may hold N), warned as per send."""
    seen = {_render(version, "random", "3", now=None)[0] for _ in range(200)}
    assert seen == {"0", "1", "2"}
    text, kinds = _render(version, "random", "count", scope={"count": 10})
    assert 0 <= int(text) < 10 and kinds == ["per_send"]
    huge, _ = _render(version, "random", str(10**50))
    assert 0 <= int(huge) < 10**50


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize(
    ("markup", "message"),
    [("", "needs a number"), ("0", "1 or more"), ("abc", "whole number"), ("2.5", "whole number")],
)
def test_cio_random_bad_markup(version: str, markup: str, message: str) -> None:
    """A range that is not a whole number of 1 or more is an error naming the tag."""
    with pytest.raises(ValueError, match=message) as caught:
        _render(version, "random", markup, scope={"abc": "x"})
    assert "'random'" in str(caught.value)


def test_cio_random_filter() -> None:
    """``{{ N | random }}`` reads N as the tag does; ``{{ list | random }}`` picks an item."""
    from composer.liquid.cio import filters_for

    for version in BOTH:
        call = make_call(version, "random")
        assert 0 <= filters_for(version)["random"](call, 10) < 10
        assert [n.kind for n in call.state.notices] == ["per_send"]
        pick = filters_for(version)["random"](make_call(version, "random"), ["a", "b"])
        assert pick in ("a", "b")
        with pytest.raises(ValueError, match="'random'"):
            filters_for(version)["random"](make_call(version, "random"), 0)


@pytest.mark.parametrize("version", BOTH)
def test_cio_render_liquid(version: str) -> None:
    """``{% render_liquid var %}`` renders the Liquid the variable holds; nothing for nothing."""
    scope = {"journey": {"body": "Hello {{ customer.name }}!"}, "customer": {"name": "Ada"}}
    assert _render(version, "render_liquid", "journey.body", scope=scope) == ("Hello Ada!", [])
    assert _render(version, "render_liquid", "journey.missing", scope=scope) == ("", [])
    with pytest.raises(ValueError, match="'render_liquid' needs the variable"):
        _render(version, "render_liquid", " ")


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize(
    ("markup", "expected", "kinds"),
    [
        (
            "url:https://example.com/a?b=c",
            "https://links.customerio.invalid/placeholder?url=https%3A%2F%2Fexample.com%2Fa%3Fb%3Dc",
            ["placeholder"],
        ),
        ("url:'https://example.com' track:'false' url_params:false", "https://example.com", []),
        (
            "url:mailto:someone@example.com track:false url_params:false",
            "mailto:someone@example.com",
            [],
        ),
        ("url:link track:false url_params:false", "https://example.com/from-data", []),
        ("url = https://example.com track = false", "https://example.com", ["placeholder"]),
    ],
)
def test_cio_link_forms(version: str, markup: str, expected: str, kinds: list[str]) -> None:
    """The URL may be quoted, a ``mailto:`` link or a variable; ``track:false`` writes the
    URL itself (with a warning while Customer.io still adds URL parameters)."""
    scope = {"link": "https://example.com/from-data"}
    assert _render(version, "cio_link", markup, scope=scope) == (expected, kinds)


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("", "needs a url"),
        ("url:nothing_here", "nothing for its url"),
        ("url:https://x.io track:maybe", "takes true or false"),
    ],
)
def test_cio_link_bad_markup(markup: str, message: str) -> None:
    """``cio_link`` without a usable url, or with a flag that is not true/false, fails."""
    with pytest.raises(ValueError, match=message) as caught:
        _render("latest", "cio_link", markup)
    assert "'cio_link'" in str(caught.value)


def test_cio_countdown_needs_its_parameters() -> None:
    """The countdown's required parameters (point, time, fg, bg) are named when missing."""
    with pytest.raises(ValueError, match="needs time, bg"):
        _render("legacy", "countdown", "point:64 fg:000000")


@pytest.mark.parametrize("version", BOTH)
def test_cio_placeholders_are_valid_urls_under_invalid(version: str) -> None:
    """Every URL placeholder is an http(s) URL under the reserved ``.invalid`` domain."""
    for name in (
        "unsubscribe_url",
        "view_in_browser_url",
        "manage_subscription_preferences_url",
        "unsubscribe",
        "tracking_consent_url",
    ):
        text, _ = _render(version, name, "")
        assert re.fullmatch(r"https://[a-z-]+\.customerio\.invalid/placeholder", text), text
    assert set(tags_for("legacy")) == set(tags_for("latest"))
