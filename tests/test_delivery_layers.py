"""The delivery package's layers: one settle rule for every bulk send, and a record layer
that reads the engine's attempt results without loading the HTTP client."""

from __future__ import annotations

import typing

import pytest
from command_runs import modules_loaded

from composer.delivery.attempt import AttemptResult
from composer.delivery.records import DeliveryEvent, settled


@pytest.mark.parametrize(
    ("kind", "wait", "outcome"),
    [
        ("succeeded", False, "succeeded"),
        ("failed", False, "failed"),
        ("cancelled", False, "cancelled"),
        ("draft", False, "draft"),
        ("waiting", False, "waiting_retry"),  # an event
        ("waiting_retry", False, "waiting_retry"),  # a state
        ("waiting", True, None),
        ("waiting_retry", True, None),
        ("succeeded", True, "succeeded"),
        ("queued", False, None),
        ("sending", False, None),
        ("attempt_started", False, None),
        ("attempt_finished", False, None),
    ],
)
def test_one_rule_says_when_a_delivery_has_settled(
    kind: str, wait: bool, outcome: str | None
) -> None:
    assert settled(kind, wait_for_retries=wait) == outcome


def test_the_record_layer_does_not_load_the_http_client() -> None:
    loaded = modules_loaded(
        ["composer.delivery.records", "composer.delivery.record"],
        ["httpx", "httpcore", "composer.delivery.sender", "composer.delivery.outbox"],
    )
    assert loaded == []


def test_the_engine_loads_the_http_client_only_when_it_sends() -> None:
    # the window imports the outbox and the engine at start-up; httpx, httpcore and TLS
    # (some 9 MiB and tens of milliseconds) wait for the first send
    loaded = modules_loaded(
        ["composer.delivery.outbox", "ui.ops.engine"],
        ["httpx", "httpcore", "ssl", "composer.delivery.sender"],
    )
    assert loaded == []


def test_an_event_carries_the_attempt_result_type_at_run_time() -> None:
    result = AttemptResult(200, (("Content-Type", "text/plain"),), b"ok", 2, False, 1.5)
    event = DeliveryEvent(7, "attempt_finished", 1, result)
    assert event.result is not None and event.result.header("content-type") == "text/plain"
    # the annotation resolves at run time (it named a type imported for type checking only)
    assert typing.get_type_hints(DeliveryEvent)["result"] == AttemptResult | None
