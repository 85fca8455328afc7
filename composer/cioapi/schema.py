"""The tables the Customer.io round trip adds to the workspace, as one migration script.

:data:`CIO_TABLES` is appended to :data:`composer.store.schema.MIGRATIONS`. It only adds tables,
so a workspace keeps everything it had:

* ``cio_origins``: where a pulled request came from — its campaign and action, the
  action's ``updated`` time when it was pulled (or last pushed), its Liquid version
  when the App API said it, and the action as pulled (JSON), which the diff and the
  conflict rule compare with. A row goes when its request goes; renaming the request
  keeps it (it follows the request's row id). No App API key is ever stored here.
* ``cio_pulled_people``: the people copied from Customer.io, so that they can be removed
  in one action. A row goes when its person goes.
"""

from __future__ import annotations

__all__ = ["CIO_TABLES"]

CIO_TABLES = """
CREATE TABLE cio_origins (
    request_id      INTEGER PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
    campaign_id     INTEGER NOT NULL,
    action_id       INTEGER NOT NULL,
    action_updated  INTEGER,                -- the action's `updated` (Unix seconds), if sent
    liquid_version  TEXT,                   -- 'latest' or 'legacy' when the API named it
    pulled_action   TEXT NOT NULL,          -- the action object as pulled (JSON)
    pulled_at       REAL NOT NULL,
    UNIQUE (campaign_id, action_id)
);

CREATE TABLE cio_pulled_people (
    person_id  TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE ON UPDATE CASCADE,
    source     TEXT NOT NULL,               -- how they were pulled: "id", "email", "segment 7"
    pulled_at  REAL NOT NULL
);
"""
