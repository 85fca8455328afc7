"""``webhook-composer render`` as a subprocess: output shape and exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest


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


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    request = {
        "name": "Card",
        "url": "https://api.example.com/cards?key={{ secrets.key }}",
        "headers": [{"name": "Content-Type", "value": "application/json"}],
        "body": '{"name": {{ customer.name | json }}}',
    }
    broken = {**request, "body": '{"name": "{{ customer.name }}"}'}
    paths = {
        "request": tmp_path / "request.json",
        "broken": tmp_path / "broken.json",
        "context": tmp_path / "context.json",
        "invalid": tmp_path / "invalid.json",
    }
    paths["request"].write_text(json.dumps(request), encoding="utf-8")
    paths["broken"].write_text(json.dumps(broken), encoding="utf-8")
    paths["context"].write_text(json.dumps({"customer": {"name": 'Zoë "Z"'}}), encoding="utf-8")
    paths["invalid"].write_text('{"name": "x", "url": 3}', encoding="utf-8")
    return paths


def test_render_json_shape_and_exit_0(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    result = run(
        python,
        cli_env,
        "render",
        str(files["request"]),
        "--context",
        str(files["context"]),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == ["method", "url", "headers", "body", "liquid_version", "diagnostics"]
    assert out == {
        "method": "POST",
        "url": "https://api.example.com/cards?key=••••••",
        "headers": [["Content-Type", "application/json"]],
        "body": '{"name": "Zoë \\"Z\\""}',
        "liquid_version": "latest",  # the file names none and there is no workspace
        "diagnostics": [],
    }


def test_render_with_error_exits_1_and_lists_it(
    python: str, cli_env: dict[str, str], files: dict[str, Path]
) -> None:
    result = run(
        python,
        cli_env,
        "render",
        str(files["broken"]),
        "--context",
        str(files["context"]),
        "--json",
    )
    assert result.returncode == 1
    (diagnostic,) = json.loads(result.stdout)["diagnostics"]
    assert list(diagnostic) == ["severity", "where", "line", "column", "message"]
    assert diagnostic["severity"] == "error"
    assert (diagnostic["where"], diagnostic["line"], diagnostic["column"]) == ("body", 1, 11)


def test_render_text_output(python: str, cli_env: dict[str, str], files: dict[str, Path]) -> None:
    result = run(
        python, cli_env, "render", str(files["broken"]), "--context", str(files["context"])
    )
    assert result.returncode == 1
    assert result.stdout.startswith("POST https://api.example.com/cards?key=••••••\n")
    assert result.stderr.startswith("body:1:11: error: the rendered body is not valid JSON")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["render", "{missing}"], "no such file"),
        (["render", "{invalid}"], "url: expected a string, got a number"),
        (["render", "{request}", "--context", "{request}x"], "no such file"),
        (["render"], "required"),
        (["render", "{request}", "--bogus"], "unrecognized arguments"),
        (["render", "{request}", "--zone", "Mars/Base"], "unknown time zone"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_usage_exits_2_with_one_line(
    python: str, cli_env: dict[str, str], files: dict[str, Path], args: list[str], fragment: str
) -> None:
    names = {k: str(v) for k, v in files.items()} | {"missing": str(files["request"]) + ".nope"}
    result = run(python, cli_env, *(a.format(**names) for a in args))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert fragment in result.stderr
