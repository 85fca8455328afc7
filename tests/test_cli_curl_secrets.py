"""``curl --reveal-secrets`` reads values through the workspace's SecretStore."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from command_runs import run_composer as run
from store_keychain import keychain  # noqa: F401  (fixture)

REQUEST = {
    "name": "Keyed",
    "method": "POST",
    "url": "https://example.com/hook?key={{ secrets.curl_probe_key }}",
    "headers": [{"name": "Content-Type", "value": "application/json"}],
    "body": "{}",
}


def files(tmp_path: Path) -> tuple[str, str]:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST), encoding="utf-8")
    context = tmp_path / "context.json"
    context.write_text("{}", encoding="utf-8")
    return str(request), str(context)


def test_without_a_keychain_the_secret_is_missing_and_the_reason_is_said(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**cli_env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    request, context = files(tmp_path)
    done = run(python, env, "curl", request, "--context", context, "--reveal-secrets")
    assert done.returncode == 1
    assert "note: " in done.stderr and "keychain" in done.stderr.lower()
    assert "curl_probe_key" in done.stderr


def test_masked_without_the_flag_and_no_workspace_is_made(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    request, context = files(tmp_path)
    done = run(python, cli_env, "curl", request, "--context", context)
    assert done.returncode == 0, done.stderr
    assert "key=••••••" in done.stdout or "key=%E2%80%A2" in done.stdout
    assert not (tmp_path / "home").exists()


def test_the_keychain_value_is_revealed(
    python: str,
    cli_env: dict[str, str],
    tmp_path: Path,
    keychain: Any,  # noqa: F811
) -> None:
    request, context = files(tmp_path)
    done = run(python, cli_env, "secrets", "set", "curl_probe_key", stdin="s3cr3t-value\n")
    assert done.returncode == 0, done.stderr
    try:
        done = run(python, cli_env, "curl", request, "--context", context, "--reveal-secrets")
        assert done.returncode == 0, done.stderr
        assert "key=s3cr3t-value" in done.stdout
    finally:
        keychain.delete_password("webhook-composer", "curl_probe_key")
