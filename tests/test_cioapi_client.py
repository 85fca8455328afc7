"""The App API client against a real local server: shapes, errors, retries, rate limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cio_server import KEY, CioServer, webhook

from composer.cioapi import (
    ActionContent,
    CioCancelledError,
    CioClient,
    CioError,
    CioNotFoundError,
    CioRefusedError,
    CioUnavailableError,
    ForbiddenError,
    KeyRefusedError,
    RateLimiter,
    base_url_for,
)
from composer.delivery.retry import RetryPolicy
from composer.model import Header

FAST = RetryPolicy(max_retries=3, base=0.01)


@pytest.fixture
def server() -> Iterator[CioServer]:
    with CioServer() as running:
        running.add_campaign(
            7,
            "Onboarding",
            [
                webhook(70, "Create card", url="https://api.trello.com/1/cards", body='{"a": 1}'),
                {"id": 71, "type": "email", "name": "Welcome", "updated": 1},
            ],
        )
        yield running


def client_for(server: CioServer, **options: object) -> CioClient:
    options.setdefault("policy", FAST)
    options.setdefault("limiter", RateLimiter())
    return CioClient(server.key, base_url=server.url, **options)  # type: ignore[arg-type]


def test_campaigns_and_actions_have_the_documented_shapes(server: CioServer) -> None:
    with client_for(server) as client:
        (campaign,) = client.campaigns()
        actions = client.campaign_actions(7)
    assert (campaign.id, campaign.name, campaign.state) == (7, "Onboarding", "running")
    assert campaign.actions == ((70, "webhook"), (71, "email"))
    assert campaign.webhook_action_ids == (70,)
    hook, mail = actions
    assert (hook.is_webhook, mail.is_webhook) == (True, False)
    assert hook.method == "POST" and hook.url == "https://api.trello.com/1/cards"
    assert hook.headers == (Header("Content-Type", "application/json"),)
    assert (hook.updated, hook.campaign_id, hook.liquid_version) == (1_700_000_000, 7, None)
    sent = server.received[0]
    assert sent.headers["Authorization"] == f"Bearer {KEY}"
    assert sent.path == "/v1/campaigns"


def test_actions_are_read_page_by_page(server: CioServer) -> None:
    server.add_campaign(8, "Many", [webhook(800 + i, f"Hook {i}") for i in range(23)])
    with client_for(server) as client:
        actions = client.campaign_actions(8)
    assert [a.id for a in actions] == [800 + i for i in range(23)]
    starts = [r.query.get("start") for r in server.received]
    assert starts == [None, "10", "20"]


def test_an_update_sends_headers_as_a_json_string_and_lower_case_method(
    server: CioServer,
) -> None:
    content = ActionContent("PUT", "https://x.test/{{ customer.id }}", (Header("X-A", "b"),), "{}")
    with client_for(server) as client:
        after = client.update_action(7, 70, content)
    sent = server.received[-1]
    assert sent.method == "PUT" and sent.path == "/v1/campaigns/7/actions/70"
    assert sent.body == {
        "method": "put",
        "url": "https://x.test/{{ customer.id }}",
        "headers": '[{"name":"X-A","value":"b"}]',
        "body": "{}",
    }
    assert after.content == content and after.updated is not None
    assert after.updated > 1_700_000_000


def test_401_names_the_operation_and_never_the_key(server: CioServer) -> None:
    client = CioClient("wrong-key", base_url=server.url, policy=FAST)
    with client, pytest.raises(KeyRefusedError) as caught:
        client.campaigns()
    message = str(caught.value)
    assert "HTTP 401" in message and "listing the campaigns" in message
    assert "wrong-key" not in message and len(server.received) == 1


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda c: c.action(7, 99), "no action 99 in campaign 7 (HTTP 404"),
        (lambda c: c.campaign_actions(404), "no campaign 404 (HTTP 404"),
        (lambda c: c.segment_members(5, 10), "no segment 5 (HTTP 404"),
    ],
)
def test_404_names_what_is_missing(server: CioServer, call: object, fragment: str) -> None:
    with client_for(server) as client, pytest.raises(CioNotFoundError) as caught:
        call(client)  # type: ignore[operator]
    assert fragment in str(caught.value)


def test_403_and_other_4xx_are_final_with_customer_ios_detail(server: CioServer) -> None:
    server.fail_next(403)
    with client_for(server) as client:
        with pytest.raises(ForbiddenError, match="may not be used for listing the campaigns"):
            client.campaigns()
        with pytest.raises(CioRefusedError) as caught:
            client.call("PUT", "/v1/campaigns/7/actions/70", body={"nope": 1}, doing="updating it")
    assert caught.value.status == 400 and "nope cannot be updated" in caught.value.detail
    assert "(HTTP 400) while updating it" in str(caught.value)
    assert len(server.received) == 2


def test_429_waits_as_long_as_retry_after_asks(server: CioServer) -> None:
    server.fail_next(429, retry_after="1")
    policy = RetryPolicy(max_retries=2, base=0.01, cap_retry_after=5)
    waits: list[float] = []
    with client_for(server, policy=policy, sleep=waits.append) as client:
        assert [c.id for c in client.campaigns()] == [7]
    assert sum(waits) == pytest.approx(1.0)  # Retry-After: 1, not the 0.01 s schedule
    assert len(server.received) == 2


def test_retries_follow_the_delivery_schedule(server: CioServer) -> None:
    server.fail_next(503, count=2)
    server.fail_next(409)
    waits: list[float] = []
    policy = RetryPolicy(max_retries=5, base=0.5)
    with client_for(server, policy=policy, sleep=waits.append) as client:
        client.campaigns()
    # 0.5 s, 1 s, 2 s — the schedule's doubling, slept in slices of at most 0.1 s
    assert sum(waits) == pytest.approx(0.5 + 1.0 + 2.0)
    assert max(waits) <= 0.1 + 1e-9
    assert len(server.received) == 4


def test_retries_used_up_say_how_many_attempts(server: CioServer) -> None:
    server.fail_next(500, count=10)
    with client_for(server) as client, pytest.raises(CioUnavailableError) as caught:
        client.campaigns()
    assert "4 attempts, the last HTTP 500" in str(caught.value)
    assert len(server.received) == 4


def test_a_slow_answer_times_out_and_is_retried(server: CioServer) -> None:
    server.slow_next(1.5)
    with client_for(server, timeout=0.3) as client:
        assert [c.id for c in client.campaigns()] == [7]
    assert len(server.received) == 2


def test_a_slow_answer_every_time_ends_plainly(server: CioServer) -> None:
    server.slow_next(1.0, count=2)
    policy = RetryPolicy(max_retries=1, base=0.01)
    client = client_for(server, timeout=0.2, policy=policy)
    with client, pytest.raises(CioUnavailableError, match="the last timed out"):
        client.campaigns()


def test_no_more_than_ten_requests_start_in_any_second() -> None:
    with CioServer(enforce_rate=True) as server:
        server.add_campaign(1, "One", [])
        with client_for(server) as client:
            for _ in range(25):
                client.campaigns()
    assert server.rate_limited == 0  # the server refuses an 11th start within a second
    assert len(server.received) == 25


def test_the_limiter_is_a_sliding_window() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(rate=3, per=1.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()
    assert slept == []
    limiter.wait()
    assert now[0] == pytest.approx(1.0)


def test_cancel_stops_a_retry_wait(server: CioServer) -> None:
    server.fail_next(503, count=5)
    calls = [0]

    def cancelled() -> bool:
        calls[0] += 1
        return calls[0] > 3

    policy = RetryPolicy(max_retries=5, base=10.0)
    client = client_for(server, policy=policy, cancelled=cancelled)
    with client, pytest.raises(CioCancelledError, match="listing the campaigns"):
        client.campaigns()
    assert len(server.received) == 1  # the 10 s wait ended at the cancel: no second try


def test_people_are_read_a_hundred_at_a_time(server: CioServer) -> None:
    for n in range(150):
        server.add_person(str(n), f"p{n}@example.com", plan="pro")
    seen: list[tuple[int, int]] = []
    with client_for(server) as client:
        people = client.people(
            [str(n) for n in range(150)] + ["nobody"], "id", lambda d, t: seen.append((d, t))
        )
    assert len(people) == 150 and people[0].attributes["plan"] == "pro"
    assert people[0].email == "p0@example.com" and people[0].cio_id
    assert [len(r.body["ids"]) for r in server.received] == [100, 51]
    assert seen == [(100, 151), (151, 151)]


def test_segment_members_stop_at_the_limit(server: CioServer) -> None:
    server.add_segment(3, [str(n) for n in range(40)])
    with client_for(server) as client:
        members = client.segment_members(3, 25)
    assert [m.id for m in members] == [str(n) for n in range(25)]
    assert server.received[0].query["limit"] == "25"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://api.customer.io", True),
        ("http://127.0.0.1:8080/", True),
        ("http://localhost:9", True),
        ("http://[::1]:9", True),
        ("http://api.example.com", False),
        ("ftp://api.customer.io", False),
        ("not a url", False),
    ],
)
def test_the_key_only_travels_over_https_or_loopback(url: str, ok: bool) -> None:
    if ok:
        assert base_url_for("us", url) == url.rstrip("/")
    else:
        with pytest.raises(CioError):
            base_url_for("us", url)


def test_regions_and_keys() -> None:
    assert base_url_for("us") == "https://api.customer.io"
    assert base_url_for("eu") == "https://api-eu.customer.io"
    with pytest.raises(CioError, match=r"not a Customer\.io region"):
        base_url_for("ap")
    with pytest.raises(CioError, match="spaces or control"):
        CioClient("two words")
    client = CioClient("secret-key-123")
    try:
        assert "secret-key-123" not in repr(client)
    finally:
        client.close()
