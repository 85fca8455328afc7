"""Recovery after a crash: answers kept in a journal are recorded, and attempts cut off by
the end of their run are closed, so the engine never sends a delivery twice blindly.

* **Cut off.** A delivery found ``sending`` whose run is gone (its lock file is no longer
  held, :func:`~composer.delivery.journal.run_alive`) was cut off by a crash: that attempt is
  closed as ``interrupted`` and the delivery is due again, even if its retries were used
  up, so every delivery is sent at least once. An attempt whose run cannot be told alive
  (no lock file) is taken for cut off once it is older than the engine's lease (three
  timeouts and three seconds). The calling run's own attempts are never cut off.
* **Journals first.** Answers a busy workspace could not take
  (:mod:`composer.delivery.journal`) are recorded in the same transaction, before any
  attempt is closed, so a delivery whose answer was kept is never taken for cut off.
"""

from __future__ import annotations

import logging
from pathlib import Path

from composer.delivery import journal
from composer.delivery.record import Recorder
from composer.store.database import Database

__all__ = ["INTERRUPTED", "recover", "was_cut_off"]

log = logging.getLogger("composer.delivery")

INTERRUPTED = "The program stopped while this attempt was in flight, so it is sent again."
"""The error recorded on an attempt cut off by a crash, and on its delivery."""


def recover(
    db: Database,
    recorder: Recorder,
    folder: Path,
    *,
    ids: set[int] | None,
    token: str | None,
    lease: float,
    now: float,
) -> None:
    """Record journaled answers, then close the attempts of ``ids`` (None: of all) cut off
    by a crash and make their deliveries due again.

    ``token`` names the calling run (its attempts are alive); ``lease`` is how old an
    attempt of a run that cannot be told alive must be to count as cut off.
    """
    rows = db.fetchall(
        "SELECT d.id, a.started_at, a.owner FROM deliveries d LEFT JOIN attempts a"
        " ON a.delivery_id = d.id AND a.elapsed_ms IS NULL AND a.error IS NULL"
        " WHERE d.state = 'sending'"
    )
    stale = now - lease
    cut_off = [
        row[0]
        for row in rows
        if (ids is None or row[0] in ids) and was_cut_off(folder, row[1], row[2], token, stale)
    ]
    journals = any(folder.glob("answers-*.json")) if folder.is_dir() else False
    if not cut_off and not journals:
        return
    with db.transaction():  # the journals are read after the runs were seen gone
        read = recorder.replay()
        for delivery_id in cut_off:
            db.execute(
                "UPDATE attempts SET error = ?, error_kind = 'interrupted'"
                " WHERE delivery_id = ? AND elapsed_ms IS NULL AND error IS NULL",
                (INTERRUPTED, delivery_id),
            )
            db.execute(
                "UPDATE deliveries SET state = 'waiting_retry', next_attempt_at = ?,"
                " error = ?, updated_at = ? WHERE id = ? AND state = 'sending'",
                (now, INTERRUPTED, now, delivery_id),
            )
    for path in read:
        journal.forget(path)
    if read:
        log.warning("recovered the answers kept in %d journal file(s) in %s", len(read), folder)
    for delivery_id in cut_off:
        log.warning(
            "delivery %d: an attempt cut off by a crash is closed; it is due again", delivery_id
        )


def was_cut_off(
    folder: Path, started_at: float | None, owner: str | None, token: str | None, stale: float
) -> bool:
    """Whether an attempt in flight (``started_at`` None: none is open) was cut off by its
    run's end; an attempt of a run that cannot be told alive is once it started at or
    before ``stale``."""
    if started_at is None:
        return True  # sending, but no attempt open: nothing will finish it
    if owner is not None and owner == token:
        return False
    alive = journal.run_alive(folder, owner) if owner else None
    if alive is None:
        return started_at <= stale
    return not alive
