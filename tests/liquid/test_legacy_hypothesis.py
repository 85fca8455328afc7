"""Legacy Liquid against the real Ruby Liquid 2.5.3 on generated templates (hypothesis).

Templates come from a small grammar: text, outputs of literals and variables through
chains of filters with arguments, ``if``/``unless``/``case``/``for`` with conditions,
``assign`` and ``capture``; the data from nil, booleans, integers, floats, strings with
quotes, unicode and white space, arrays and hashes, nested. Each example is rendered by
both engines and must come out byte for byte the same. Derandomized and bounded, so the
run is the same every time and takes well under a minute.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from legacy_compare import difference

NAMES = ["a", "b", "c", "arr", "h", "s"]
FILTERS = {
    "size": 0,
    "downcase": 0,
    "upcase": 0,
    "capitalize": 0,
    "escape": 0,
    "h": 0,
    "escape_once": 0,
    "truncate": 2,
    "truncatewords": 2,
    "split": 1,
    "strip_html": 0,
    "strip_newlines": 0,
    "join": 1,
    "sort": 1,
    "map": 1,
    "replace": 2,
    "replace_first": 2,
    "remove": 1,
    "remove_first": 1,
    "append": 1,
    "prepend": 1,
    "newline_to_br": 0,
    "date": 1,
    "first": 0,
    "last": 0,
    "plus": 1,
    "minus": 1,
    "times": 1,
    "divided_by": 1,
    "modulo": 1,
    "nosuch": 1,
    "default": 1,
}
OPERATORS = ["==", "!=", "<>", "<", ">", "<=", ">=", "contains"]

text = st.text(
    alphabet=st.sampled_from([*"ab Z19.,-_'\"\n\t<>&é☃ΣßŉİǅǇ%:/|", "\u00a0", "😀"]),
    max_size=8,
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=-5, max_value=30),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e18, max_value=1e18),
    st.sampled_from([0.0, -0.0, 6.0, 2.5, 1e-05, 1e16, 0.1, 1700000000]),
    text,
    st.sampled_from(["12.5", "-1.5", "42", " 7 ", "2024-01-15T10:30:00Z", "Jan 5 2024", "", "  "]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["a", "b", "n", "v", "x y"]), inner, max_size=3),
    ),
    max_leaves=8,
)
contexts = st.fixed_dictionaries({name: values for name in NAMES})


def _quoted(value: str) -> str:
    return f"'{value}'" if "'" not in value else f'"{value}"' if '"' not in value else "'x'"


literals = st.one_of(
    st.integers(min_value=-100, max_value=100).map(str),
    st.sampled_from(
        [
            "1.5",
            "-0.5",
            "2.0",
            "nil",
            "true",
            "false",
            "blank",
            "empty",
            "(1..3)",
            "(a..3)",
            "''",
            "' '",
            "'%Y-%m-%d'",
            "'%H:%M %Z'",
            "'a'",
            "'n'",
            "','",
        ]
    ),
    text.filter(lambda value: not ("'" in value and '"' in value)).map(_quoted),
)
variables = st.one_of(
    st.sampled_from(NAMES),
    st.builds(
        lambda name, part: f"{name}{part}",
        st.sampled_from(NAMES),
        st.sampled_from([".a", ".n", ".size", ".first", ".last", "[0]", "[1]", "['a']", ".x y"]),
    ),
    st.just("missing.x"),
)
expressions = st.one_of(literals, variables)


@st.composite
def filter_chains(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        name = draw(st.sampled_from(sorted(FILTERS)))
        count = draw(st.integers(min_value=0, max_value=FILTERS[name] + 1))
        arguments = [draw(expressions) for _ in range(count)]
        parts.append(f" | {name}" + (": " + ", ".join(arguments) if arguments else ""))
    return "".join(parts)


@st.composite
def outputs(draw: st.DrawFn) -> str:
    return f"{{{{ {draw(expressions)}{draw(filter_chains())} }}}}"


@st.composite
def conditions(draw: st.DrawFn) -> str:
    parts = []
    for i in range(draw(st.integers(min_value=1, max_value=3))):
        if i:
            parts.append(draw(st.sampled_from(["and", "or"])))
        if draw(st.booleans()):
            parts.append(
                f"{draw(expressions)} {draw(st.sampled_from(OPERATORS))} {draw(expressions)}"
            )
        else:
            parts.append(draw(expressions))
    return " ".join(parts)


def templates(depth: int = 2) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        text.filter(lambda value: "{" not in value),
        outputs(),
        st.builds(
            lambda n, v: f"{{% assign {n} = {v} %}}",
            st.sampled_from(NAMES),
            outputs().map(lambda o: o[3:-3]),
        ),
        st.builds(
            lambda tag, n: f"{{% {tag} {n} %}}",
            st.sampled_from(["increment", "decrement"]),
            st.sampled_from(NAMES),
        ),
        st.builds(lambda a, b: f"{{% cycle {a}, {b} %}}", expressions, expressions),
        st.builds(lambda g, a: f"{{% cycle {g}: {a}, 'z' %}}", expressions, expressions),
        st.sampled_from(
            [
                "{% break %}",
                "{% continue %}",
                "{% raw %}{{ a }}{% endraw %}",
                "{{- a -}}",
                "{% comment %}{{ a }}{% endcomment %}",
                '{{ a" }}',
                "{{ a b }}",
                "{{ a | }}",
            ]
        ),
    )
    if depth == 0:
        return leaf
    body = st.lists(templates(depth - 1), max_size=3).map("".join)
    blocks = st.one_of(
        st.builds(
            lambda c, t, e: f"{{% if {c} %}}{t}{{% else %}}{e}{{% endif %}}",
            conditions(),
            body,
            body,
        ),
        st.builds(lambda c, t: f"{{% unless {c} %}}{t}{{% endunless %}}", conditions(), body),
        st.builds(
            lambda v, w1, t1, w2, t2: (
                f"{{% case {v} %}}{{% when {w1} %}}{t1}{{% when {w2} %}}{t2}{{% endcase %}}"
            ),
            expressions,
            expressions,
            body,
            expressions,
            body,
        ),
        st.builds(
            lambda n, c, options, t: (
                f"{{% for {n} in {c}{options} %}}{t}{{% else %}}E{{% endfor %}}"
            ),
            st.sampled_from(["x", "a"]),
            expressions,
            st.sampled_from(["", " reversed", " limit:2", " offset:1", " limit:1 offset:continue"]),
            body,
        ),
        st.builds(
            lambda n, t: f"{{% capture {n} %}}{t}{{% endcapture %}}{{{{ {n} }}}}",
            st.sampled_from(NAMES),
            body,
        ),
        st.builds(
            lambda c, options, t: f"{{% tablerow x in {c}{options} %}}{t}{{% endtablerow %}}",
            expressions,
            st.sampled_from(["", " cols:2", " limit:2 offset:1", " cols:a"]),
            body,
        ),
        st.builds(lambda t: f"{{% ifchanged %}}{t}{{% endifchanged %}}", body),
    )
    return st.one_of(leaf, blocks)


@settings(
    max_examples=2000,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(template=st.lists(templates(), min_size=1, max_size=4).map("".join), context=contexts)
def test_generated_templates_render_as_ruby(
    legacy_oracle: Any, template: str, context: dict[str, Any]
) -> None:
    assert difference(legacy_oracle, template, context) is None
