"""A real :class:`~composer.liquid.cio.api.Call` for each version, without an engine.

Customer.io's filters only see values through the ``Call`` an engine lends them:
``to_text``, ``to_number``, ``is_nil``, ``evaluate`` and ``render_source``. The tests call
the filters directly with a ``Call`` built from the small functions below, which do what
each real engine does, so that a filter's output here is its output in the engine:

* legacy: ``to_text`` is what Ruby Liquid 2.5.3 writes for a value (``Array#join`` for a
  list, ``Hash#inspect`` for a hash, ``Float#to_s``, a time as ``Time#to_s``);
  ``to_number`` is 2.5.3's ``StandardFilters#to_number`` (``/^\\d+\\.\\d+$/`` → ``to_f``,
  any other text → ``to_i``, non-numbers → 0); nil is ``None``.
* latest: ``to_text`` is LiquidJS's ``stringify`` (lists joined with nothing, hashes as
  ``[object Object]``, JavaScript's number text); ``to_number`` is JavaScript's
  ``Number()``; nil is ``None`` or :data:`UNDEFINED`.

``test_cio_call_fidelity`` (in ``test_cio_registry.py``) checks these against real Ruby
and node for a table of values. ``evaluate`` reads a literal or a dotted path from the
test's scope; ``render_source`` replaces ``{{ name }}`` from the scope (enough for the
``render_liquid`` tag's own logic; the engines' end-to-end tests cover the rest).

:func:`run_ruby` and :func:`run_node` run a script in the real interpreter with a JSON
input and give back its JSON output: skipped where the interpreter is missing, failed
when ``CI`` is set.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from composer.liquid.cio.api import Call
from composer.liquid.cio.json_filters import js_number
from composer.liquid.errors import RenderLimitError
from composer.liquid.state import NESTING_LIMIT, RenderState

NOW = dt.datetime(2017, 1, 1, 12, 0, tzinfo=dt.UTC)
"""The fixed 'now' of every test Call (1483272000, the docs' favourite timestamp)."""


class _Undefined:
    """LiquidJS's ``undefined``: nil, written as nothing."""

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED = _Undefined()


def ruby_float(value: float) -> str:
    """``Float#to_s``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1, value) < 0 else "0.0"
    text = repr(abs(value))
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0") or "0"
    if -4 < point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if 0 < point < 16:
        return f"{sign}{digits[:point].ljust(point, '0')}.{digits[point:] or '0'}"
    exp = point - 1
    return f"{sign}{digits[0]}.{digits[1:] or '0'}e{'+' if exp >= 0 else '-'}{abs(exp):02d}"


def _ruby_inspect(value: object, depth: int = 0) -> str:
    _too_deep(depth)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "nil"
    if isinstance(value, Mapping):
        inner = (f"{_ruby_inspect(k)}=>{_ruby_inspect(v, depth + 1)}" for k, v in value.items())
        return "{" + ", ".join(inner) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_ruby_inspect(v, depth + 1) for v in value) + "]"
    return ruby_text(value)


def _too_deep(depth: int) -> None:
    if depth > NESTING_LIMIT:
        raise RenderLimitError(f"values nested more than {NESTING_LIMIT} deep")


def ruby_text(value: object, depth: int = 0) -> str:
    """What Ruby Liquid 2.5.3 writes for ``{{ value }}`` (too deep a value: the engines'
    nesting guard)."""
    _too_deep(depth)
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return ruby_float(float(value))
    if isinstance(value, list):
        return "".join(ruby_text(item, depth + 1) for item in value)
    if isinstance(value, Mapping):
        return _ruby_inspect(value, depth)
    if isinstance(value, dt.datetime):
        zone = "UTC" if value.tzinfo is dt.UTC else value.strftime("%z")
        return value.strftime("%Y-%m-%d %H:%M:%S ") + zone
    return str(value)


def ruby_number(value: object) -> int | float | Decimal:
    """Liquid 2.5.3's ``to_number``."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, str):
        if re.fullmatch(r"\d+\.\d+", value.strip()):
            return float(value.strip())
        match = re.match(r"\s*([+-]?\d+(?:_\d+)*)", value)
        return int(match.group(1).replace("_", "")) if match else 0
    return 0


def js_text(value: object, depth: int = 0) -> str:
    """LiquidJS's ``stringify`` (too deep a value: the engines' nesting guard)."""
    _too_deep(depth)
    if isinstance(value, str):
        return value
    if value is None or value is UNDEFINED:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return js_number(value)
    if isinstance(value, list):
        return "".join(js_text(item, depth + 1) for item in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)


def js_number_of(value: object) -> int | float:
    """JavaScript's ``Number(value)``."""
    if value is UNDEFINED:
        return math.nan
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        for depth in range(NESTING_LIMIT + 2):  # Number([[5]]) is 5: one item, unwrapped
            _too_deep(depth)
            if not isinstance(value, list) or len(value) != 1:
                break
            value = value[0]
        if isinstance(value, list):
            return 0 if not value else math.nan
        return js_number_of(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        try:
            number = (
                float(text)
                if re.fullmatch(r"[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?Infinity", text)
                else math.nan
            )
        except ValueError:
            return math.nan
        return (
            int(number)
            if number.is_integer()
            and abs(number) < 2**53
            and "." not in text
            and "e" not in text.lower()
            else number
        )
    return math.nan


def make_call(
    version: str,
    name: str = "f",
    *,
    scope: Mapping[str, object] | None = None,
    now: dt.datetime | None = NOW,
    zone: dt.tzinfo = dt.UTC,
    state: RenderState | None = None,
    index: int | None = 0,
) -> Call:
    """A Call of ``version`` for the filter or tag ``name``, with a fresh render state."""
    scope = dict(scope or {})
    legacy = version == "legacy"

    def evaluate(expression: str) -> object:
        text = expression.strip()
        if text in ("true", "false", "nil", "null"):
            return {"true": True, "false": False}.get(text)
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            return text[1:-1]
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if re.fullmatch(r"-?\d+\.\d+", text):
            return float(text)
        value: object = scope
        for part in text.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
            if value is None:
                return None if legacy else UNDEFINED
        return value

    def render_source(source: str) -> str:
        return re.sub(
            r"\{\{\s*([\w.]+)\s*\}\}",
            lambda m: (ruby_text if legacy else js_text)(evaluate(m.group(1))),
            source,
        )

    return Call(
        version="legacy" if legacy else "latest",
        state=state or RenderState.begin(zone=zone, now=now, deadline=None),
        index=index,
        name=name,
        to_text=(lambda v: ruby_text(v)) if legacy else (lambda v: js_text(v)),
        to_number=ruby_number if legacy else js_number_of,
        is_nil=(lambda v: v is None) if legacy else (lambda v: v is None or v is UNDEFINED),
        evaluate=evaluate,
        render_source=render_source,
    )


def _run(program: str, args: list[str], stdin: object) -> Any:
    path = shutil.which(program)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is needed in CI to check Customer.io's filters")
        pytest.skip(f"{program} is not installed")
    done = subprocess.run(
        [path, *args],
        input=json.dumps(stdin),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env=dict(os.environ, TZ="UTC", LANG="C.UTF-8", LC_ALL="C.UTF-8"),
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"{program} failed: {done.stderr}")
    return json.loads(done.stdout)


def run_node(script: str, data: object) -> Any:
    """Run ``script`` in node with ``data`` as the JSON in ``input``; it sets ``output``."""
    program = (
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\nlet output;\n"
        f"{script}\nprocess.stdout.write(JSON.stringify(output));"
    )
    return _run("node", ["-e", program], data)


def run_ruby(script: str, data: object, *, active_support: bool = True) -> Any:
    """Run ``script`` in Ruby with ``data`` as ``input``; the script sets ``output``."""
    requires = (
        'require "json"; require "cgi"; require "base64"; require "openssl"; require "digest"\n'
    )
    if active_support:
        requires += 'require "active_support/all"\n'
    program = (
        f"{requires}input = JSON.parse($stdin.read)\noutput = nil\n{script}\n"
        "$stdout.write(JSON.generate(output))"
    )
    return _run("ruby", ["-e", program], data)
