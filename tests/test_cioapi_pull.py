"""Pulling a campaign's webhook actions into requests that remember where they came from."""

from __future__ import annotations

import dataclasses

import pytest
from cio_fixtures import CARD_BODY, cio, client, db
from cio_server import CioServer, webhook

from composer.cioapi import (
    CioCancelledError,
    CioClient,
    CioNotFoundError,
    Origins,
    list_campaigns,
    pull_campaign,
)
from composer.model import Header, Request
from composer.store.database import Database

__all__ = ["cio", "client", "db"]  # fixtures used by name below


def test_a_first_pull_makes_one_request_per_webhook_action(db: Database, client: CioClient) -> None:
    done = pull_campaign(db, client, 7)
    assert [(p.action.id, p.request_name, p.outcome) for p in done.actions] == [
        (70, "Create card", "new"),
        (72, "Ping", "new"),
    ]
    assert done.skipped == ((71, "email"),)
    card = db.requests.get("Create card")
    assert card == Request(
        name="Create card",
        method="POST",
        url="https://api.trello.com/1/cards?idList=L1",
        headers=(Header("Content-Type", "application/json"), Header("X-Team", "growth")),
        body=CARD_BODY,
        liquid_version="latest",
    )
    ping = db.requests.get("Ping")
    assert (ping.method, ping.headers, ping.send_mode) == ("GET", (), "draft")
    origin = Origins(db).get("Create card")
    assert origin is not None
    assert (origin.campaign_id, origin.action_id, origin.action_updated) == (7, 70, 1_700_000_000)
    assert origin.liquid_version is None and origin.pulled_action.body == CARD_BODY
    assert done.to_json()["skipped"] == [{"action": 71, "type": "email"}]


def test_campaigns_are_listed_with_their_webhook_actions(client: CioClient) -> None:
    (campaign,) = list_campaigns(client)
    assert (campaign.name, campaign.webhook_action_ids) == ("Onboarding", (70, 72))


def test_pulling_again_changes_nothing(db: Database, client: CioClient) -> None:
    pull_campaign(db, client, 7)
    again = pull_campaign(db, client, 7)
    assert [p.outcome for p in again.actions] == ["unchanged", "unchanged"]
    assert all(p.diff == () for p in again.actions)
    assert db.requests.names() == ["Create card", "Ping"]


def test_a_change_in_customer_io_updates_an_unedited_copy(
    db: Database, client: CioClient, cio: CioServer
) -> None:
    pull_campaign(db, client, 7)
    cio.touch_action(7, 70, body='{"name": "Call"}', method="put")
    again = pull_campaign(db, client, 7)
    card = again.actions[0]
    assert card.outcome == "updated"
    assert [d.field for d in card.diff] == ["method", "body"]
    assert (card.diff[0].theirs, card.diff[0].ours) == ("PUT", "POST")
    request = db.requests.get("Create card")
    assert (request.method, request.body) == ("PUT", '{"name": "Call"}')
    origin = Origins(db).get("Create card")
    assert origin is not None and origin.action_updated == cio.action(7, 70)["updated"]


def test_local_edits_are_kept_and_the_diff_shown(
    db: Database, client: CioClient, cio: CioServer
) -> None:
    pull_campaign(db, client, 7)
    edited = dataclasses.replace(db.requests.get("Create card"), url="https://local.test/cards")
    db.requests.update("Create card", edited)
    cio.touch_action(7, 70, body="{}")
    again = pull_campaign(db, client, 7)
    card = again.actions[0]
    assert card.outcome == "kept"
    assert [(d.field, d.theirs, d.ours) for d in card.diff] == [
        ("url", "https://api.trello.com/1/cards?idList=L1", "https://local.test/cards"),
        ("body", "{}", CARD_BODY),
    ]
    assert db.requests.get("Create card") == edited
    origin = Origins(db).get("Create card")
    assert origin is not None and origin.action_updated == 1_700_000_000  # still the pull's
    lines = card.diff[0].unified()
    assert lines[:2] == ["--- url in Customer.io", "+++ url here"]
    replaced = pull_campaign(db, client, 7, replace=True).actions[0]
    assert replaced.outcome == "replaced"
    assert db.requests.get("Create card").body == "{}"


def test_a_local_edit_alone_is_a_diff_too(db: Database, client: CioClient) -> None:
    pull_campaign(db, client, 7)
    request = db.requests.get("Ping")
    db.requests.update("Ping", dataclasses.replace(request, method="POST", body="{}"))
    ping = pull_campaign(db, client, 7).actions[1]
    assert ping.outcome == "kept" and [d.field for d in ping.diff] == ["method", "body"]


def test_names_never_clash_and_an_unnamed_action_gets_one(
    db: Database, client: CioClient, cio: CioServer
) -> None:
    db.requests.create(Request(name="Create card", url="https://mine.test"))
    cio.add_campaign(9, "Other", [webhook(90, "", url="https://x.test")])
    assert pull_campaign(db, client, 7).actions[0].request_name == "Create card (action 70)"
    assert pull_campaign(db, client, 9).actions[0].request_name == "Campaign 9 action 90"
    assert db.requests.get("Create card").url == "https://mine.test"


def test_the_origin_follows_a_rename_and_goes_with_the_request(
    db: Database, client: CioClient
) -> None:
    pull_campaign(db, client, 7)
    db.requests.rename("Create card", "Trello card")
    origin = Origins(db).get("Trello card")
    assert origin is not None and origin.action_id == 70
    assert pull_campaign(db, client, 7).actions[0].request_name == "Trello card"
    db.requests.delete("Trello card")
    assert Origins(db).find(7, 70) is None
    assert pull_campaign(db, client, 7).actions[0].outcome == "new"


def test_a_liquid_version_in_the_answer_is_kept(
    db: Database, client: CioClient, cio: CioServer
) -> None:
    cio.add_campaign(9, "Old", [webhook(90, "Old hook", liquid_version="legacy")])
    db.settings.set_liquid_version("latest")
    pull_campaign(db, client, 9)
    assert db.requests.get("Old hook").liquid_version == "legacy"
    origin = Origins(db).get("Old hook")
    assert origin is not None and origin.liquid_version == "legacy"


def test_a_secret_value_in_an_action_comes_back_as_a_reference(
    db: Database, client: CioClient, cio: CioServer
) -> None:
    token = "tok-4f1b9e77c2"
    cio.add_campaign(
        9,
        "Zendesk",
        [webhook(90, "Ticket", headers=[{"name": "Authorization", "value": f"Bearer {token}"}])],
    )
    pull_campaign(db, client, 9, secret_values={"zendesk": token, "short": "1"})
    request = db.requests.get("Ticket")
    assert request.headers == (Header("Authorization", "Bearer {{ secrets.zendesk }}"),)
    assert token.encode() not in db.path.read_bytes()


def test_progress_and_cancel(db: Database, client: CioClient) -> None:
    seen: list[tuple[int, int]] = []
    pull_campaign(db, client, 7, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]
    with pytest.raises(CioCancelledError, match="after 0 of 2 actions"):
        pull_campaign(db, client, 7, cancelled=lambda: True)


def test_an_unknown_campaign_is_a_plain_404(db: Database, client: CioClient) -> None:
    with pytest.raises(CioNotFoundError, match="no campaign 404"):
        pull_campaign(db, client, 404)
    assert db.requests.names() == []
