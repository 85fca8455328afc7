"""Hostile JSON files (deep, huge numbers, lone surrogates): one plain error, never a traceback.

Each case is a real file read the way the commands read it: a request file, a context
file and a people file, and then the same files through the command line as
subprocesses, which must exit 2 with one line naming the file and where.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from composer.errors import InvalidFileError
from composer.json_input import MAX_DEPTH, JsonProblem, line_column, parse, value_problem
from composer.model import Request, load_context
from composer.store.people_io import read_people

DEEP = "[" * 5000 + "]" * 5000
JUST_DEEP_ENOUGH = "[" * MAX_DEPTH + "]" * MAX_DEPTH
HUGE_INT = "9" * 5000
LONG_INT = "9" * 101

# (case, the hostile JSON value as text, what the error says)
HOSTILE = [
    ("deep", DEEP, "nest more than 64 levels deep"),
    ("a little too deep", "[" * 65 + "]" * 65, "nest more than 64 levels deep"),
    ("huge integer", HUGE_INT, "an integer of more than 100 digits"),
    ("long integer", "-" + LONG_INT, "an integer of more than 100 digits"),
    ("number beyond a double", "1e999", "a number too large to store"),
    ("NaN", "NaN", "invalid JSON: NaN is not a JSON value"),
    ("lone high surrogate", '"a\\ud800b"', "\\ud800 is half of a UTF-16 surrogate pair"),
    ("lone low surrogate", '"\\udc00"', "\\udc00 is half of a UTF-16 surrogate pair"),
    ("high then not low", '"\\ud83d\\u0041"', "\\ud83d is half of a UTF-16 surrogate pair"),
]

# Where each kind of file puts the hostile value, and how it is read.
Reader = Callable[[Path], Any]
TEMPLATES = {
    "request": '{"name": "n", "url": "https://e.com/", "body": VALUE}',
    "context": '{"customer": {"id": "1", "x": VALUE}}',
    "people": '[{"id": "1", "attributes": {"x": VALUE}}]',
}
READERS: dict[str, Reader] = {
    "request": Request.from_file,
    "context": load_context,
    "people": read_people,
}


@pytest.mark.parametrize("kind", list(TEMPLATES))
@pytest.mark.parametrize(("case", "value", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_json_is_one_plain_error_with_line_and_column(
    tmp_path: Path, kind: str, case: str, value: str, reason: str
) -> None:
    text = TEMPLATES[kind].replace("VALUE", value)
    read = READERS[kind]
    path = tmp_path / f"{kind}.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidFileError) as caught:
        read(path)
    error = caught.value
    assert error.source == str(path)
    assert reason in error.reason
    assert error.where is not None and error.where.startswith("line 1, column ")
    column = int(error.where.rsplit(" ", 1)[1])
    start = TEMPLATES[kind].index("VALUE")  # the value's first character is column start + 1
    assert start < column <= start + len(value)
    assert "\n" not in str(error)
    str(error).encode("utf-8")  # printable: a surrogate would not encode


@pytest.mark.parametrize(
    "text",
    [
        JUST_DEEP_ENOUGH,
        "9" * 100,
        "-" + "9" * 100,
        "1.7976931348623157e308",
        '"\\ud83d\\ude00 and a literal \\\\ud800"',
        '{"a": [1, 2.5, true, null, "x"]}',
    ],
)
def test_values_within_the_limits_are_read(text: str) -> None:
    assert parse(text) == json.loads(text)


def test_the_error_points_at_the_first_offender_across_lines() -> None:
    text = '{\n  "ok": 1,\n  "x": [' + "9" * 150 + "]\n}"
    with pytest.raises(JsonProblem) as caught:
        parse(text)
    assert caught.value.limit
    assert caught.value.position is not None
    assert line_column(text, caught.value.position) == "line 3, column 9"


def test_a_syntax_error_is_not_a_limit() -> None:
    with pytest.raises(JsonProblem) as caught:
        parse('{"a": }')
    assert not caught.value.limit


@pytest.mark.parametrize(
    ("value", "depth", "problem"),
    [
        ({"a": [[1]]}, 3, None),
        ({"a": [[1]]}, 2, "nests more than 2 levels deep"),
        ([10**100], 5, "holds an integer of more than 100 digits"),
        ([10**100 - 1], 5, None),
        ({"k": float("inf")}, 5, "holds a number too large to store"),
        ({"\ud800": 1}, 5, "holds half of a UTF-16 surrogate pair"),
        ("x\udfffy", 5, "holds half of a UTF-16 surrogate pair"),
        ("\U0001f600", 0, None),
    ],
)
def test_value_problem(value: object, depth: int, problem: str | None) -> None:
    found = value_problem(value, depth)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)


# -- the command line --------------------------------------------------------------


def run(python: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "composer", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


COMMANDS = {
    "request": lambda path, data: ["requests", "import", path, "--data-dir", data],
    "context": lambda path, data: ["render", str(Path(path).parent / "ok.json"),
                                   "--context", path],
    "people": lambda path, data: ["people", "import", path, "--data-dir", data],
}  # fmt: skip
CLI_CASES = [HOSTILE[0], HOSTILE[2], HOSTILE[6]]


@pytest.mark.parametrize("kind", list(TEMPLATES))
@pytest.mark.parametrize(("case", "value", "reason"), CLI_CASES, ids=[h[0] for h in CLI_CASES])
def test_commands_exit_2_with_one_line_naming_file_and_place(
    python: str,
    cli_env: dict[str, str],
    tmp_path: Path,
    kind: str,
    case: str,
    value: str,
    reason: str,
) -> None:
    (tmp_path / "ok.json").write_text('{"name": "n", "url": "https://e.com/"}', encoding="utf-8")
    path = tmp_path / f"{kind}.json"
    path.write_text(TEMPLATES[kind].replace("VALUE", value), encoding="utf-8")
    result = run(python, cli_env, *COMMANDS[kind](str(path), str(tmp_path / "data")))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"webhook-composer: {path}: line 1, column ")
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
