"""A local Customer.io App API on 127.0.0.1: the documented endpoints and shapes, in memory.

It implements what :mod:`composer.cioapi` calls, with the shapes of the App API reference
(see :mod:`composer.cioapi.models` for each page):

    GET  /v1/workspaces                              {"workspaces": [{"id", "name", ...}]}
    GET  /v1/campaigns                               {"campaigns": [{..., "actions": [...]}]}
    GET  /v1/campaigns/{id}/actions?start=           {"actions": [...10 at most], "next": "..."}
    GET  /v1/campaigns/{id}/actions/{id}             {"action": {...}}
    PUT  /v1/campaigns/{id}/actions/{id}             {"action": {...}}  (webhook fields only)
    POST /v1/customers/attributes?id_type=id|email   {"customers": [{"customer": {...}}]}
    GET  /v1/customers/{id}/attributes?id_type=      {"customer": {...}}
    GET  /v1/segments/{id}/membership?start=&limit=  {"identifiers": [...], "ids": [...], "next"}

Every request needs ``Authorization: Bearer KEY`` (else 401); unknown campaigns, actions,
people and segments are 404; errors have the documented ``{"errors": [{"detail",
"status"}]}`` shape. Faults are scripted with :meth:`CioServer.fail_next` (a status,
optionally with ``Retry-After``) and :meth:`CioServer.slow_next` (a silent wait before
answering); ``enforce_rate=True`` answers 429 past 10 requests in any second, as the
API does. Every request is recorded in :attr:`CioServer.received`.

    with CioServer() as server:
        server.add_campaign(7, "Onboarding", [webhook(70, "Create card", url="https://x")])
        ...  # CioClient(server.key, base_url=server.url)
"""

from __future__ import annotations

import collections
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["CioServer", "Received", "webhook"]

KEY = "cio-test-key-7f3a9c"
_METHODS = ("get", "post", "put", "delete", "patch")
_STATES = ("automatic", "draft", "off")


def webhook(
    action_id: int,
    name: str,
    *,
    method: str = "post",
    url: str = "https://example.com/hook",
    headers: list[dict[str, str]] | None = None,
    body: str = "",
    updated: int = 1_700_000_000,
    sending_state: str = "automatic",
    **extra: Any,
) -> dict[str, Any]:
    """A webhook action object as the App API returns it (headers as a JSON string)."""
    return {
        "id": action_id,
        "name": name,
        "type": "webhook",
        "method": method,
        "url": url,
        "headers": json.dumps(
            [{"name": "Content-Type", "value": "application/json"}] if headers is None else headers
        ),
        "body": body,
        "sending_state": sending_state,
        "created": updated - 100,
        "updated": updated,
        "deduplicate_id": f"{action_id}:{updated}",
        "layout": "",
        **extra,
    }


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    at: float


@dataclass
class _Fault:
    status: int | None
    retry_after: str | None
    delay: float
    path: str | None


@dataclass
class _State:
    workspaces: list[dict[str, Any]] = field(
        default_factory=lambda: [{"id": "139001", "name": "Acme Production", "people": 3}]
    )
    campaigns: dict[int, dict[str, Any]] = field(default_factory=dict)
    actions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    people: list[dict[str, Any]] = field(default_factory=list)
    segments: dict[int, list[str]] = field(default_factory=dict)


class CioServer:
    """The local App API; a context manager that serves on a free loopback port."""

    def __init__(self, key: str = KEY, *, enforce_rate: bool = False) -> None:
        self.key = key
        self.enforce_rate = enforce_rate
        self.state = _State()
        self.received: list[Received] = []
        self.rate_limited = 0
        self._faults: collections.deque[_Fault] = collections.deque()
        self._starts: collections.deque[float] = collections.deque()
        self._lock = threading.RLock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """The base URL, like ``http://127.0.0.1:PORT``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> CioServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    # -- data -------------------------------------------------------------------------

    def add_campaign(
        self, campaign_id: int, name: str, actions: list[dict[str, Any]], state: str = "running"
    ) -> None:
        """A campaign holding ``actions`` (their ``campaign_id`` is set)."""
        with self._lock:
            for action in actions:
                action["campaign_id"] = campaign_id
            self.state.actions[campaign_id] = actions
            self.state.campaigns[campaign_id] = {
                "id": campaign_id,
                "deduplicate_id": f"{campaign_id}:1700000000",
                "name": name,
                "created": 1_690_000_000,
                "updated": 1_700_000_000,
                "active": state == "running",
                "state": state,
                "tags": [],
            }

    def add_person(self, person_id: str, email: str, **attributes: Any) -> None:
        """A person; their attributes come back as strings, as the API sends them."""
        with self._lock:
            cio_id = f"0300{len(self.state.people) + 1:04d}"
            self.state.people.append(
                {"id": person_id, "email": email, "cio_id": cio_id, "attributes": attributes}
            )

    def add_segment(self, segment_id: int, person_ids: list[str]) -> None:
        """A segment whose members are these people, in this order."""
        with self._lock:
            self.state.segments[segment_id] = list(person_ids)

    def action(self, campaign_id: int, action_id: int) -> dict[str, Any]:
        """The stored action object (a live reference)."""
        with self._lock:
            for action in self.state.actions.get(campaign_id, []):
                if action["id"] == action_id:
                    return action
        raise KeyError((campaign_id, action_id))

    def touch_action(self, campaign_id: int, action_id: int, **changes: Any) -> None:
        """Change an action as someone in Customer.io would: ``updated`` moves on."""
        with self._lock:
            action = self.action(campaign_id, action_id)
            action.update(changes)
            action["updated"] = max(int(time.time()), action["updated"] + 1)

    # -- faults -----------------------------------------------------------------------

    def fail_next(
        self, status: int, count: int = 1, retry_after: str | None = None, path: str | None = None
    ) -> None:
        """Answer the next ``count`` requests (to ``path`` only, if given) with ``status``."""
        with self._lock:
            for _ in range(count):
                self._faults.append(_Fault(status, retry_after, 0.0, path))

    def slow_next(self, seconds: float, count: int = 1) -> None:
        """Stay silent ``seconds`` before answering each of the next ``count`` requests."""
        with self._lock:
            for _ in range(count):
                self._faults.append(_Fault(None, None, seconds, None))

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.path is None or fault.path == path:
                    self._faults.remove(fault)
                    return fault
        return None

    def _over_rate(self, now: float) -> bool:
        with self._lock:
            while self._starts and now - self._starts[0] >= 1.0:
                self._starts.popleft()
            self._starts.append(now)
            return len(self._starts) > 10

    # -- the API ----------------------------------------------------------------------

    def _person(self, person: dict[str, Any]) -> dict[str, Any]:
        attributes = {k: str(v) for k, v in person["attributes"].items()}
        attributes.update(id=person["id"], email=person["email"], cio_id=person["cio_id"])
        return {
            "id": person["id"],
            "attributes": attributes,
            "timestamps": {"created_at": 1_690_000_000},
            "unsubscribed": False,
            "devices": [],
        }

    def _find_person(self, value: str, id_type: str) -> dict[str, Any] | None:
        for person in self.state.people:
            if id_type == "email" and person["email"].lower() == value.lower():
                return person
            if id_type == "cio_id" and person["cio_id"] == value:
                return person
            if id_type == "id" and person["id"] == value:
                return person
        return None

    def answer(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        """Route one authorised request: ``(status, JSON body)``."""
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        with self._lock:
            if parts == ["v1", "workspaces"] and method == "GET":
                return 200, {"workspaces": self.state.workspaces}
            if parts == ["v1", "campaigns"] and method == "GET":
                campaigns = []
                for cid, campaign in self.state.campaigns.items():
                    refs = [{"type": a["type"], "id": a["id"]} for a in self.state.actions[cid]]
                    campaigns.append({**campaign, "actions": refs})
                return 200, {"campaigns": campaigns}
            if parts[:2] == ["v1", "campaigns"] and len(parts) >= 4 and parts[3] == "actions":
                return self._actions(method, parts, query, body)
            if parts == ["v1", "customers", "attributes"] and method == "POST":
                ids = body.get("ids") if isinstance(body, dict) else None
                if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
                    return _error(400, "ids must hold 1 to 100 identifiers")
                id_type = query.get("id_type", "id")
                found = [self._find_person(str(i), id_type) for i in ids]
                return 200, {"customers": [{"customer": self._person(p)} for p in found if p]}
            if parts[:2] == ["v1", "customers"] and len(parts) == 4 and parts[3] == "attributes":
                person = self._find_person(parts[2], query.get("id_type", "id"))
                if person is None:
                    return _error(404, "customer not found")
                return 200, {"customer": self._person(person)}
            if parts[:2] == ["v1", "segments"] and len(parts) == 4 and parts[3] == "membership":
                return self._membership(parts, query)
        return _error(404, "not found")

    def _actions(
        self, method: str, parts: list[str], query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        if not parts[2].isdigit() or int(parts[2]) not in self.state.actions:
            return _error(404, "campaign not found")
        actions = self.state.actions[int(parts[2])]
        if len(parts) == 4 and method == "GET":
            start = int(query.get("start") or 0)
            page = actions[start : start + 10]
            more = start + 10 < len(actions)
            return 200, {"actions": page, "next": str(start + 10) if more else ""}
        if len(parts) != 5 or not parts[4].isdigit():
            return _error(404, "not found")
        try:
            action = self.action(int(parts[2]), int(parts[4]))
        except KeyError:
            return _error(404, "action not found")
        if method == "GET":
            return 200, {"action": action}
        if method != "PUT":
            return _error(405, "method not allowed")
        problem = _update_problem(body)
        if problem:
            return _error(400, problem)
        action.update(body)
        action["updated"] = max(int(time.time()), action["updated"] + 1)
        return 200, {"action": action}

    def _membership(self, parts: list[str], query: dict[str, str]) -> tuple[int, Any]:
        if not parts[2].isdigit() or int(parts[2]) not in self.state.segments:
            return _error(404, "segment not found")
        limit = int(query.get("limit") or 100)
        if not 1 <= limit <= 30000:
            return _error(400, "limit must be between 1 and 30000")
        members = self.state.segments[int(parts[2])]
        start = int(query.get("start") or 0)
        page = members[start : start + limit]
        identifiers = []
        for person_id in page:
            person = self._find_person(person_id, "id")
            cio = person["cio_id"] if person else ""
            email = person["email"] if person else ""
            identifiers.append({"id": person_id, "email": email, "cio_id": cio})
        more = start + limit < len(members)
        return 200, {
            "identifiers": identifiers,
            "ids": list(page),
            "next": str(start + limit) if more else "",
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                split = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                now = time.monotonic()
                with server._lock:
                    server.received.append(
                        Received(
                            self.command, split.path, query, dict(self.headers.items()), body, now
                        )
                    )
                fault = server._take_fault(split.path)
                headers: dict[str, str] = {}
                if fault is not None and fault.delay:
                    time.sleep(fault.delay)
                if server.enforce_rate and server._over_rate(now):
                    with server._lock:
                        server.rate_limited += 1
                    status, answer = _error(429, "rate limited to 10 requests per 1s")
                    headers["Retry-After"] = "1"
                elif fault is not None and fault.status is not None:
                    status, answer = _error(fault.status, f"scripted {fault.status}")
                    if fault.retry_after is not None:
                        headers["Retry-After"] = fault.retry_after
                elif self.headers.get("Authorization") != f"Bearer {server.key}":
                    status, answer = _error(401, "unauthorized")
                else:
                    status, answer = server.answer(self.command, split.path, query, body)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_PUT = do_POST = do_DELETE = _serve

        return Handler


def _error(status: int, detail: str) -> tuple[int, Any]:
    return status, {"errors": [{"detail": f"{detail} (reference t3st)", "status": str(status)}]}


def _update_problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    for key, value in body.items():
        if key not in ("method", "url", "headers", "body", "sending_state"):
            return f"{key} cannot be updated on a webhook action"
        if not isinstance(value, str):
            return f"{key} must be a string"
    if "method" in body and body["method"] not in _METHODS:
        return "method must be one of get, post, put, delete, patch"
    if "sending_state" in body and body["sending_state"] not in _STATES:
        return "sending_state must be automatic, draft or off"
    if "headers" in body:
        try:
            headers = json.loads(body["headers"])
        except ValueError:
            return "headers must be a JSON string"
        if not isinstance(headers, list) or not all(
            isinstance(h, dict) and set(h) == {"name", "value"} for h in headers
        ):
            return "headers must be a JSON list of {name, value}"
    return None
