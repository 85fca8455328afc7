"""Suite-wide setup: Qt offscreen, and no test touches the real user data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the workspace location at a fresh folder for every test."""
    monkeypatch.setenv("WEBHOOK_COMPOSER_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for running ``python -m composer`` as a subprocess."""
    env = dict(os.environ)
    env["WEBHOOK_COMPOSER_HOME"] = str(tmp_path / "home")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture
def python() -> str:
    """The interpreter running the suite (the project's virtual environment)."""
    return sys.executable


def _oracle(name: str) -> Any:
    import oracles

    oracle = getattr(oracles, name)
    reason = oracle.available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{oracle.name} is needed in CI: {reason}")
        pytest.skip(f"{oracle.name}: {reason}")
    return oracle


@pytest.fixture(scope="session")
def legacy_oracle() -> Any:
    """Ruby Liquid 2.5.3 with ActiveSupport (skipped where Ruby is missing, failed in CI)."""
    return _oracle("LEGACY")


@pytest.fixture(scope="session")
def latest_oracle() -> Any:
    """LiquidJS (skipped where node or the package is missing, failed in CI)."""
    return _oracle("LATEST")
