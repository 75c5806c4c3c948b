"""Fixtures of the hostile-input tests: a per-example time budget, and a chat page server."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from tests.app.conftest import AppServer, app_env, launch_app, stop_app  # noqa: F401 - app_env is a fixture used here


@contextmanager
def _budget(seconds: float, what: str) -> Iterator[None]:
    """Fail (``pytest.fail``, a BaseException, so no ``except Exception`` swallows it) when the
    block runs longer than ``seconds``: the alarm interrupts pure-Python loops such as pypdf's."""

    def expired(signum: int, frame: object) -> None:
        pytest.fail(f"{what} took longer than {seconds} s (a hang)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def time_budget() -> Callable[[float, str], AbstractContextManager[None]]:
    """``with time_budget(seconds, "what"):`` fails the example when the block runs longer."""
    return _budget


@pytest.fixture(scope="session")
def hostile_app(app_env, tmp_path_factory) -> Iterator[AppServer]:  # noqa: F811 - app_env is the imported fixture
    """Its own ``python app.py`` on 127.0.0.1 (no streaming pause, so many questions stay fast)."""
    server = launch_app({**app_env, "ADVIESWIJZER_APP__STREAM_DELAY_S": "0"}, tmp_path_factory.mktemp("hostile-app"))
    yield server
    stop_app(server)
