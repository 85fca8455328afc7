"""Fixtures for the Customer.io round-trip tests (import them into a test module by name).

``cio`` is a running :class:`cio_server.CioServer` with one campaign (7, "Onboarding")
holding two webhook actions (70 "Create card", 72 draft "Ping") and an email action
(71), three people (1001 Ana, 1002 Bea, 1003 Cy) and a segment (5) of all three.
``db`` is an empty workspace file (no sample people), ``client`` a client of ``cio``
with a compressed retry schedule.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cio_server import CioServer, webhook

from composer.cioapi import CioClient, RateLimiter
from composer.delivery.retry import RetryPolicy
from composer.store.database import Database

__all__ = ["FAST", "cio", "client", "db"]

FAST = RetryPolicy(max_retries=3, base=0.01)

CARD_BODY = '{"name": "Call {{ customer.first_name }}", "email": "{{ customer.email }}"}'


@pytest.fixture
def cio() -> Iterator[CioServer]:
    with CioServer() as server:
        server.add_campaign(
            7,
            "Onboarding",
            [
                webhook(
                    70,
                    "Create card",
                    url="https://api.trello.com/1/cards?idList=L1",
                    headers=[
                        {"name": "Content-Type", "value": "application/json"},
                        {"name": "X-Team", "value": "growth"},
                    ],
                    body=CARD_BODY,
                ),
                {"id": 71, "type": "email", "name": "Welcome", "updated": 1_700_000_000},
                webhook(
                    72,
                    "Ping",
                    method="get",
                    url="https://ping.test/{{ customer.id }}",
                    sending_state="draft",
                    headers=[],
                ),
            ],
        )
        server.add_person("1001", "ana@example.com", first_name="Ana", plan="pro")
        server.add_person("1002", "bea@example.com", first_name="Bea", plan="free")
        server.add_person("1003", "cy@example.com", first_name="Cy", plan="pro")
        server.add_segment(5, ["1001", "1002", "1003"])
        yield server


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "workspace.sqlite3") as database:
        yield database


@pytest.fixture
def client(cio: CioServer) -> Iterator[CioClient]:
    with CioClient(cio.key, base_url=cio.url, policy=FAST, limiter=RateLimiter()) as made:
        yield made
