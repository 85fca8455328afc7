"""A small client for Customer.io's App API: bearer key, region, rate limit and retries.

From the App API reference (docs.customer.io/integrations/api/app/, its overview and the
OpenAPI document's ``servers`` and ``info``):

* **Authentication**: the App API key as a bearer token, ``Authorization: Bearer KEY``.
* **Regions**: ``https://api.customer.io`` (US) and ``https://api-eu.customer.io`` (EU).
  ``base_url`` replaces both (a local server in tests; ``cio login --api-url``).
* **Rate limit**: "most endpoints ... are limited to 10 requests per second"; over it the
  answer is 429 with ``Retry-After`` in seconds ("present when you are rate limited by a
  per-second limit"; absent for a daily quota) and ``{"errors": [{"detail", "status"}]}``.
  :class:`RateLimiter` keeps every client of a process at 10 request starts in any
  1.1 seconds — the tenth of a second spare absorbs network jitter (a first request
  that waits for its connection arrives later than the next ones) — so a well-behaved
  caller never sees the 429.
* **Errors**: 400 malformed, 401 the key (the reference does not list 401 per endpoint;
  the meaning is HTTP's), 403 the key's scope, 404 "does not exist", 429 rate limited.
  Error bodies are ``{"errors": [{"detail", "status", "code"?}]}``; ``detail`` is quoted
  in the message when present.

Retries follow the deliveries' rules exactly, through :mod:`composer.delivery.retry`: 408, 409,
429, every 5xx, timeouts and connection failures are retried, waiting
:meth:`composer.delivery.retry.RetryPolicy.delay` (the doubling schedule, ``Retry-After``
honoured when longer, within its cap). Other 4xx are final. ``cancelled()``, checked
before each request and while waiting, ends the work with :class:`CioCancelledError`.

Decided here: an attempt times out after ``timeout`` seconds (30 by default; these are
API calls, not webhooks); a plain-``http`` ``base_url`` is refused unless it points at
this machine, so the key never crosses a network unencrypted.
"""

from __future__ import annotations

import collections
import ipaddress
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import httpx

from composer.cioapi.errors import (
    CioCancelledError,
    CioError,
    CioNotFoundError,
    CioRefusedError,
    CioResponseError,
    CioUnavailableError,
    ForbiddenError,
    KeyRefusedError,
)
from composer.cioapi.models import (
    Action,
    ActionContent,
    Campaign,
    CioPerson,
    SegmentMember,
    Workspace,
)
from composer.delivery.retry import RetryPolicy, is_retryable
from composer.wording import counted

__all__ = [
    "DEFAULT_TIMEOUT",
    "PEOPLE_PER_REQUEST",
    "REGIONS",
    "CioClient",
    "RateLimiter",
    "Region",
    "base_url_for",
    "check_base_url",
]

Region = Literal["us", "eu"]
REGIONS: dict[str, str] = {"us": "https://api.customer.io", "eu": "https://api-eu.customer.io"}
"""The App API's address in each region."""
DEFAULT_TIMEOUT = 30.0
"""Seconds one attempt may take."""
PEOPLE_PER_REQUEST = 100
"""How many ids ``POST /v1/customers/attributes`` takes at once (the reference's maximum)."""
_SEGMENT_PAGE_MAX = 30000
_LOOPBACK_NAMES = frozenset({"localhost"})


def base_url_for(region: str, api_url: str | None = None) -> str:
    """The App API address: ``api_url`` when given, else the region's."""
    if api_url:
        return check_base_url(api_url)
    if region not in REGIONS:
        raise CioError(f'"{region}" is not a Customer.io region; use "us" or "eu".')
    return REGIONS[region]


def check_base_url(url: str) -> str:
    """``url`` without a trailing slash, if it can carry the key; else :class:`CioError`."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CioError(f'"{url}" is not an http(s) address for the App API.')
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise CioError(
            f'"{url}" is plain http to another machine; the App API key is only sent over '
            "https (or to this machine)."
        )
    return url.strip().rstrip("/")


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RateLimiter:
    """At most ``rate`` request starts in any ``per`` seconds (a sliding window)."""

    def __init__(
        self,
        rate: int = 10,
        per: float = 1.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.rate = rate
        self.per = per
        self._clock = clock
        self._sleep = sleep
        self._starts: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def wait(self, cancelled: Callable[[], bool] | None = None) -> None:
        """Return when one more request may start (waiting in line behind other threads)."""
        with self._lock:
            while True:
                now = self._clock()
                while self._starts and now - self._starts[0] >= self.per:
                    self._starts.popleft()
                if len(self._starts) < self.rate:
                    self._starts.append(now)
                    return
                if cancelled is not None and cancelled():
                    raise CioCancelledError("Cancelled while waiting for the App API rate limit.")
                self._sleep(min(0.1, self.per - (now - self._starts[0])))


_SHARED_LIMITER = RateLimiter()


def _error_detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    errors = data.get("errors") if isinstance(data, dict) else None
    if isinstance(errors, list):
        details = [str(e.get("detail")) for e in errors if isinstance(e, dict) and e.get("detail")]
        return "; ".join(details)
    return ""


def _error_kind(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "refused"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "reset"
    return "other"


class CioClient:
    """Calls to one Customer.io workspace's App API; use it as a context manager.

    ``policy`` is the retry schedule (the deliveries' by default), ``timeout`` the seconds
    an attempt may take, ``limiter`` the rate limiter (one shared by the whole process by
    default), ``cancelled()`` a hook checked before each request and while waiting.
    """

    def __init__(
        self,
        key: str,
        *,
        base_url: str = REGIONS["us"],
        policy: RetryPolicy | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        limiter: RateLimiter | None = None,
        cancelled: Callable[[], bool] | None = None,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        key = key.strip()
        if not key or any(ch.isspace() or ord(ch) < 0x21 or ord(ch) == 0x7F for ch in key):
            raise CioError("The App API key is empty or holds spaces or control characters.")
        self.base_url = check_base_url(base_url)
        """The App API's address."""
        self.policy = policy or RetryPolicy()
        """How failed attempts are retried."""
        self.cancelled = cancelled
        """Checked before each request and while waiting; true ends the work."""
        self._limiter = limiter or _SHARED_LIMITER
        self._sleep = sleep
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
        )

    def __repr__(self) -> str:
        return f"CioClient(base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> CioClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the endpoints -----------------------------------------------------------------

    def workspaces(self) -> list[Workspace]:
        """``GET /v1/workspaces``: the workspaces of the key's account (the test call)."""
        data = self.call("GET", "/v1/workspaces", doing="reading the workspace's name")
        return [Workspace.from_api(item) for item in _list(data, "workspaces")]

    def campaigns(self) -> list[Campaign]:
        """``GET /v1/campaigns``: every campaign, with the ids and types of its actions."""
        data = self.call("GET", "/v1/campaigns", doing="listing the campaigns")
        return [Campaign.from_api(item) for item in _list(data, "campaigns")]

    def campaign_actions(self, campaign_id: int) -> list[Action]:
        """``GET /v1/campaigns/{id}/actions``, every page: the campaign's actions."""
        actions: list[Action] = []
        start = ""
        while True:
            data = self.call(
                "GET",
                f"/v1/campaigns/{int(campaign_id)}/actions",
                params={"start": start} if start else None,
                doing=f"listing the actions of campaign {campaign_id}",
                thing=f"campaign {campaign_id}",
            )
            actions.extend(Action.from_api(item) for item in _list(data, "actions"))
            start = str(data.get("next") or "")
            if not start:
                return actions

    def action(self, campaign_id: int, action_id: int) -> Action:
        """``GET /v1/campaigns/{id}/actions/{id}``: one action as it is now."""
        data = self.call(
            "GET",
            f"/v1/campaigns/{int(campaign_id)}/actions/{int(action_id)}",
            doing=f"reading action {action_id} of campaign {campaign_id}",
            thing=f"action {action_id} in campaign {campaign_id}",
        )
        return Action.from_api(data.get("action"))

    def update_action(self, campaign_id: int, action_id: int, content: ActionContent) -> Action:
        """``PUT /v1/campaigns/{id}/actions/{id}``: set a webhook's method, URL, headers, body."""
        data = self.call(
            "PUT",
            f"/v1/campaigns/{int(campaign_id)}/actions/{int(action_id)}",
            body=content.to_api(),
            doing=f"updating action {action_id} of campaign {campaign_id}",
            thing=f"action {action_id} in campaign {campaign_id}",
        )
        return Action.from_api(data.get("action"))

    def people(
        self,
        identifiers: Iterable[str],
        id_type: Literal["id", "email", "cio_id"] = "id",
        progress: Callable[[int, int], object] | None = None,
    ) -> list[CioPerson]:
        """``POST /v1/customers/attributes``, 100 at a time: the people that exist."""
        wanted = list(dict.fromkeys(identifiers))
        found: list[CioPerson] = []
        for first in range(0, len(wanted), PEOPLE_PER_REQUEST):
            batch = wanted[first : first + PEOPLE_PER_REQUEST]
            data = self.call(
                "POST",
                "/v1/customers/attributes",
                params={"id_type": id_type},
                body={"ids": batch},
                doing=f"reading the attributes of {len(batch)} people by {id_type}",
            )
            found.extend(CioPerson.from_api(item) for item in _list(data, "customers"))
            if progress is not None:
                progress(first + len(batch), len(wanted))
        return found

    def segment_members(self, segment_id: int, limit: int) -> list[SegmentMember]:
        """``GET /v1/segments/{id}/membership``, page by page: the first ``limit`` members."""
        members: list[SegmentMember] = []
        start = ""
        while len(members) < limit:
            params = {"limit": str(min(limit - len(members), _SEGMENT_PAGE_MAX))}
            if start:
                params["start"] = start
            data = self.call(
                "GET",
                f"/v1/segments/{int(segment_id)}/membership",
                params=params,
                doing=f"listing the members of segment {segment_id}",
                thing=f"segment {segment_id}",
            )
            page = data.get("identifiers")
            items = page if isinstance(page, list) else _list(data, "ids")
            members.extend(SegmentMember.from_api(item) for item in items)
            start = str(data.get("next") or "")
            if not start or not items:
                break
        return members[:limit]

    # -- one call, with the limiter and retries ----------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        doing: str,
        thing: str | None = None,
        params: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> dict[str, Any]:
        """Send one request (retrying as deliveries do) and return its JSON object.

        ``doing`` names the operation in messages ("listing the campaigns"); ``thing``
        names what a 404 means is missing ("campaign 42").
        """
        attempt = 0
        while True:
            attempt += 1
            self._check_cancelled(doing)
            self._limiter.wait(self.cancelled)
            status: int | None = None
            retry_after: str | None = None
            kind: str | None = None
            try:
                response = self._http.request(
                    method, self.base_url + path, params=params, json=body
                )
            except httpx.HTTPError as exc:
                kind = _error_kind(exc)
                last = "timed out" if kind == "timeout" else f"could not connect ({kind})"
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return _json_object(response, doing)
                retry_after = response.headers.get("Retry-After")
                last = f"HTTP {status}"
                if not is_retryable(status):
                    raise _final_error(response, doing, thing)
            if not is_retryable(status, kind) or not self.policy.retries_left(attempt):
                raise CioUnavailableError(
                    f"Customer.io's App API did not answer while {doing}: "
                    f"{counted(attempt, 'attempt')}, the last {last}."
                )
            self._wait(self.policy.delay(attempt, retry_after, time.time()), doing)

    def _check_cancelled(self, doing: str) -> None:
        if self.cancelled is not None and self.cancelled():
            raise CioCancelledError(f"Cancelled while {doing}.")

    def _wait(self, seconds: float, doing: str) -> None:
        left = seconds
        while left > 0:
            self._check_cancelled(doing)
            step = min(left, 0.1)
            self._sleep(step)
            left -= step


def _json_object(response: httpx.Response, doing: str) -> dict[str, Any]:
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise CioResponseError(
            f"Customer.io answered {response.status_code} while {doing}, but not with a JSON "
            "object as its reference documents."
        )
    return data


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise CioResponseError(f'Customer.io sent "{key}" that is not a list.')
    return value


def _final_error(response: httpx.Response, doing: str, thing: str | None) -> CioError:
    status = response.status_code
    detail = _error_detail(response)
    said = f" Customer.io said: {detail}" if detail else ""
    if status == 401:
        return KeyRefusedError(
            f"Customer.io refused the App API key (HTTP 401) while {doing}; log in again "
            f"with a valid App API key.{said}"
        )
    if status == 403:
        return ForbiddenError(
            f"The App API key may not be used for {doing} (HTTP 403); give it that scope "
            f"in Customer.io's API credentials settings.{said}"
        )
    if status == 404:
        missing = thing or f"{response.request.method} {response.request.url.path}"
        return CioNotFoundError(f"Customer.io has no {missing} (HTTP 404, while {doing}).{said}")
    if 300 <= status < 400:
        where = response.headers.get("Location", "")
        return CioRefusedError(
            f"Customer.io redirected (HTTP {status}{' to ' + where if where else ''}) while "
            f"{doing}; check the App API address.",
            status,
        )
    return CioRefusedError(
        f"Customer.io refused the request (HTTP {status}) while {doing}.{said}", status, detail
    )
