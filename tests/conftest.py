"""Suite-wide setup: Qt offscreen, no test touches the real user data folder, no traceback leaks.

A traceback raised inside a Qt slot or virtual method never reaches the test: Qt hands it to
``sys.excepthook``, prints it and carries on. Likewise an exception in a ``__del__`` or a
finaliser goes to ``sys.unraisablehook``, and one in a worker thread to
``threading.excepthook``. :func:`_no_leaked_tracebacks` listens on all three (passing each
on to the hook it found, pytest-qt's capture included) and fails the test during which any
of them fired, naming the exception and where it was raised.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the workspace location at a fresh folder for every test."""
    monkeypatch.setenv("WEBHOOK_COMPOSER_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(autouse=True)
def _log_masks_only_this_tests_secrets() -> Iterator[None]:
    """A secret one test stored is not masked in the next test's log lines (the mask is
    process-wide: a value such as "v" would mask letters in every later line)."""
    yield
    from composer.logs import forget_secrets

    forget_secrets()


@pytest.fixture(autouse=True)
def _no_leaked_tracebacks() -> Iterator[None]:
    """Fail the test if an exception reached an excepthook or the unraisable hook meanwhile."""
    leaked: list[str] = []
    except_before, unraisable_before = sys.excepthook, sys.unraisablehook
    thread_before = threading.excepthook

    def on_exception(
        kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        leaked.append("".join(traceback.format_exception(kind, value, tb)))
        except_before(kind, value, tb)

    def on_unraisable(unraisable: Any) -> None:
        where = unraisable.err_msg or "Exception ignored in"
        text = "".join(
            traceback.format_exception(
                unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback
            )
        )
        leaked.append(f"{where}: {unraisable.object!r}\n{text}")
        unraisable_before(unraisable)

    def on_thread_exception(args: Any) -> None:
        if args.exc_type is not SystemExit:
            text = "".join(
                traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
            )
            leaked.append(f"in thread {args.thread.name if args.thread else '?'}:\n{text}")
        thread_before(args)

    sys.excepthook, sys.unraisablehook = on_exception, on_unraisable
    threading.excepthook = on_thread_exception
    try:
        yield
    finally:
        if sys.excepthook is on_exception:
            sys.excepthook = except_before
        if sys.unraisablehook is on_unraisable:
            sys.unraisablehook = unraisable_before
        if threading.excepthook is on_thread_exception:
            threading.excepthook = thread_before
    if leaked:
        pytest.fail(
            f"{len(leaked)} traceback(s) leaked during the test:\n" + "\n".join(leaked[:5]),
            pytrace=False,
        )


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for running ``python -m composer`` as a subprocess."""
    env = dict(os.environ)
    env["WEBHOOK_COMPOSER_HOME"] = str(tmp_path / "home")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture
def python() -> str:
    """The interpreter running the suite (the project's virtual environment)."""
    return sys.executable


def _oracle(name: str) -> Any:
    import oracles

    oracle = getattr(oracles, name)
    reason = oracle.available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{oracle.name} is needed in CI: {reason}")
        pytest.skip(f"{oracle.name}: {reason}")
    return oracle


@pytest.fixture(scope="session")
def legacy_oracle() -> Any:
    """Ruby Liquid 2.5.3 with ActiveSupport (skipped where Ruby is missing, failed in CI)."""
    return _oracle("LEGACY")


@pytest.fixture(scope="session")
def latest_oracle() -> Any:
    """LiquidJS (skipped where node or the package is missing, failed in CI)."""
    return _oracle("LATEST")
