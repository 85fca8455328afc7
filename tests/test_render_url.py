"""The preview's URL is httpx's: the fast path that skips httpx agrees with ``httpx.URL``.

:func:`composer.rendering.url.plain_wire_url` vouches for URLs that httpx sends unchanged, so
rendering need not import httpx for them. A table of tricky URLs and thousands of
generated ones (seeded, so a failure repeats) hold it to ``str(httpx.URL(url))``: the
fast path either declines or gives exactly that. ``render`` itself is checked too.
"""

from __future__ import annotations

import random
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from composer.model import Request
from composer.rendering.render import MASK, render
from composer.rendering.url import plain_wire_url, wire_url

TRICKY = [
    "https://example.com",
    "https://example.com/",
    "https://example.com?",
    "https://example.com?a=1",
    "https://example.com/a/b?x=1&y=2",
    "https://Example.com/a",
    "HTTPS://example.com/a",
    "http://a.com:80/x",
    "https://a.com:443/x",
    "http://a.com:443/x",
    "http://a.com:080/x",
    "http://a.com:/x",
    "http://a.com:8080/x",
    "https://a.com:99999/",
    "https://a.com/a%2fb",
    "https://a.com/a%2Fb",
    "https://a.com/%zz",
    "https://a.com/a b",
    "https://a.com/x?a=%",
    "https://a.com/x?q=a b",
    'https://a.com/x?q="quoted"',
    "https://a.com/x?q=<tag>",
    "https://a.com/{id}",
    "https://a.com/x?q={id}",
    "https://a.com/a`b",
    "https://a.com/x?a=`",
    "https://a.com/./x",
    "https://a.com/a/../x",
    "https://a.com/a/..",
    "https://a.com/a/.",
    "https://a.com/.well-known/x",
    "https://a.com/a..b/x",
    "https://a..com/",
    "https://-a.com/",
    "https://a_b.com/",
    "https://127.0.0.1:8000/hook",
    "http://1x2y3z4/",
    "https://[::1]:8080/x",
    "https://bücher.de/straße?q=café",
    f"https://a.com/cards?key={MASK}&token={MASK}",
    f"https://a.com/{MASK}/x",
    "https://a.com/x?a=[1]&b=\\c^d|e",
    "https://a.com/a[1]\\b^c|d",
    "https://a.com/x#frag",
    "https://a.com/x?y#frag",
    "https://a.com/x?y=1?z=2",
    "https://a.com/@me:x;y=1,z!$'()*+",
]


def httpx_wire(url: str) -> str | None:
    """What httpx sends for ``url`` (the masked secret kept readable), None if refused."""
    try:
        return str(httpx.URL(url)).replace("%E2%80%A2" * len(MASK), MASK)
    except (httpx.InvalidURL, ValueError):
        return None


def fast_wire(url: str) -> str | None:
    plain = plain_wire_url(url)
    return None if plain is None else plain.replace("%E2%80%A2" * len(MASK), MASK)


@pytest.mark.parametrize("url", TRICKY)
def test_fast_path_agrees_with_httpx(url: str) -> None:
    fast = fast_wire(url)
    if fast is not None:
        assert fast == httpx_wire(url)


@pytest.mark.parametrize("url", TRICKY)
def test_wire_url_is_httpx(url: str) -> None:
    expected = httpx_wire(url)
    try:
        got: str | None = wire_url(url).replace("%E2%80%A2" * len(MASK), MASK)
    except ValueError:
        got = None
    assert got == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a/b?x=1&y=2",
        "https://api.example.com:8443/v1/people/42?expand=true",
        f"https://a.com/cards?key={MASK}",
    ],
)
def test_common_urls_take_the_fast_path(url: str) -> None:
    assert fast_wire(url) == url


SAFE = [*"abcXYZ019-._~!$&'()*+,;=:@/?%[]", MASK, "%2F"]
ALPHABET = [*"abcXYZ019-._~!$&'()*+,;=:@/?#[]%\\^|`{}<>\" ", "é", "•", MASK, "%2F", "%zz"]
HOSTS = ["a.com", "A.com", "x-y.example.org", "127.0.0.1", "1.2.3", "a_b", "localhost", "b..c"]
PORTS = ["", ":80", ":443", ":8080", ":0", ":080", ":", ":65536"]


def generated_urls(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    urls = []
    for _ in range(count):
        scheme = rng.choice(["http", "https", "HTTP"])
        letters = rng.choice([SAFE, ALPHABET])
        path = "".join(rng.choice(letters) for _ in range(rng.randint(0, 12)))
        segments = rng.choice(["", "/./", "/../", "/.", "/a/"])
        urls.append(f"{scheme}://{rng.choice(HOSTS)}{rng.choice(PORTS)}/{segments}{path}")
    return urls


@pytest.mark.parametrize("seed", range(5))
def test_fast_path_agrees_with_httpx_on_generated_urls(seed: int) -> None:
    taken = 0
    for url in generated_urls(4000, seed):
        fast = fast_wire(url)
        if fast is not None:
            taken += 1
            assert fast == httpx_wire(url), url
    assert taken > 250  # the generator reaches the fast path often enough to test it


@pytest.mark.parametrize("url", [u for u in TRICKY if "#" not in u and "@" not in u])
def test_rendered_url_is_httpx(url: str) -> None:
    rendered = render(Request(name="r", method="GET", url=url, body=""), {})
    expected = httpx_wire(urlunsplit(urlsplit(url)))
    if expected is not None and not rendered.has_errors:
        assert rendered.url == expected
        assert httpx_wire(rendered.url) == rendered.url  # what is shown is what is sent
