"""The guards around every render: loops, output, namespace, deadline, nesting, cache.

A runaway template must end with an error the linter can show, never freeze or crash
the process. Times are printed (``-s``), not asserted.
"""

from __future__ import annotations

import itertools
import time

import pytest
from liquid.exceptions import (
    LocalNamespaceLimitError,
    LoopIterationLimitError,
    OutputStreamLimitError,
    ResourceLimitError,
)

from composer.liquid_env import (
    OUTPUT_LIMIT,
    RenderLimitError,
    RenderOutcome,
    environment,
    parse,
    render_template,
)

CHUNK = "x" * 100_000


def _timed(
    source: str, context: dict[str, object] | None = None, deadline: float | None = None
) -> RenderOutcome:
    started = time.monotonic()
    outcome = render_template(source, context or {}, deadline=deadline)
    print(f"{time.monotonic() - started:.3f}s {type(outcome.error).__name__}: {source[:60]}")
    return outcome


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in (1..100000000) %}x{% endfor %}",
        "{% for i in (1..1000) %}{% for j in (1..1000) %}{% for k in (1..10) %}x{% endfor %}"
        "{% endfor %}{% endfor %}",
        "{% liquid\nfor i in (1..100000000)\necho i\nendfor\n%}",
    ],
)
def test_runaway_loops_stop_before_starting(source: str) -> None:
    outcome = _timed(source)
    assert isinstance(outcome.error, LoopIterationLimitError)
    assert outcome.text == ""


def test_a_filter_on_a_huge_range_is_refused() -> None:
    outcome = _timed("{{ (1..100000000) | join: ',' }}")
    assert isinstance(outcome.error, ResourceLimitError)


def test_output_limit() -> None:
    outcome = _timed("{% for i in (1..200) %}{{ chunk }}{% endfor %}", {"chunk": CHUNK})
    assert isinstance(outcome.error, RenderLimitError)
    assert "larger than 16 MiB" in str(outcome.error.message)
    assert len(outcome.text) <= OUTPUT_LIMIT


def test_output_limit_inside_capture() -> None:
    source = "{% capture c %}{% for i in (1..200) %}{{ chunk }}{% endfor %}{% endcapture %}{{ c }}"
    outcome = _timed(source, {"chunk": CHUNK})
    assert isinstance(outcome.error, OutputStreamLimitError)


def test_namespace_limit() -> None:
    source = "{% for i in (1..40) %}{% assign s = s | append: chunk %}{% endfor %}{{ s | size }}"
    outcome = _timed(source, {"chunk": CHUNK * 10})
    assert isinstance(outcome.error, LocalNamespaceLimitError)


@pytest.mark.parametrize(
    "source",
    [
        "before{% for i in (1..10) %}x{% endfor %}",
        "{% for i in (1..1000) %}{% endfor %}",  # a loop that writes and looks up nothing
        "{% assign a = 1 %}",
        "{{ 1 | plus: 1 }}",
        "{% capture c %}text{% endcapture %}",
    ],
)
def test_a_passed_deadline_stops_at_the_first_step(source: str) -> None:
    outcome = _timed(source, deadline=time.monotonic() - 1)
    assert isinstance(outcome.error, RenderLimitError)
    assert outcome.text == ""


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in (1..999999) %}{{ i }}{% endfor %}",
        "{% for i in (1..999999) %}{% endfor %}",
        "{% for i in (1..999999) %}{% assign s = s | append: 'xx' %}{% endfor %}",
        "{% capture c %}{% for i in (1..999999) %}xx{% endfor %}{% endcapture %}",
    ],
)
def test_a_short_deadline_stops_a_heavy_template(source: str) -> None:
    outcome = _timed(source, deadline=time.monotonic() + 0.05)
    assert isinstance(outcome.error, RenderLimitError)
    assert "too long" in str(outcome.error.message)
    assert len(outcome.text) < 6 * 999999


@pytest.mark.parametrize(
    "source",
    [
        "{% if true %}" * 3000 + "x" + "{% endif %}" * 3000,
        "{% for i in (1..1) %}" * 3000 + "x" + "{% endfor %}" * 3000,
        "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
        "{{ d }}",
        "{{ d | json }}",
        "{{ d | replace: '=>', ':' }}",
    ],
)
def test_deep_nesting_is_an_error_not_a_crash(source: str) -> None:
    deep: dict[str, object] = {}
    node = deep
    for _ in range(5000):
        child: dict[str, object] = {}
        node["a"] = child
        node = child
    outcome = _timed(source, {"d": deep})
    assert outcome.error is not None


def test_parse_cache_returns_the_same_template() -> None:
    source = "Hello {{ customer.name }}"
    assert parse(source) is parse(source)
    assert parse(source) is not parse(source + " ")
    first = render_template(source, {"customer": {"name": "Ada"}})
    second = render_template(source, {"customer": {"name": "Bob"}})
    assert (first.text, second.text) == ("Hello Ada", "Hello Bob")


def test_render_state_does_not_leak_between_renders() -> None:
    first = render_template("{% increment n %}{{ missing }}", {})
    second = render_template("{% increment n %}", {})
    assert (first.text, second.text) == ("0", "0")
    assert [m.path for m in first.missing] == ["missing"]
    assert second.missing == ()


def test_syntax_errors_are_returned_not_raised() -> None:
    outcome = render_template("{% if %}", {})
    assert outcome.error is not None
    assert outcome.text == ""


ODD_VALUES: dict[str, object] = {
    "n": None,
    "t": True,
    "z": 0,
    "neg": -1.5,
    "e": "",
    "s": "a b,c",
    "l": [],
    "arr": [1, "a", None, [2.5]],
    "h": {"a": 1, "b": [None]},
    "big": 2**80,
    "inf": float("inf"),
    "date": "2024-01-02",
}
ODD_INPUTS = [*ODD_VALUES, "missing", "(1..3)", "1.5"]
ODD_ARGS = [
    "",
    ": 'a'",
    ": 0",
    ": -2",
    ": 'a', 'b'",
    ": arr",
    ": h",
    ": n",
    ": 1, 2",
    ": 'a', x: 1",
]


@pytest.mark.parametrize("name", sorted(environment.filters))
def test_every_filter_on_every_kind_of_value_renders_or_reports(name: str) -> None:
    # Text or a Liquid error, never an exception out of render_template.
    for value, args in itertools.product(ODD_INPUTS, ODD_ARGS):
        outcome = render_template(f"{{{{ {value} | {name}{args} }}}}", ODD_VALUES)
        assert isinstance(outcome.text, str)
