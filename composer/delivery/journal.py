"""Beside the workspace: which outbox runs are alive, and answers a busy workspace refused.

Both live in one folder next to the workspace file (``workspace.sqlite3.outbox/``).

* **Run locks.** Each :meth:`composer.delivery.outbox.Outbox.run` holds :class:`RunLock`: a file
  ``run-TOKEN.lock`` with an exclusive ``flock`` on it, and writes ``TOKEN`` on every
  attempt it starts. The operating system drops the lock when the process ends, however
  it ends, so :func:`run_alive` tells an attempt that is still in flight (its run holds
  the lock) from one cut off by a crash (nobody does) at once, without waiting for a
  lease to run out. The file is made under a temporary name, locked, then renamed into
  place, so a lock file is never seen unlocked while its run lives. Where ``flock`` does
  not exist (Windows), :func:`run_alive` answers None and the outbox falls back on its
  lease.
* **The answer journal.** When the workspace stays locked by another program for longer
  than the outbox will wait, the answers it could not record are written to
  ``answers-TOKEN-N.json`` (written whole under a temporary name, flushed to disk, then
  renamed) before the run's lock is released. Whoever next recovers interrupted attempts
  reads the journals first, after seeing the writer's lock released, so an answer kept
  here is recorded, never mistaken for an attempt cut off in flight and sent again.
  Entries hold what the workspace would have held: response bodies with secrets masked.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no flock; the outbox's lease decides instead
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "RunLock",
    "decode_body",
    "encode_body",
    "folder_for",
    "forget",
    "journals",
    "run_alive",
    "write_journal",
]


def folder_for(workspace: Path) -> Path:
    """The folder beside ``workspace`` that holds run locks and answer journals."""
    return workspace.with_name(workspace.name + ".outbox")


class RunLock:
    """Held for one outbox run; ``token`` is None where runs cannot be told alive."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.token: str | None = None
        """Written on each attempt the run starts (None: no lock could be taken)."""
        self._fd: int | None = None
        self._path: Path | None = None
        self._count = itertools.count(1)

    def __enter__(self) -> RunLock:
        if fcntl is None:
            return self
        token = f"{os.getpid()}-{secrets.token_hex(6)}"
        temporary = self.folder / f".run-{token}.tmp"
        for _ in range(3):  # another run may remove the empty folder in between
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                fd = os.open(temporary, os.O_RDWR | os.O_CREAT, 0o600)
                break
            except FileNotFoundError:
                continue
            except OSError:
                return self  # a read-only folder: attempts carry no token, the lease decides
        else:
            return self
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._path = self.folder / f"run-{token}.lock"
            os.replace(temporary, self._path)
        except OSError:
            os.close(fd)
            with contextlib.suppress(OSError):
                temporary.unlink()
            return self
        self._fd, self.token = fd, token
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None and self._path is not None:
            with contextlib.suppress(OSError):
                self._path.unlink()
            os.close(self._fd)
            with contextlib.suppress(OSError):
                self.folder.rmdir()  # only when nothing else is in it
        self._fd = self._path = None

    def next_journal(self) -> Path:
        """A new journal file name for this run."""
        return self.folder / f"answers-{self.token or os.getpid()}-{next(self._count)}.json"


def run_alive(folder: Path, token: str) -> bool | None:
    """Whether the run that wrote ``token`` still holds its lock (None: cannot be told)."""
    if fcntl is None:
        return None
    path = folder / f"run-{token}.lock"
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return None
        with contextlib.suppress(OSError):
            path.unlink()  # its run is gone: tidy up while holding the lock
        return False
    finally:
        os.close(fd)


def write_journal(path: Path, answers: list[dict[str, Any]]) -> None:
    """Write answers durably to ``path`` (whole or not at all); raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump({"answers": answers}, out, ensure_ascii=False)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def journals(folder: Path) -> Iterator[tuple[Path, list[dict[str, Any]]]]:
    """Every journal in ``folder`` with its answers.

    One that cannot be read is renamed ``….damaged`` (kept for a person to look at, and
    no longer read on every recovery).
    """
    for path in sorted(folder.glob("answers-*.json")):
        try:
            answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
            if not isinstance(answers, list):
                raise TypeError("answers is not a list")
        except (OSError, ValueError, KeyError, TypeError):
            with contextlib.suppress(OSError):
                path.replace(path.with_suffix(".damaged"))
            continue
        yield path, [a for a in answers if isinstance(a, dict)]


def forget(path: Path) -> None:
    """Remove a journal whose answers are now recorded."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def encode_body(body: bytes) -> str:
    """A response body as journal text."""
    return base64.b64encode(body).decode("ascii")


def decode_body(text: str) -> bytes:
    """A response body from journal text."""
    return base64.b64decode(text.encode("ascii"))
