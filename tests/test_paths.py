"""Where the data lives: explicit folder, then WEBHOOK_COMPOSER_HOME, then platformdirs."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from composer import paths


@pytest.mark.parametrize(
    ("override", "env", "expected"),
    [
        ("/tmp/given", "/tmp/from-env", Path("/tmp/given")),
        (None, "/tmp/from-env", Path("/tmp/from-env")),
        ("", "/tmp/from-env", Path("/tmp/from-env")),
        (None, "", Path(platformdirs.user_data_dir("webhook-composer", appauthor=False))),
        (None, None, Path(platformdirs.user_data_dir("webhook-composer", appauthor=False))),
    ],
)
def test_data_dir_precedence(
    monkeypatch: pytest.MonkeyPatch, override: str | None, env: str | None, expected: Path
) -> None:
    if env is None:
        monkeypatch.delenv(paths.HOME_ENV, raising=False)
    else:
        monkeypatch.setenv(paths.HOME_ENV, env)
    assert paths.data_dir(override) == expected
    assert paths.workspace_path(override) == expected / "workspace.sqlite3"


def test_default_folder_is_named_after_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    assert paths.data_dir().name == "webhook-composer"


def test_asking_creates_nothing(tmp_path: Path) -> None:
    where = tmp_path / "not" / "yet"
    assert paths.workspace_path(where) == where / "workspace.sqlite3"
    assert not (tmp_path / "not").exists()


def test_resources_folder_holds_the_recipes_and_sample() -> None:
    folder = paths.resources_dir()
    assert folder.name == "resources"
    assert (folder / "recipes").is_dir()
    assert (folder / "sample").is_dir()
