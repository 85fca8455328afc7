"""Output expressions evaluated by their compiled closure give what python-liquid gives.

:func:`composer.liquid_nodes.compiled` replaces ``FilteredExpression.evaluate`` for the
usual shapes; for each expression here both are run on the same context and must agree
on the value, or on the error (its type, message and token).
"""

from __future__ import annotations

from typing import Any

import pytest

from composer.liquid_env import parse, render_template
from composer.liquid_nodes import compiled

CONTEXT: dict[str, Any] = {
    "customer": {"name": 'Ana "A"', "n": 7, "tags": ["a", "b"], "nil": None, "h": {"k": 1}},
    "event": {"data": {"x": 2.5}},
    "list": [3, 1, 2],
}


def _outcome(evaluate: Any, context: Any) -> tuple[str, object]:
    try:
        return "value", evaluate(context)
    except Exception as err:  # the error itself is what is compared
        token = getattr(err, "token", None)
        return type(err).__name__, (str(err), getattr(token, "start_index", None))


@pytest.mark.parametrize(
    "expression",
    [
        "customer.name",
        "customer.name | upcase",
        "customer.name | default: 'x' | json",
        "customer.missing | default: customer.name | append: ' !'",
        "customer.nil | default: 'x', allow_false: true",
        "customer.n | plus: 1 | times: 2.5",
        "customer.n | divided_by: 0",
        "customer.n | modulo: 'abc'",
        "customer.tags | join: ', ' | size",
        "customer.tags[0] | capitalize",
        "customer.h | json",
        "event.data.x | round",
        "list | sort | first",
        "list | sort: 'x'",
        "'now' | date: '%Y'",
        "'2024-01-02' | date: '%d.%m.%Y'",
        "customer.name | truncate: 3, '…'",
        "customer.name | replace: 'A', 'B', 'C'",
        "customer.name | nosuchfilter",
        "customer.name | slice",
        "customer.name | split: ' ' | last",
        "customer['name'] | downcase",
        "customer.name | where: 'x'",
        "true | json",
        "1.5 | plus: 1",
        "nil | default: 2",
        "customer.name | base64_decode",
        "(1..3) | join: '-'",
    ],
)
def test_compiled_output_agrees_with_python_liquid(expression: str) -> None:
    try:
        template = parse("{{ " + expression + " }}")
    except Exception:  # an unknown filter is refused while parsing: nothing to compare
        return
    [node] = template.nodes
    context = template.context_class(template, globals=dict(CONTEXT))
    fast = compiled(node.expression)  # type: ignore[attr-defined]
    slow = node.expression.evaluate  # type: ignore[attr-defined]
    assert _outcome(fast, context) == _outcome(slow, context)


def test_missing_variables_are_recorded_in_argument_order() -> None:
    outcome = render_template("{{ a.b | default: c.d | append: e }}", {"a": {}})
    assert [m.path for m in outcome.missing] == ["a.b", "c", "e"]
