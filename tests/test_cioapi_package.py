"""The ``composer.cioapi`` package: its public names, and that the schema loads it cheaply."""

from __future__ import annotations

from command_runs import modules_loaded

import composer.cioapi as cioapi


def test_every_public_name_resolves() -> None:
    assert len(set(cioapi.__all__)) == len(cioapi.__all__)
    for name in cioapi.__all__:
        assert getattr(cioapi, name) is not None, name


def test_the_schema_does_not_load_the_client() -> None:
    loaded = modules_loaded(["composer.store.database"], ["httpx", "composer.cioapi.client"])
    assert loaded == []
