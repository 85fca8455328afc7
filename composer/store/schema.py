"""The workspace's SQLite schema, as a list of forward-only migrations.

``MIGRATIONS[i]`` takes a database from ``PRAGMA user_version = i`` to ``i + 1``. Entries
are only ever appended: a released migration is never edited or reordered. Each runs
inside one transaction together with the ``user_version`` bump.

Conventions: times are Unix seconds as REAL (UTC); JSON columns hold UTF-8 JSON text;
secrets never appear in any column (deliveries keep the *masked* rendering).
"""

from __future__ import annotations

import sqlite3

from composer.cioapi.schema import CIO_TABLES

__all__ = [
    "MIGRATIONS",
    "PEOPLE_SEARCH",
    "SCHEMA_VERSION",
    "TRIGRAM",
    "has_trigram",
    "people_search_migration",
    "search_text_sql",
]

_V1 = """
CREATE TABLE requests (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    data        TEXT NOT NULL,              -- the request file (JSON), name included
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);

CREATE TABLE people (
    id          TEXT PRIMARY KEY,           -- Customer.io's id
    email       TEXT NOT NULL DEFAULT '',
    attributes  TEXT NOT NULL DEFAULT '{}', -- JSON object
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
CREATE INDEX people_email ON people (email);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE ON UPDATE CASCADE,
    name        TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}', -- JSON object
    timestamp   INTEGER NOT NULL            -- Unix seconds
);
CREATE INDEX events_person ON events (person_id, timestamp);

-- One send of a request for a person. Rows outlive the request and the person they
-- name (history), so those are copied in, not referenced.
CREATE TABLE deliveries (
    id                INTEGER PRIMARY KEY,
    request_name      TEXT NOT NULL,
    person_id         TEXT,
    event_id          INTEGER,
    state             TEXT NOT NULL CHECK (state IN
                        ('draft', 'queued', 'sending', 'waiting_retry',
                         'succeeded', 'failed', 'cancelled')),
    request_snapshot  TEXT NOT NULL,        -- the request file as it was when sent
    context_snapshot  TEXT NOT NULL,        -- the Liquid globals used (no secrets)
    rendered          TEXT NOT NULL,        -- masked rendering: {"method","url","headers","body"}
    rendered_at       REAL NOT NULL,        -- the instant 'now' meant for this rendering
    idempotency_key   TEXT,                 -- stable across attempts when opted in
    max_retries       INTEGER NOT NULL,
    backoff_base      REAL NOT NULL,
    next_attempt_at   REAL,                 -- when state is queued or waiting_retry
    attribute_updates TEXT,                 -- JSON object applied to the person, on success
    error             TEXT,                 -- last plain-language error, if any
    created_at        REAL NOT NULL,
    updated_at        REAL NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_person ON deliveries (person_id);

CREATE TABLE attempts (
    id                 INTEGER PRIMARY KEY,
    delivery_id        INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    n                  INTEGER NOT NULL,    -- 1 for the first try
    started_at         REAL NOT NULL,
    elapsed_ms         REAL,                -- NULL while in flight
    status             INTEGER,             -- HTTP status, NULL when none arrived
    error              TEXT,                -- plain-language error, NULL on an HTTP answer
    error_kind         TEXT,                -- dns, refused, tls, timeout, reset, invalid, ...
    response_headers   TEXT,                -- JSON [[name, value], ...]
    response_body      BLOB,                -- at most 1 MiB
    response_size      INTEGER,             -- bytes the server sent in all
    response_truncated INTEGER NOT NULL DEFAULT 0,
    UNIQUE (delivery_id, n)
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL                    -- JSON
);

-- Names of the secrets the workspace uses; the values live in the OS keychain only.
CREATE TABLE secret_names (
    name  TEXT PRIMARY KEY
);
"""

# Customer.io's two Liquid versions: requests already in a workspace keep rendering as
# they did (legacy, Ruby Liquid); a workspace that held anything before gets legacy as its
# default for new requests, like a Customer.io account created before 28 Nov 2023. A new
# workspace has no setting, which means latest.
_V2 = """
UPDATE requests SET data = json_set(data, '$.liquid_version', 'legacy')
    WHERE json_extract(data, '$.liquid_version') IS NULL;
INSERT OR IGNORE INTO settings (key, value)
    SELECT 'liquid_version', '"legacy"'
    WHERE EXISTS (SELECT 1 FROM requests) OR EXISTS (SELECT 1 FROM people)
        OR EXISTS (SELECT 1 FROM deliveries);
"""

# Deliveries: a delivery sent although its body is not valid for its Content-Type (the
# tester's explicit override); the outbox run that holds each attempt in flight; the
# content coding removed from a stored response body, or why it is kept as received.
_DELIVERY_FAULTS = """
ALTER TABLE deliveries ADD COLUMN forced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN owner TEXT;             -- the outbox run sending it
ALTER TABLE attempts ADD COLUMN response_decoded TEXT;  -- gzip, deflate, or NULL
ALTER TABLE attempts ADD COLUMN response_problem TEXT;  -- why the body is not plain
"""


def has_trigram() -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (SQLite 3.34 and later)."""
    if sqlite3.sqlite_version_info < (3, 34, 0):
        return False
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE t USING fts5(doc, tokenize='trigram')")
    except sqlite3.Error:
        return False
    finally:
        probe.close()
    return True


TRIGRAM = has_trigram()
"""Whether new search indexes are FTS5 trigram indexes (else a plain table of texts)."""

# The people search: one text per person (id, email, then every attribute value as the
# search reads it, a line each), kept in step with ``people`` by triggers and keyed by the
# person's rowid. Where SQLite has the trigram tokenizer it is an FTS5 index, so a search
# for three characters or more looks trigrams up instead of reading every person; where it
# has not, the same texts live in a plain table and the search reads them all (still far
# cheaper than walking every person's JSON). :mod:`composer.store.people` reads either.
_SEARCH_TEXT = """{row}.id || char(10) || {row}.email || char(10) || coalesce((
    SELECT group_concat(CASE t.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
        WHEN 'null' THEN 'nil' ELSE CAST(t.atom AS TEXT) END, char(10))
    FROM json_tree({row}.attributes) AS t WHERE t.type NOT IN ('object', 'array')), '')"""


def search_text_sql(row: str) -> str:
    """The SQL expression of a person's search text, for the people row named ``row``."""
    return _SEARCH_TEXT.format(row=row)


def people_search_migration(trigram: bool) -> str:
    """The migration that makes the people search texts: an FTS5 trigram index, or a
    plain table where this SQLite has no trigram tokenizer."""
    table = (
        "CREATE VIRTUAL TABLE people_search USING fts5(doc, tokenize='trigram');"
        if trigram
        else "CREATE TABLE people_search (rowid INTEGER PRIMARY KEY, doc TEXT NOT NULL);"
    )
    return f"""
{table}
CREATE TRIGGER people_search_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_search (rowid, doc) VALUES (new.rowid, {search_text_sql("new")});
END;
CREATE TRIGGER people_search_update AFTER UPDATE OF id, email, attributes ON people BEGIN
    DELETE FROM people_search WHERE rowid = old.rowid;
    INSERT INTO people_search (rowid, doc) VALUES (new.rowid, {search_text_sql("new")});
END;
CREATE TRIGGER people_search_delete AFTER DELETE ON people BEGIN
    DELETE FROM people_search WHERE rowid = old.rowid;
END;
INSERT INTO people_search (rowid, doc) SELECT rowid, {search_text_sql("people")} FROM people;
"""


PEOPLE_SEARCH = people_search_migration(TRIGRAM)
"""The people search migration as this SQLite runs it."""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, CIO_TABLES, _DELIVERY_FAULTS, PEOPLE_SEARCH)
"""SQL scripts, one per schema version; append only."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The ``user_version`` a fully migrated workspace has."""
