"""The round trip with a real Customer.io workspace, through its App API.

What the window and the command line call (everything plain Python, no Qt):

* **Connection** — :func:`login` (test call, then the key into the keychain and the region
  into the workspace's settings; ``remember=False`` for a key held for a session),
  :func:`check_key` (the test call alone), :func:`workspaces_label`, :func:`open_client`,
  :func:`load_connection`, :func:`logout`; a :class:`CioClient` (bearer key, region,
  10 requests a second, the deliveries' retry rules, a ``cancelled()`` hook).
* **Pull** — :func:`list_campaigns`, :func:`pull_campaign` (webhook actions → requests
  that remember their origin, with a diff against a local copy), :func:`pull_people`
  and :func:`remove_pulled_people` (sample people, marked as pulled;
  :data:`PERSONAL_DATA_NOTICE` is the sentence to show first).
* **Push** — :func:`plan_push` (diff, conflict, secrets, per-person and upgrade checks;
  ``progress(stage, done, total)`` and ``cancelled()`` hooks), then :func:`push_action`.
* **Store** — :class:`Origins` (where a request came from) and :class:`PulledPeople`.

Every error is a :class:`CioError` (a :class:`~composer.errors.KnownError`): one plain
sentence. The names load on first use, so importing this package (the schema does, for
:data:`CIO_TABLES`) costs nothing until the client is wanted.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from composer.cioapi.client import (
        DEFAULT_TIMEOUT,
        REGIONS,
        CioClient,
        RateLimiter,
        Region,
        base_url_for,
    )
    from composer.cioapi.connection import (
        Connection,
        KeyStore,
        check_key,
        load_connection,
        login,
        logout,
        open_client,
        workspaces_label,
    )
    from composer.cioapi.diff import FieldDiff, diff_content
    from composer.cioapi.errors import (
        CioCancelledError,
        CioError,
        CioNotFoundError,
        CioRefusedError,
        CioResponseError,
        CioUnavailableError,
        ForbiddenError,
        KeyRefusedError,
        NoKeyError,
        PushRefusedError,
    )
    from composer.cioapi.models import (
        Action,
        ActionContent,
        Campaign,
        CioPerson,
        SegmentMember,
        Workspace,
    )
    from composer.cioapi.pull import (
        DEFAULT_PEOPLE_LIMIT,
        MAX_PEOPLE,
        PERSONAL_DATA_NOTICE,
        CampaignPull,
        PeoplePull,
        PulledAction,
        list_campaigns,
        pull_campaign,
        pull_people,
        remove_pulled_people,
    )
    from composer.cioapi.push import PushPlan, PushResult, SecretsChoice, plan_push, push_action
    from composer.cioapi.schema import CIO_TABLES
    from composer.cioapi.secret_refs import SecretRefs, find_secrets
    from composer.cioapi.store import Origin, Origins, PulledPeople

_HOMES: dict[str, tuple[str, ...]] = {
    "composer.cioapi.client": (
        "DEFAULT_TIMEOUT",
        "REGIONS",
        "CioClient",
        "RateLimiter",
        "Region",
        "base_url_for",
    ),
    "composer.cioapi.connection": (
        "Connection",
        "KeyStore",
        "check_key",
        "load_connection",
        "login",
        "logout",
        "open_client",
        "workspaces_label",
    ),
    "composer.cioapi.diff": ("FieldDiff", "diff_content"),
    "composer.cioapi.errors": (
        "CioCancelledError",
        "CioError",
        "CioNotFoundError",
        "CioRefusedError",
        "CioResponseError",
        "CioUnavailableError",
        "ForbiddenError",
        "KeyRefusedError",
        "NoKeyError",
        "PushRefusedError",
    ),
    "composer.cioapi.models": (
        "Action",
        "ActionContent",
        "Campaign",
        "CioPerson",
        "SegmentMember",
        "Workspace",
    ),
    "composer.cioapi.pull": (
        "DEFAULT_PEOPLE_LIMIT",
        "MAX_PEOPLE",
        "PERSONAL_DATA_NOTICE",
        "CampaignPull",
        "PeoplePull",
        "PulledAction",
        "list_campaigns",
        "pull_campaign",
        "pull_people",
        "remove_pulled_people",
    ),
    "composer.cioapi.push": ("PushPlan", "PushResult", "SecretsChoice", "plan_push", "push_action"),
    "composer.cioapi.schema": ("CIO_TABLES",),
    "composer.cioapi.secret_refs": ("SecretRefs", "find_secrets"),
    "composer.cioapi.store": ("Origin", "Origins", "PulledPeople"),
}
_WHERE = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "CIO_TABLES",
    "DEFAULT_PEOPLE_LIMIT",
    "DEFAULT_TIMEOUT",
    "MAX_PEOPLE",
    "PERSONAL_DATA_NOTICE",
    "REGIONS",
    "Action",
    "ActionContent",
    "Campaign",
    "CampaignPull",
    "CioCancelledError",
    "CioClient",
    "CioError",
    "CioNotFoundError",
    "CioPerson",
    "CioRefusedError",
    "CioResponseError",
    "CioUnavailableError",
    "Connection",
    "FieldDiff",
    "ForbiddenError",
    "KeyRefusedError",
    "KeyStore",
    "NoKeyError",
    "Origin",
    "Origins",
    "PeoplePull",
    "PulledAction",
    "PulledPeople",
    "PushPlan",
    "PushRefusedError",
    "PushResult",
    "RateLimiter",
    "Region",
    "SecretRefs",
    "SecretsChoice",
    "SegmentMember",
    "Workspace",
    "base_url_for",
    "check_key",
    "diff_content",
    "find_secrets",
    "list_campaigns",
    "load_connection",
    "login",
    "logout",
    "open_client",
    "plan_push",
    "pull_campaign",
    "pull_people",
    "push_action",
    "remove_pulled_people",
    "workspaces_label",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'composer.cioapi' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
