"""Customer.io's encoding and hashing filters against the Ruby and JavaScript they follow.

Legacy's are Ruby's (``CGI``, ``Base64``, ``Digest``, ``OpenSSL::HMAC``, Jekyll's
``encode(xml: :attr)``): compared with real Ruby. ``uri_escape`` is LiquidJS's in both
versions: compared with the LiquidJS oracle. Latest's lenient base64 decoding is Node's
``Buffer``: compared with node. Ruby and node tests skip without the interpreter and
fail in CI.
"""

from __future__ import annotations

from typing import Any

import pytest
from cio_calls import make_call, run_node, run_ruby

from composer.liquid.cio import filters_for

TEXTS = [
    "",
    "plain",
    "a b+c&d=e/f?g#h",
    "~*'()!_.-",
    "café ☃ 😀",
    'say "hi" <b>&amp;</b>',
    "tab\there\nline",
    "100% sure",
    "x" * 300,
    "\u2028\u2029",
]
RUBY = {
    "escape": "CGI.escape(t)",
    "url_encode": "CGI.escape(t)",
    "cgi_escape": "CGI.escape(t)",
    "htmlencode": "CGI.escapeHTML(t)",
    "xml_escape": 't.encode(xml: :attr).gsub(/\\A"|"\\z/, "")',
    "base64": "Base64.strict_encode64(t)",
    "base64_encode": "Base64.strict_encode64(t)",
    "base64_url_safe_encode": "Base64.urlsafe_encode64(t)",
    "md5": "Digest::MD5.hexdigest(t)",
    "sha1": "Digest::SHA1.hexdigest(t)",
    "sha256": "Digest::SHA256.hexdigest(t)",
}


def _run(version: str, name: str, value: object, *args: object) -> Any:
    return filters_for(version)[name](make_call(version, name), value, *args)


def test_cio_legacy_encoders_match_ruby() -> None:
    """Every legacy encoder writes what its Ruby writes, for awkward texts."""
    names = list(RUBY)
    script = "output = input.map { |t| [" + ", ".join(RUBY[n] for n in names) + "] }"
    expected = run_ruby(script, TEXTS, active_support=False)
    for text, row in zip(TEXTS, expected, strict=True):
        for name, wanted in zip(names, row, strict=True):
            assert _run("legacy", name, text) == wanted, (name, text)
            if name in filters_for("latest"):
                assert _run("latest", name, text) == wanted, (name, text)


def test_cio_hmac_matches_ruby() -> None:
    """``hmac_sha1``/``hmac_sha256`` equal ``OpenSSL::HMAC.hexdigest`` (keys of any text)."""
    cases = [(text, key) for text in TEXTS[:6] for key in ("some_key", "", "ключ")]
    script = (
        "output = input.map { |t, k| "
        "[OpenSSL::HMAC.hexdigest('SHA1', k, t), OpenSSL::HMAC.hexdigest('SHA256', k, t)] }"
    )
    expected = run_ruby(script, cases, active_support=False)
    for (text, key), (sha1, sha256) in zip(cases, expected, strict=True):
        assert _run("legacy", "hmac_sha1", text, key) == sha1
        assert _run("latest", "hmac_sha1", text, key) == sha1
        assert _run("legacy", "hmac_sha256", text, key) == sha256


def test_cio_decoders_match_ruby() -> None:
    """``url_decode`` is ``CGI.unescape``; base64 decoding is ``strict_decode64`` and
    ``urlsafe_decode64`` (which pads a short text)."""
    encoded = ["reach+me+at+lee%40email.com", "caf%C3%A9", "%zz", "a%2", "+%2B+"]
    expected = run_ruby("output = input.map { |t| CGI.unescape(t) }", encoded, active_support=False)
    for text, wanted in zip(encoded, expected, strict=True):
        assert _run("legacy", "url_decode", text) == wanted
    b64 = ["SSBsb3ZlIGRvZ3Mu", "YQ==", "Y2Fmw6k=", "_-8", "Pz8_", "Pz8-Pw"]
    safe = run_ruby(
        "output = input.map { |t| Base64.urlsafe_decode64(t).force_encoding('UTF-8').scrub }",
        b64[2:],
        active_support=False,
    )
    for text, wanted in zip(b64[2:], safe, strict=True):
        assert _run("legacy", "base64_url_safe_decode", text) == wanted
    assert _run("legacy", "base64_decode", "SSBsb3ZlIGRvZ3Mu") == "I love dogs."


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("base64_decode", "!!", "invalid base64 provided to base64_decode"),
        ("base64_decode", "YQ", "invalid base64"),
        ("base64_url_safe_decode", "a", "invalid base64"),
        ("url_decode", "%ff", "not UTF-8"),
        ("hex_base64", "abc", "hexadecimal digits in pairs"),
        ("hex_base64", "zz", "hexadecimal"),
    ],
)
def test_cio_legacy_decoding_errors(name: str, value: str, message: str) -> None:
    """Text a decoder cannot read is an error naming the filter (Ruby raises too)."""
    with pytest.raises(ValueError, match=message):
        _run("legacy", name, value)


def test_cio_latest_base64_url_safe_decode_is_lenient_like_node() -> None:
    """Latest decodes as Node's ``Buffer`` does: junk skipped, padding optional."""
    texts = ["Pz8_", "Pz8-Pw", "a", "Y2Fmw6k", "Y2F!mw6k==", "//79", ""]
    expected = run_node(
        "output = input.map(t => Buffer.from(t, 'base64url').toString('utf8'))", texts
    )
    for text, wanted in zip(texts, expected, strict=True):
        assert _run("latest", "base64_url_safe_decode", text) == wanted, text


def test_cio_uri_escape_matches_liquidjs(latest_oracle: Any) -> None:
    """Legacy's ``uri_escape`` writes what LiquidJS's does (``encodeURI``, ``[]`` kept)."""
    for text in [*TEXTS[:9], "https://example.com/?q=foo, \\bar?", "[a]{b}|c^d`e"]:
        answer = latest_oracle.render("{{ v | uri_escape }}", {"v": text})
        assert _run("legacy", "uri_escape", text) == answer.output, text


def test_cio_encoders_of_nothing_and_numbers() -> None:
    """``url_encode``/``url_decode`` of nothing is nothing; numbers are encoded as their text."""
    assert _run("legacy", "url_encode", None) is None
    assert _run("legacy", "url_decode", None) is None
    assert _run("legacy", "escape", None) == ""
    assert _run("legacy", "md5", 5) == "e4da3b7fbbce2345d7772b0674a318d5"
    assert _run("latest", "sha1", 1.0) == "356a192b7913b04c54574d18c28d46e6395428ab"  # "1"


def test_cio_hmac_needs_its_key() -> None:
    """``hmac_sha1`` without a key names the filter and what it takes."""
    with pytest.raises(TypeError, match="'hmac_sha1' takes one argument, the secret key"):
        _run("latest", "hmac_sha1", "x")


def test_cio_escape_of_huge_text_is_bounded() -> None:
    """Percent-encoding can triple a text; the result is checked against the output cap."""
    from composer.liquid.errors import RenderLimitError

    with pytest.raises(RenderLimitError):
        _run("legacy", "escape", "é" * (3 * 1024 * 1024))
