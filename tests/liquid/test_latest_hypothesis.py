"""Property: for templates and data drawn from a grammar, we render what LiquidJS renders.

The grammar draws data (nil, booleans, integers, floats, strings with quotes, unicode
and white space, arrays, hashes, nested), literals, variable paths, every LiquidJS
filter but ``sample`` (random) with arguments, outputs, ``if``/``unless``/``case``/
``for``/``tablerow`` with conditions, ``assign``/``capture``/``cycle``/``increment``,
whitespace control and raw text. Derandomized and bounded so it runs in well under a
minute.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from latest_check import mismatch

from composer.liquid.latest.filters import FILTERS

NAMES = ["a", "b", "c", "items", "h", "s", "n"]
FILTER_NAMES = sorted(set(FILTERS) - {"sample"})
TEXT = st.text(
    alphabet=st.sampled_from(list("ab xyz,.:-_'\"\\\n\t{}%|<>&é😀\u00a0ßİ0123456789")),
    max_size=8,
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.sampled_from([0.5, -2.25, 1e21, 1.5e-7, 3.0, 0.1, 2**53 + 1, -0.0])
    | TEXT
)
DATA = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["x", "y", "name", "size", "first", "1"]), inner, max_size=3
        )
    ),
    max_leaves=8,
)
CONTEXT = st.fixed_dictionaries({name: DATA for name in NAMES})


def _quoted(text: str) -> str:
    quote = "'" if '"' in text else '"'
    return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


LITERAL = st.one_of(
    st.integers(-50, 50).map(str),
    st.sampled_from(["1.5", "-0.5", "2.0", "true", "false", "nil", "empty", "blank", "(1..3)"]),
    TEXT.map(_quoted),
)
PATH = st.builds(
    lambda root, rest: root + "".join(rest),
    st.sampled_from([*NAMES, "missing", "forloop"]),
    st.lists(
        st.sampled_from([".x", ".name", ".size", ".first", ".last", "[0]", "[-1]", '["y"]', "[n]"]),
        max_size=2,
    ),
)
VALUE = st.one_of(LITERAL, PATH)
OPERATOR = st.sampled_from(["==", "!=", "<", ">", "<=", ">=", "contains"])
CONDITION = st.recursive(
    st.one_of(VALUE, st.builds(lambda a, op, b: f"{a} {op} {b}", VALUE, OPERATOR, VALUE)),
    lambda inner: st.builds(
        lambda a, joiner, b: f"{a} {joiner} {b}", inner, st.sampled_from(["and", "or"]), inner
    ),
    max_leaves=3,
)


@st.composite
def filtered(draw: st.DrawFn) -> str:
    """A value and up to three filters with arguments."""
    parts = [draw(VALUE)]
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(FILTER_NAMES))
        args = draw(st.lists(VALUE, max_size=2))
        parts.append(name + (": " + ", ".join(args) if args else ""))
    return " | ".join(parts)


def _dash(draw: st.DrawFn) -> tuple[str, str]:
    return draw(st.sampled_from(["", "-"])), draw(st.sampled_from(["", "-"]))


@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> str:
    """One part of a template: text, an output, or a tag (blocks nest twice)."""
    kinds = ["text", "output", "assign", "capture", "cycle", "increment"]
    if depth < 2:
        kinds += ["if", "unless", "case", "for", "tablerow"]
    kind = draw(st.sampled_from(kinds))
    left, right = _dash(draw)
    if kind == "text":
        return draw(TEXT).replace("{", "(")
    if kind == "output":
        return f"{{{{{left} {draw(filtered())} {right}}}}}"
    if kind == "assign":
        return f"{{%{left} assign {draw(st.sampled_from(NAMES))} = {draw(filtered())} {right}%}}"
    if kind == "cycle":
        return "{% cycle " + ", ".join(draw(st.lists(LITERAL, min_size=1, max_size=3))) + " %}"
    if kind == "increment":
        counter = draw(st.sampled_from(["increment", "decrement"]))
        return f"{{% {counter} {draw(st.sampled_from(NAMES))} %}}"
    body = "".join(draw(st.lists(block(depth + 1), max_size=3)))
    other = "".join(draw(st.lists(block(depth + 1), max_size=2)))
    if kind == "capture":
        return f"{{% capture {draw(st.sampled_from(NAMES))} %}}{body}{{% endcapture %}}"
    if kind in ("if", "unless"):
        middle = f"{{% elsif {draw(CONDITION)} %}}" if draw(st.booleans()) else ""
        tail = f"{{% else %}}{other}" if draw(st.booleans()) else ""
        return f"{{%{left} {kind} {draw(CONDITION)} {right}%}}{body}{middle}{tail}{{% end{kind} %}}"
    if kind == "case":
        whens = "".join(
            f"{{% when {', '.join(draw(st.lists(VALUE, min_size=1, max_size=2)))} %}}{body}"
            for _ in range(draw(st.integers(1, 2)))
        )
        return f"{{% case {draw(VALUE)} %}}{whens}{{% else %}}{other}{{% endcase %}}"
    options = " ".join(
        draw(
            st.lists(st.sampled_from(["limit: 2", "offset: 1", "reversed", "limit: n"]), max_size=2)
        )
    )
    variable = draw(st.sampled_from(["i", "a"]))
    collection = draw(st.one_of(PATH, st.just("(1..4)")))
    if kind == "tablerow":
        return f"{{% tablerow {variable} in {collection} cols: 2 %}}{body}{{% endtablerow %}}"
    tail = f"{{% else %}}{other}" if draw(st.booleans()) else ""
    return f"{{% for {variable} in {collection} {options} %}}{body}{tail}{{% endfor %}}"


TEMPLATE = st.lists(block(), min_size=1, max_size=4).map("".join)


@settings(
    max_examples=1200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(template=TEMPLATE, context=CONTEXT)
def test_latest_matches_liquidjs(
    latest_oracle: Any, template: str, context: dict[str, Any]
) -> None:
    """Our output (or failure) is LiquidJS's."""
    found = mismatch(latest_oracle, template, json.loads(json.dumps(context)))
    assert found is None, f"{template!r} with {context!r}: {found}"
