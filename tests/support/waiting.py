"""Waiting for something to happen, never for a fixed time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def eventually(condition: Callable[[], bool], *, within: float, what: str) -> None:
    """Return as soon as `condition()` holds; fail naming `what` if it has not within `within`
    seconds. Between tries the thread yields briefly, so a server starting up gets the CPU."""
    deadline = time.monotonic() + within
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {within}s for {what}")
        pause.wait(0.05)
