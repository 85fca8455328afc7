"""What exists in which version, the test Call's fidelity, and every filter under abuse.

* The registry: each version's Customer.io filters are exactly the table of
  docs/customerio-liquid.md; legacy has no ``default`` (the documented way to tell the
  versions apart relies on that); the tags are the same in both.
* The test Call (:mod:`cio_calls`): its ``to_text``/``to_number`` agree with real Ruby
  (2.5.3's ``to_s``/``join`` and ``to_number``) and node (``String``/``Number``), so the
  other tests' results are the engines' results.
* Every filter, given odd and hostile values and arguments, returns or raises one of the
  errors an engine turns into a render error (``ValueError``, ``TypeError``,
  ``LiquidError``), quickly, and never changes the data it was given.
"""

from __future__ import annotations

import contextlib
import copy
import time
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from bounds import HOSTILE_BOUND_S
from cio_calls import (
    UNDEFINED,
    js_number_of,
    js_text,
    make_call,
    ruby_number,
    ruby_text,
    run_node,
    run_ruby,
)

from composer.liquid.cio import filters_for, tags_for
from composer.liquid.errors import LiquidError

BOTH_FILTERS = {
    "format_number",
    "currency",
    "rounded_currency",
    "random",
    "add_day",
    "add_month",
    "add_year",
    "subtract_day",
    "subtract_month",
    "subtract_year",
    "base64",
    "base64_url_safe_encode",
    "base64_url_safe_decode",
    "hex_base64",
    "md5",
    "sha1",
    "hmac_sha1",
    "from_json",
    "to_json",
    "limit",
    "where_not",
    "pluralize",
    "titlecase",
}
LEGACY_ONLY = {
    "abs",
    "ceil",
    "floor",
    "round",
    "at_least",
    "at_most",
    "timezone",
    "date_to_xmlschema",
    "date_to_rfc822",
    "date_to_string",
    "date_to_long_string",
    "escape",
    "url_encode",
    "cgi_escape",
    "url_decode",
    "uri_escape",
    "xml_escape",
    "htmlencode",
    "base64_encode",
    "base64_decode",
    "sha256",
    "hmac_sha256",
    "json",
    "compact",
    "concat",
    "find",
    "find_exp",
    "group_by",
    "group_by_exp",
    "pop",
    "push",
    "reverse",
    "shift",
    "sort_natural",
    "sum",
    "uniq",
    "unshift",
    "where",
    "where_exp",
    "strip",
    "lstrip",
    "rstrip",
    "slice",
    "replace_last",
    "remove_last",
    "normalize_whitespace",
    "number_of_words",
    "slugify",
    "array_to_sentence_string",
}
LATEST_ONLY = {"json_array_uniq"}
TAGS = {
    "unsubscribe_url",
    "unsubscribe",
    "view_in_browser_url",
    "manage_subscription_preferences_url",
    "tracking_consent_url",
    "cio_link",
    "cio_link_id",
    "subscription_topic_name",
    "countdown",
    "generate_uuid",
    "random",
    "render_liquid",
}
_RUBY_25 = (
    "append capitalize date divided_by downcase escape escape_once first h join last map minus "
    "modulo newline_to_br plus prepend remove remove_first replace replace_first size sort split "
    "strip_html strip_newlines times truncate truncatewords upcase"
)
RUBY_25_STANDARD = set(_RUBY_25.split(" "))


def test_cio_filters_per_version() -> None:
    """Each version's Customer.io filters are exactly the documented table."""
    assert set(filters_for("legacy")) == BOTH_FILTERS | LEGACY_ONLY
    assert set(filters_for("latest")) == BOTH_FILTERS | LATEST_ONLY
    assert set(tags_for("legacy")) == set(tags_for("latest")) == TAGS


def test_cio_legacy_has_no_default() -> None:
    """No ``default`` in legacy: ``nil | default: "latest"`` tells the versions apart."""
    assert "default" not in filters_for("legacy") and "default" not in RUBY_25_STANDARD


def test_cio_legacy_changes_only_escape_of_2_5_3() -> None:
    """Of Liquid 2.5.3's own filters, Customer.io documents a change to ``escape`` only."""
    assert set(filters_for("legacy")) & RUBY_25_STANDARD == {"escape"}


FIDELITY_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -3,
    2**64,
    1.0,
    2.5,
    1e20,
    1e16,
    1e-5,
    0.0001,
    "",
    "abc",
    " 12.5 ",
    "12abc",
    "-4.5",
    "3.0",
    [1, [2, None], "x"],
    {"a": 1, "b": [None, "c"]},
    [],
    "1e3",
    " 7 ",
]


def test_cio_call_fidelity_legacy() -> None:
    """The legacy test Call writes and reads values as Ruby Liquid 2.5.3 does."""
    script = r"""
def to_number(obj)
  case obj
  when Numeric then obj
  when String then (obj.strip =~ /^\d+\.\d+$/) ? obj.to_f : obj.to_i
  else 0
  end
end
output = input.map { |v| [v.is_a?(Array) ? v.join : v.to_s, to_number(v).to_s] }
"""
    expected = run_ruby(script, FIDELITY_VALUES, active_support=False)
    for value, (text, number) in zip(FIDELITY_VALUES, expected, strict=True):
        assert ruby_text(value) == text, value
        assert ruby_text(ruby_number(value)) == number, value


def test_cio_call_fidelity_latest() -> None:
    """The latest test Call writes values as LiquidJS's ``stringify`` and reads ``Number()``."""
    script = """
const stringify = v => v === null || v === undefined ? ''
  : Array.isArray(v) ? v.map(stringify).join('') : String(v);
output = input.map(v => [stringify(v), String(Number(v))]);
"""
    expected = run_node(script, FIDELITY_VALUES)
    for value, (text, number) in zip(FIDELITY_VALUES, expected, strict=True):
        assert js_text(value) == text, value
        assert js_text(js_number_of(value)) == number, value


class _Secrets(Mapping[str, str]):
    """A Mapping that refuses unknown names, as the secrets object does."""

    def __getitem__(self, key: str) -> str:
        if key == "token":
            return "s3cret"
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(["token"])

    def __len__(self) -> int:
        return 1


def _deep() -> object:
    deep: object = "x"
    for _ in range(3000):
        deep = [deep]
    return deep


DEEP = _deep()


def _odd_values() -> list[object]:
    return [
        None,
        UNDEFINED,
        "",
        "abc",
        "1483272000",
        "-1",
        "１２",
        '{"a": [1]}',
        0,
        -1,
        2**200,
        1.5,
        float("nan"),
        float("inf"),
        -0.0,
        True,
        [],
        [1, "a", None],
        [{"name": "n", "v": 1}],
        {"k": "v"},
        _Secrets(),
        "é" * 10_000,
        DEEP,
    ]


ODD_ARGS: list[tuple[object, ...]] = [
    (),
    (None,),
    ("",),
    ("x",),
    (-1,),
    (2**200,),
    (1.5,),
    (float("nan"),),
    ([1],),
    ({"a": 1},),
    ("item", "item.v > 0"),
    ("en", "EUR"),
    ("a", "b", "c"),
]


@pytest.mark.parametrize("version", ["legacy", "latest"])
def test_cio_every_filter_survives_odd_input(version: str) -> None:
    """No filter raises anything but a render error, runs long, or changes its input."""
    allowed = (ValueError, TypeError, LiquidError)
    for name, func in sorted(filters_for(version).items()):
        for value in _odd_values():
            for args in ODD_ARGS:
                mutable = isinstance(value, dict | list) and value is not DEEP
                before = copy.deepcopy(value) if mutable else None
                started = time.perf_counter()
                with contextlib.suppress(*allowed):
                    func(make_call(version, name), value, *args)
                elapsed = time.perf_counter() - started
                assert elapsed < HOSTILE_BOUND_S, (name, args, elapsed)
                if before is not None:
                    assert value == before, (name, args)


@pytest.mark.parametrize("version", ["legacy", "latest"])
def test_cio_every_tag_survives_odd_markup(version: str) -> None:
    """No tag raises anything but a render error for odd markup."""
    for name, tag in sorted(tags_for(version).items()):
        for markup in (
            "",
            "   ",
            "x",
            "url:",
            "url:https://a.io track:",
            "10**9",
            "-5",
            "'unterminated",
            "{{ x }}",
            "%",
        ):
            try:
                text = tag.render(make_call(version, name), markup)
            except (ValueError, TypeError, LiquidError):
                continue
            assert isinstance(text, str)


_LIQUIDJS = (
    "abs append array_to_sentence_string at_least at_most base64_decode base64_encode "
    "capitalize ceil cgi_escape compact concat date date_to_long_string date_to_rfc822 "
    "date_to_string date_to_xmlschema default divided_by downcase escape escape_once find "
    "find_exp find_index find_index_exp first floor group_by group_by_exp has has_exp "
    "hmac_sha256 inspect join json jsonify last lstrip map minus modulo newline_to_br "
    "normalize_whitespace number_of_words plus pop prepend push raw reject reject_exp remove "
    "remove_first remove_last replace replace_first replace_last reverse round rstrip sample "
    "sha256 shift size slice slugify sort sort_natural split squish strip strip_html "
    "strip_newlines sum times to_integer truncate truncatewords uniq unshift upcase uri_escape "
    "url_decode url_encode where where_exp xml_escape"
)
LIQUIDJS_STANDARD = set(_LIQUIDJS.split(" "))


def _cell(name: str, standard: set[str], cio: set[str], engine: str) -> str:
    if name in cio:
        return "Customer.io's (changed)" if name in standard else "Customer.io"
    return engine if name in standard else "—"


def test_cio_docs_matrix_matches_the_code() -> None:
    """docs/customerio-liquid.md's table of what exists where is what the code registers."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "customerio-liquid.md").read_text()
    rows = {}
    for line in text.splitlines():
        parts = [part.strip() for part in line.strip().strip("|").split("|")]
        if (
            len(parts) == 3
            and parts[0].startswith("`")
            and parts[1] in ("2.5.3", "Customer.io", "Customer.io's (changed)", "—")
        ):
            rows[parts[0].strip("`")] = (parts[1], parts[2])
    legacy, latest = set(filters_for("legacy")), set(filters_for("latest"))
    names = RUBY_25_STANDARD | LIQUIDJS_STANDARD | legacy | latest
    expected = {
        name: (
            _cell(name, RUBY_25_STANDARD, legacy, "2.5.3"),
            _cell(name, LIQUIDJS_STANDARD, latest, "LiquidJS"),
        )
        for name in names
    }
    assert rows == expected


HOSTILE_TEXTS = [
    "A" * 200_000,
    "a" * 200_000,
    "1" * 200_000 + "x",
    "{{" * 100_000,
    '"' * 200_000,
    "a:" * 100_000,
    "AB1Cd " * 40_000,
    "[" * 200_000,
    "(GMT+01:00) " + "x" * 200_000,
    "é" * 200_000,
]


@pytest.mark.parametrize("version", ["legacy", "latest"])
def test_cio_hostile_texts_end_quickly(version: str) -> None:
    """Every filter (as input and as argument) and every tag (as markup) answers a long
    hostile text in well under the render deadline: no regular expression backtracks."""
    allowed = (ValueError, TypeError, LiquidError)
    slowest = (0.0, "")
    for text in HOSTILE_TEXTS:
        for name, func in sorted(filters_for(version).items()):
            for args in ((), (text,), ("item", text)):
                started = time.perf_counter()
                with contextlib.suppress(*allowed):
                    func(make_call(version, name), text, *args)
                slowest = max(slowest, (time.perf_counter() - started, f"{name} {text[:8]!r}"))
        for name, tag in sorted(tags_for(version).items()):
            started = time.perf_counter()
            with contextlib.suppress(*allowed):
                tag.render(make_call(version, name), text)
            slowest = max(slowest, (time.perf_counter() - started, f"{name} {text[:8]!r}"))
    assert slowest[0] < HOSTILE_BOUND_S, slowest
