"""The ``composer.cioapi`` package: its public names, and that the schema loads it cheaply."""

from __future__ import annotations

import subprocess
import sys

import composer.cioapi as cioapi


def test_every_public_name_resolves() -> None:
    assert len(set(cioapi.__all__)) == len(cioapi.__all__)
    for name in cioapi.__all__:
        assert getattr(cioapi, name) is not None, name


def test_the_schema_does_not_load_the_client() -> None:
    code = (
        "import sys, composer.store.database\n"
        "print(sorted(n for n in sys.modules if n in ('httpx', 'composer.cioapi.client')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
