"""The people, requests and secrets commands, run as real subprocesses."""

from __future__ import annotations

import json
import secrets as random
import subprocess
from pathlib import Path

import keyring
import pytest
from store_keychain import keychain

from composer.model import Request
from composer.secrets import SERVICE
from composer.store.database import Database

__all__ = ["keychain"]  # fixture used by name below

FAIL_BACKEND = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def run(
    python: str,
    env: dict[str, str],
    *args: str,
    stdin: str = "",
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "composer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**env, **(extra_env or {})},
        timeout=60,
        check=False,
    )


@pytest.fixture
def empty_dir(tmp_path: Path) -> Path:
    """A data folder whose workspace exists (so it is not seeded) and is empty."""
    folder = tmp_path / "data"
    Database(folder / "workspace.sqlite3").close()
    return folder


CSV = (
    "id,email,zip,phone,price,visits,vip,name\n"
    '1,ana@example.com,02134,+15551234567,1.50,42,true,"Ana ""Nan"" Núñez"\n'
    "2,bo@example.com,,,1.5,7,false,Bo\n"
)
EXPECTED = [
    {
        "id": "1",
        "email": "ana@example.com",
        "attributes": {
            "zip": "02134",
            "phone": "+15551234567",
            "price": 1.5,  # one type per column: this one is numbers
            "visits": 42,
            "vip": True,
            "name": 'Ana "Nan" Núñez',
        },
    },
    {
        "id": "2",
        "email": "bo@example.com",
        "attributes": {"price": 1.5, "visits": 7, "vip": False, "name": "Bo"},
    },
]


def test_people_import_then_list_json(
    python: str, cli_env: dict[str, str], empty_dir: Path, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(CSV, encoding="utf-8")
    done = run(python, cli_env, "--data-dir", str(empty_dir), "people", "import", str(people))
    assert (done.returncode, done.stderr) == (0, "")
    assert "Imported 2 people" in done.stdout
    listed = run(python, cli_env, "--data-dir", str(empty_dir), "people", "list", "--json")
    assert listed.returncode == 0
    assert json.loads(listed.stdout) == EXPECTED
    # the printed JSON is itself an importable people file
    again = tmp_path / "again.json"
    again.write_text(listed.stdout, encoding="utf-8")
    reimport = run(python, cli_env, "people", "import", str(again), "--data-dir", str(empty_dir))
    assert reimport.returncode == 0 and "(0 new, 2 updated" in reimport.stdout


HOSTILE_PEOPLE = [
    {
        "id": "=1+1",
        "email": "@evil.example",
        "attributes": {"link": '=HYPERLINK("http://evil.example","click")', "zip": "02134"},
        "events": [{"name": "signup", "data": {"via": "-"}, "timestamp": 5}],
    },
    {
        "id": "2",
        "email": "",
        "attributes": {"note": 'line\rbreak, "quoted"', "n": -7, "text_n": "-7", "t": "true"},
        "events": [],
    },
]


def test_people_export_csv_and_json_round_trip(
    python: str, cli_env: dict[str, str], empty_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "people.json"
    source.write_text(json.dumps(HOSTILE_PEOPLE), encoding="utf-8")
    base = ("--data-dir", str(empty_dir), "people")
    assert run(python, cli_env, *base, "import", str(source)).returncode == 0
    listed = run(python, cli_env, *base, "list", "--json").stdout

    out_csv, out_json, bare = tmp_path / "out.csv", tmp_path / "out.json", tmp_path / "bare.json"
    done = run(python, cli_env, *base, "export", str(out_csv))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"Exported 2 people to {out_csv}.\n"
    assert run(python, cli_env, *base, "export", str(out_json)).returncode == 0
    assert run(python, cli_env, *base, "export", str(bare), "--no-events").returncode == 0

    # JSON: what people list --json prints, with events; --no-events: exactly that output
    assert bare.read_text(encoding="utf-8") == listed
    assert json.loads(out_json.read_text(encoding="utf-8")) == HOSTILE_PEOPLE
    # CSV: no cell a spreadsheet would run, and a bare CR is quoted
    text = out_csv.read_bytes().decode("utf-8")
    assert text.split("\n")[1].startswith("'=1+1,'@evil.example,\"'=HYPERLINK(")
    assert '"line\rbreak, ""quoted"""' in text
    for exported in (out_csv, out_json):
        other = tmp_path / f"other-{exported.suffix[1:]}"
        Database(other / "workspace.sqlite3").close()
        assert run(python, cli_env, "--data-dir", str(other), "people", "import",
                   str(exported)).returncode == 0  # fmt: skip
        again = run(python, cli_env, "--data-dir", str(other), "people", "list", "--json")
        assert json.loads(again.stdout) == json.loads(listed)


def test_people_export_to_a_missing_folder_exits_2(
    python: str, cli_env: dict[str, str], empty_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "out.csv"
    done = run(python, cli_env, "--data-dir", str(empty_dir), "people", "export", str(target))
    assert done.returncode == 2
    assert (
        done.stderr
        == f"webhook-composer: {target} cannot be written (No such file or directory).\n"
    )


def test_people_list_table_is_aligned(
    python: str, cli_env: dict[str, str], empty_dir: Path, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(CSV, encoding="utf-8")
    run(python, cli_env, "--data-dir", str(empty_dir), "people", "import", str(people))
    table = run(python, cli_env, "people", "list", "--data-dir", str(empty_dir))
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["ID", "EMAIL", "ATTRIBUTES"]
    column = lines[0].index("EMAIL")
    assert [line[column:].split()[0] for line in lines[1:]] == ["ana@example.com", "bo@example.com"]
    found = run(
        python,
        cli_env,
        "people",
        "list",
        "--json",
        "--search",
        "núñez",
        "--data-dir",
        str(empty_dir),
    )
    assert [p["id"] for p in json.loads(found.stdout)] == ["1"]


def test_first_command_seeds_the_sample_workspace(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "fresh"
    listed = run(python, cli_env, "--data-dir", str(folder), "requests", "list", "--json")
    assert listed.returncode == 0
    requests = json.loads(listed.stdout)
    assert requests, "the recipes are seeded"
    for data in requests:
        assert Request.from_dict(data).to_dict() == data


def test_workspace_home_variable_is_used(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    home = tmp_path / "home-var"
    Database(home / "workspace.sqlite3").close()
    people = tmp_path / "p.json"
    people.write_text('[{"id": "x"}]', encoding="utf-8")
    env = {**cli_env, "WEBHOOK_COMPOSER_HOME": str(home)}
    assert run(python, env, "people", "import", str(people)).returncode == 0
    with Database(home / "workspace.sqlite3") as db:
        assert [p.id for p in db.people.list()] == ["x"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("id,email\n1,a@b.c\n2,b@c.d,extra\n", "people.csv: row 3: too many cells"),
        ("", "people.csv: is empty (0 bytes)"),
    ],
)
def test_bad_people_file_exits_2_with_one_line_and_writes_nothing(
    python: str,
    cli_env: dict[str, str],
    empty_dir: Path,
    tmp_path: Path,
    content: str,
    fragment: str,
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(content, encoding="utf-8")
    done = run(python, cli_env, "--data-dir", str(empty_dir), "people", "import", str(people))
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and fragment in done.stderr
    listed = run(python, cli_env, "--data-dir", str(empty_dir), "people", "list", "--json")
    assert json.loads(listed.stdout) == []


@pytest.mark.parametrize(
    "args",
    [
        ["people"],
        ["people", "import"],
        ["people", "list", "--bogus"],
        ["requests", "frobnicate"],
        ["secrets", "set"],
    ],
)
def test_bad_usage_exits_2_with_one_line(
    python: str, cli_env: dict[str, str], empty_dir: Path, args: list[str]
) -> None:
    done = run(python, cli_env, "--data-dir", str(empty_dir), *args)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1


def test_requests_import_and_list(
    python: str, cli_env: dict[str, str], empty_dir: Path, tmp_path: Path
) -> None:
    request = Request(name="Ping", url="https://example.com/{{ customer.id }}", method="PUT")
    path = tmp_path / "ping.json"
    request.save(path)
    base = ("--data-dir", str(empty_dir), "requests")
    done = run(python, cli_env, *base, "import", str(path))
    assert done.returncode == 0 and 'Imported the request "Ping"' in done.stdout
    taken = run(python, cli_env, *base, "import", str(path))
    assert taken.returncode == 2 and len(taken.stderr.splitlines()) == 1
    assert '"Ping" is already in the workspace' in taken.stderr
    assert run(python, cli_env, *base, "import", str(path), "--replace").returncode == 0
    listed = run(python, cli_env, *base, "list", "--json")
    # The file names no Liquid version, so it took the new workspace's default.
    assert json.loads(listed.stdout) == [{**request.to_dict(), "liquid_version": "latest"}]
    table = run(python, cli_env, *base, "list").stdout.splitlines()
    assert table[0].split() == ["NAME", "METHOD", "URL"]
    assert table[1].split() == ["Ping", "PUT", "https://example.com/{{", "customer.id", "}}"]


def test_invalid_request_file_exits_2(
    python: str, cli_env: dict[str, str], empty_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"name": "x", "url": "https://e.x", "method": "FETCH"}', encoding="utf-8")
    done = run(python, cli_env, "--data-dir", str(empty_dir), "requests", "import", str(path))
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "method" in done.stderr


def test_secrets_without_a_keychain_say_so_and_keep_nothing(
    python: str, cli_env: dict[str, str], empty_dir: Path
) -> None:
    value = "fallback-" + random.token_hex(8)
    done = run(
        python,
        cli_env,
        "--data-dir",
        str(empty_dir),
        "secrets",
        "set",
        "api_key",
        stdin=value + "\n",
        extra_env=FAIL_BACKEND,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert "No keychain was found" in done.stderr and '"api_key" was not saved' in done.stderr
    assert value not in done.stderr
    listed = run(
        python, cli_env, "--data-dir", str(empty_dir), "secrets", "list", extra_env=FAIL_BACKEND
    )
    assert (listed.returncode, listed.stdout) == (0, "")
    for file in empty_dir.iterdir():
        assert value.encode() not in file.read_bytes()


@pytest.mark.parametrize(
    ("name", "stdin", "fragment"),
    [
        ("bad name", "v\n", "cannot name a secret"),
        ("ok", "", "no value for ok"),
        ("ok", "\n", "no value"),
    ],
)
def test_secrets_set_refuses_bad_input(
    python: str, cli_env: dict[str, str], empty_dir: Path, name: str, stdin: str, fragment: str
) -> None:
    done = run(python, cli_env, "--data-dir", str(empty_dir), "secrets", "set", name, stdin=stdin)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and fragment in done.stderr


@pytest.mark.keychain
@pytest.mark.usefixtures("keychain")
def test_secrets_set_and_list_with_the_keychain(
    python: str, cli_env: dict[str, str], empty_dir: Path
) -> None:
    name = "zz_cli_" + random.token_hex(4)
    value = "v-" + random.token_hex(8) + " with spaces"
    try:
        done = run(
            python,
            cli_env,
            "secrets",
            "set",
            name,
            "--data-dir",
            str(empty_dir),
            stdin=value + "\n",
        )
        assert (done.returncode, done.stderr) == (0, "")
        assert value not in done.stdout
        assert keyring.get_password(SERVICE, name) == value
        listed = run(python, cli_env, "--data-dir", str(empty_dir), "secrets", "list", "--json")
        assert json.loads(listed.stdout) == [name]
        plain = run(python, cli_env, "--data-dir", str(empty_dir), "secrets", "list")
        assert plain.stdout == name + "\n"
        for file in empty_dir.iterdir():
            assert value.encode() not in file.read_bytes()
    finally:
        keyring.delete_password(SERVICE, name)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--data-dir", "/g", "people", "list"], "/g"),
        (["people", "list", "--data-dir", "/after"], "/after"),
        (["people", "--data-dir", "/mid", "list"], "/mid"),
        (["--data-dir", "/g", "secrets", "list", "--data-dir", "/after"], "/after"),
        (["requests", "list"], None),
    ],
)
def test_data_dir_is_accepted_before_and_after_the_command(
    argv: list[str], expected: str | None
) -> None:
    from composer.cli.main import build_parser, data_dir_of

    args = build_parser().parse_args(argv)
    assert data_dir_of(args) == (Path(expected) if expected else None)


def test_command_groups_can_be_shared_in_any_order() -> None:
    import argparse

    from composer.cli.store import group, register

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    extra = group(sub, "requests", "added first by another module")
    extra.add_parser("import-curl")
    register(sub)
    assert group(sub, "requests") is extra
    assert set(extra.choices) == {"import-curl", "import", "list"}
