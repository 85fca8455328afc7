"""Answers a busy workspace will not take yet: kept in memory, tried again, then journaled.

:class:`Unrecorded` sits between the engine (:class:`composer.delivery.outbox.Outbox`) and
its :class:`~composer.delivery.record.Recorder`. Decisions:

* **A busy workspace.** :class:`Unrecorded` keeps the answers a busy workspace will
  not take yet and tries again with backoff (:meth:`Unrecorded.pause`: from 0.05 s,
  doubling to 1 s); past its patience it writes them to the journal beside the workspace
  (:mod:`composer.delivery.journal`), and
  :meth:`~composer.delivery.record.Recorder.replay` records them before anything is taken
  for interrupted.
* **Batches.** The waiting answers are recorded together, at most :data:`BATCH` in one
  transaction (:meth:`~composer.delivery.record.Recorder.record_all`: all or none).
* **A refusal is not a wait.** When the workspace refuses to be written (read-only, full,
  damaged) rather than being busy, waiting would not help: the answers are journaled at
  once and the run ends.
* **Nothing is lost silently.** :meth:`Unrecorded.raise_if_journaled` ends the run with
  :class:`UnrecordedAnswers`, naming the deliveries whose answers are in the journal (and
  recorded by the next run, never sent again) and those that could be kept nowhere (they
  will be sent again).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from composer.delivery import journal
from composer.delivery.records import Delivery, Progress
from composer.errors import StoreError

if TYPE_CHECKING:  # record.py imports nothing from here: no cycle at run time
    from composer.delivery.record import Answer, Recorder

__all__ = ["BATCH", "Unrecorded", "UnrecordedAnswers"]

BATCH = 64
"""The most answers :class:`Unrecorded` writes in one transaction."""


class UnrecordedAnswers(StoreError):
    """The workspace stayed busy, or refused to be written: some answers are in the
    journal, not yet in the workspace (``sqlite_error`` names the refusal, if any)."""

    def __init__(
        self, message: str, delivery_ids: Sequence[int], sqlite_error: str | None = None
    ) -> None:
        super().__init__(message, sqlite_error)
        self.delivery_ids = tuple(delivery_ids)
        """The deliveries whose answers were not recorded in the workspace."""


class Unrecorded:
    """Answers waiting in memory for the workspace to take them, and the journal when it
    will not."""

    def __init__(
        self, recorder: Recorder, patience: float, lock: journal.RunLock, report: Progress
    ) -> None:
        self._recorder = recorder
        self.patience = patience
        """Seconds answers wait for a busy workspace before they are journaled."""
        self._lock = lock
        self._report = report
        self._answers: list[Answer] = []
        self._deliveries: dict[int, Delivery] = {}  # as claimed: spares a read per answer
        self._busy_since: float | None = None
        self._tries = 0
        self._given_up = False
        self.refusal: StoreError | None = None
        """Why the workspace would not take an answer, when it was not merely busy (a
        read-only, full or damaged file): answers are journaled at once, never retried."""
        self.journaled: list[int] = []
        """Deliveries whose answers went to the journal."""
        self.lost: list[int] = []
        """Deliveries whose answers could be kept nowhere (they will be sent again)."""

    def __bool__(self) -> bool:
        return bool(self._answers)

    @property
    def given_up(self) -> bool:
        """Whether the workspace stayed busy past the patience (nothing more is sent)."""
        return self._given_up

    def add(self, answer: Answer, delivery: Delivery | None = None) -> None:
        """Keep an answer until it is recorded (:meth:`try_to_record`); ``delivery``, the
        delivery as it was claimed, spares reading it back to record the answer."""
        self._answers.append(answer)
        if delivery is not None:
            self._deliveries[answer.delivery_id] = delivery

    def try_to_record(self) -> None:
        """Record every waiting answer the workspace takes, together in one transaction (at
        most :data:`BATCH` at a time); once the run has given up on the workspace, journal
        them instead."""
        if self._given_up and self._answers:
            self._write_journal()
        while self._answers:
            batch = self._answers[:BATCH]
            tried_at = time.monotonic()
            try:
                recorded = self._recorder.record_all(
                    [(a, self._deliveries.get(a.delivery_id)) for a in batch]
                )
            except StoreError as exc:
                if not exc.busy:  # waiting would not help: keep the answers, end the run
                    self.refusal = exc
                    self._given_up = True
                    self._write_journal()
                    return
                self._busy(tried_at)
                return
            del self._answers[: len(batch)]
            for answer in batch:
                self._deliveries.pop(answer.delivery_id, None)
            self._busy_since, self._tries = None, 0
            for events in recorded:
                for event in events:
                    self._report(event)

    def pause(self) -> float:
        """How long to wait before the next try: from 0.05 s, doubling to 1 s."""
        return min(1.0, 0.05 * 2.0 ** min(self._tries, 5))

    def _busy(self, tried_at: float) -> None:
        self._tries += 1
        if self._busy_since is None:
            self._busy_since = tried_at
        waited = time.monotonic() - self._busy_since
        if waited >= self.patience:
            self._given_up = True
            self._write_journal()

    def _write_journal(self) -> None:
        answers, self._answers = self._answers, []
        self._deliveries.clear()
        ids = [a.delivery_id for a in answers]
        try:
            journal.write_journal(self._lock.next_journal(), [a.to_entry() for a in answers])
        except OSError:
            self.lost += ids
        else:
            self.journaled += ids

    def raise_if_journaled(self) -> None:
        """End the run with :class:`UnrecordedAnswers` if any answer was not recorded."""
        if not self.journaled and not self.lost:
            return
        path = self._recorder.db.path
        ids = sorted(set(self.journaled + self.lost))
        if self.refusal is not None:
            cause = str(self.refusal).rstrip(".")
            message = (
                f"{cause}, so the answers to deliveries {_listing(ids)} were not recorded in it."
            )
        else:
            message = (
                f"The workspace {path} stayed busy (another program held it) for more than "
                f"{self.patience:g} s, so the answers to deliveries "
                f"{_listing(ids)} were not recorded in it."
            )
        if self.journaled:
            message += (
                f" Those to {_listing(sorted(set(self.journaled)))} are kept in "
                f"{journal.folder_for(path)} and are recorded by the next outbox run (or start of "
                "the window), which does not send them again."
            )
        if self.lost:
            message += (
                f" Those to {_listing(sorted(set(self.lost)))} could not be kept anywhere "
                "(the folder cannot be written), so those deliveries will be sent again."
            )
        refused = None if self.refusal is None else self.refusal.sqlite_error
        raise UnrecordedAnswers(message, ids, refused)


def _listing(ids: Sequence[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:20])
    return shown + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
