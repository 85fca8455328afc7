"""Pushing a request back to its action: diff, the conflict rule, the checks, the secrets rule."""

from __future__ import annotations

import dataclasses
import json

import pytest
from cio_fixtures import cio, client, db
from cio_server import CioServer, webhook
from keyring.backends import fail

from composer.check.upgrade import UpgradeGroup
from composer.cioapi import (
    CioCancelledError,
    CioClient,
    CioError,
    CioNotFoundError,
    Origins,
    PushRefusedError,
    plan_push,
    pull_campaign,
    push_action,
)
from composer.model import Header, Person
from composer.rendering.render import MASK
from composer.secrets import SecretStore
from composer.store.database import Database

__all__ = ["cio", "client", "db"]  # fixtures used by name below

TOKEN = "zd-9c1e44a0b7f2"


@pytest.fixture
def pulled(db: Database, client: CioClient) -> Database:
    db.people.create(Person("1", "ana@example.com", {"first_name": "Ana", "score": 1}))
    db.people.create(Person("2", "bea@example.com", {"first_name": "Bea", "score": 2.0}))
    # The name is known to the workspace (its value would be in the keychain).
    SecretStore(db, backend=fail.Keyring()).set("zendesk", TOKEN)
    pull_campaign(db, client, 7)
    return db


def _edit(db: Database, name: str, **changes: object) -> None:
    db.requests.update(name, dataclasses.replace(db.requests.get(name), **changes))  # type: ignore[arg-type]


def test_a_push_sends_the_four_parts_and_records_the_new_updated(
    pulled: Database, client: CioClient, cio: CioServer
) -> None:
    _edit(pulled, "Create card", url="https://api.trello.com/1/cards?idList=L2")
    plan = plan_push(pulled, client, "Create card", workers=1)
    assert [(d.field, d.theirs, d.ours) for d in plan.diff] == [
        (
            "url",
            "https://api.trello.com/1/cards?idList=L1",
            "https://api.trello.com/1/cards?idList=L2",
        )
    ]
    assert not plan.conflict and not plan.check_failed and plan.upgrade is None
    assert (plan.check.people, plan.secrets.names) == (2, ())
    result = push_action(pulled, client, plan)
    put = cio.received[-1]
    assert (put.method, put.path) == ("PUT", "/v1/campaigns/7/actions/70")
    assert put.body["url"] == "https://api.trello.com/1/cards?idList=L2"
    assert json.loads(put.body["headers"]) == [
        {"name": "Content-Type", "value": "application/json"},
        {"name": "X-Team", "value": "growth"},
    ]
    assert cio.action(7, 70)["url"].endswith("L2")
    origin = Origins(pulled).get("Create card")
    assert origin is not None and origin.action_updated == result.action.updated
    assert origin.action_updated != 1_700_000_000
    again = plan_push(pulled, client, "Create card", workers=1)
    assert again.unchanged and not again.conflict


def test_an_action_changed_since_the_pull_is_a_conflict(
    pulled: Database, client: CioClient, cio: CioServer
) -> None:
    _edit(pulled, "Create card", body="{}")
    cio.touch_action(7, 70, headers="[]")
    plan = plan_push(pulled, client, "Create card", workers=1)
    assert plan.conflict
    assert [d.field for d in plan.diff] == ["headers", "body"]
    assert plan.to_json()["conflict"] == {
        "pulled_updated": 1_700_000_000,
        "current_updated": cio.action(7, 70)["updated"],
    }
    with pytest.raises(PushRefusedError, match=r"changed in Customer\.io since") as no:
        push_action(pulled, client, plan)
    assert no.value.reason == "conflict"
    assert all(r.method == "GET" for r in cio.received)
    push_action(pulled, client, plan, confirm_conflict=True)
    assert cio.action(7, 70)["body"] == "{}"


def test_an_action_changed_while_reviewing_is_not_overwritten(
    pulled: Database, client: CioClient, cio: CioServer
) -> None:
    _edit(pulled, "Create card", body="{}")
    plan = plan_push(pulled, client, "Create card", workers=1)
    cio.touch_action(7, 70, body='{"someone": "else"}')
    with pytest.raises(PushRefusedError) as no:
        push_action(pulled, client, plan, confirm_conflict=True)
    assert no.value.reason == "changed"
    assert cio.action(7, 70)["body"] == '{"someone": "else"}'


def test_a_failing_check_refuses_unless_forced(
    pulled: Database, client: CioClient, cio: CioServer
) -> None:
    pulled.people.create(Person("3", "o@example.com", {"first_name": 'Mc"Quote'}))
    _edit(pulled, "Create card", url="https://api.trello.com/1/cards?idList=L3")
    seen: list[tuple[str, int, int | None]] = []
    plan = plan_push(pulled, client, "Create card", workers=1, progress=lambda *a: seen.append(a))
    assert plan.check_failed and [r.person_id for r in plan.check.failed] == ["3"]
    assert seen[-1] == ("check", 3, 3)
    with pytest.raises(PushRefusedError, match="fails for 1 of 3 renderings") as no:
        push_action(pulled, client, plan)
    assert no.value.reason == "check"
    push_action(pulled, client, plan, force=True)
    assert cio.action(7, 70)["url"].endswith("L3")


def test_a_cancel_before_the_checks_ends_the_plan(pulled: Database, client: CioClient) -> None:
    _edit(pulled, "Create card", body="{}")
    with pytest.raises(CioCancelledError):
        plan_push(pulled, client, "Create card", workers=1, cancelled=lambda: True)


def test_a_check_cancelled_midway_refuses(pulled: Database, client: CioClient) -> None:
    for n in range(250):
        pulled.people.create(Person(f"p{n}", f"p{n}@example.com", {"first_name": "P"}))
    _edit(pulled, "Create card", body="{}")
    asked = [0]

    def cancelled() -> bool:
        asked[0] += 1
        return asked[0] > 1  # the plan's own look before the check; then stop

    plan = plan_push(pulled, client, "Create card", workers=1, cancelled=cancelled)
    assert plan.check.cancelled and plan.check_failed
    with pytest.raises(PushRefusedError, match="check was cancelled"):
        push_action(pulled, client, plan)


def test_a_legacy_action_runs_the_upgrade_check(
    pulled: Database, client: CioClient, cio: CioServer
) -> None:
    _edit(pulled, "Create card", liquid_version="legacy", body='{"n": {{ customer.score }}}')
    plan = plan_push(pulled, client, "Create card", workers=1)
    assert plan.upgrade is not None and plan.upgrade.people == 2
    latest = plan_push(pulled, client, "Ping", workers=1)
    assert latest.upgrade is None
    # Whatever the engines render today, the rule: someone's bytes differ → refused.
    group = UpgradeGroup("body", 1, 7, 'in latest Liquid this renders "2"', (("2", None),))
    differs = dataclasses.replace(plan, upgrade=dataclasses.replace(plan.upgrade, groups=(group,)))
    assert differs.upgrade_differs
    with pytest.raises(PushRefusedError, match="legacy Liquid and the upgrade check") as no:
        push_action(pulled, client, differs)
    assert no.value.reason == "upgrade"
    push_action(pulled, client, differs, force=True)
    assert cio.action(7, 70)["body"] == '{"n": {{ customer.score }}}'


def test_secrets_are_never_pushed_without_a_choice(
    pulled: Database, client: CioClient, cio: CioServer
) -> None:
    headers = (
        Header("Content-Type", "application/json"),
        Header("Authorization", "Bearer {{ secrets.zendesk }}"),
    )
    _edit(pulled, "Create card", headers=headers)
    plan = plan_push(pulled, client, "Create card", workers=1)
    assert plan.secrets.names == ("zendesk",) and plan.secrets.inlinable
    assert plan.secrets.places == {"zendesk": ("headers[1]",)}
    with pytest.raises(PushRefusedError, match=r"\{\{ secrets.zendesk \}\} in the headers\[1\]"):
        push_action(pulled, client, plan)
    assert plan.preview("keep").headers[1].value == "Bearer {{ secrets.zendesk }}"
    assert plan.preview("values").headers[1].value == f"Bearer {MASK}"

    push_action(pulled, client, plan, secrets="values", secret_values={"zendesk": TOKEN})
    pushed = json.loads(cio.received[-1].body["headers"])
    assert pushed[1] == {"name": "Authorization", "value": f"Bearer {TOKEN}"}
    origin = Origins(pulled).get("Create card")
    assert origin is not None
    assert origin.pulled_action.headers[1].value == "Bearer {{ secrets.zendesk }}"
    for part in pulled.path.parent.iterdir():
        assert TOKEN.encode() not in part.read_bytes()

    again = plan_push(pulled, client, "Create card", secret_values={"zendesk": TOKEN}, workers=1)
    assert again.unchanged  # the action holds the value; the recorded copy the reference
    pull_campaign(pulled, client, 7)
    assert pulled.requests.get("Create card").headers == headers


def test_a_changed_action_holding_a_secret_value_shows_it_masked(
    pulled: Database, client: CioClient, cio: CioServer
) -> None:
    _edit(pulled, "Create card", url="https://x.test/?k={{ secrets.zendesk }}")
    plan = plan_push(pulled, client, "Create card", workers=1)
    push_action(pulled, client, plan, secrets="values", secret_values={"zendesk": TOKEN})
    cio.touch_action(7, 70, body="{}")
    plan = plan_push(pulled, client, "Create card", secret_values={"zendesk": TOKEN}, workers=1)
    assert plan.conflict
    shown = json.dumps(plan.to_json(), ensure_ascii=False)
    assert TOKEN not in shown and MASK in shown


def test_keep_pushes_the_reference_as_written(
    pulled: Database, client: CioClient, cio: CioServer
) -> None:
    _edit(pulled, "Create card", body='{"token": "{{ secrets.zendesk | upcase }}"}')
    plan = plan_push(pulled, client, "Create card", workers=1)
    assert not plan.secrets.inlinable
    with pytest.raises(PushRefusedError, match="inside a tag or with a filter"):
        push_action(pulled, client, plan, secrets="values", secret_values={"zendesk": TOKEN})
    push_action(pulled, client, plan, secrets="keep")
    assert cio.action(7, 70)["body"] == '{"token": "{{ secrets.zendesk | upcase }}"}'


def test_a_value_holding_liquid_is_refused(pulled: Database, client: CioClient) -> None:
    _edit(pulled, "Create card", body='{"t": "{{ secrets.zendesk }}"}')
    plan = plan_push(pulled, client, "Create card", workers=1)
    with pytest.raises(PushRefusedError, match="holds Liquid delimiters"):
        push_action(pulled, client, plan, secrets="values", secret_values={"zendesk": "{{ x }}"})
    with pytest.raises(PushRefusedError, match="has no value in the keychain"):
        push_action(pulled, client, plan, secrets="values", secret_values={})


def test_only_pulled_requests_can_be_pushed(
    pulled: Database, client: CioClient, cio: CioServer
) -> None:
    pulled.requests.create(dataclasses.replace(pulled.requests.get("Ping"), name="Mine"))
    with pytest.raises(CioError, match=r'"Mine" was not pulled from Customer\.io'):
        plan_push(pulled, client, "Mine")
    cio.state.actions[7] = [a for a in cio.state.actions[7] if a["id"] != 72]
    with pytest.raises(CioNotFoundError, match="no action 72 in campaign 7"):
        plan_push(pulled, client, "Ping")


def test_an_action_that_is_no_longer_a_webhook_cannot_be_pushed_to(
    pulled: Database, client: CioClient, cio: CioServer
) -> None:
    cio.state.actions[7][2] = {**webhook(72, "Ping"), "type": "email", "campaign_id": 7}
    with pytest.raises(CioError, match='now a "email" action'):
        plan_push(pulled, client, "Ping")
