"""The tests' shared helpers live in tests/support/ and are registered here, once.

Fixtures: `database` (each test on a fresh SQLite file, and again on PostgreSQL when
DATABASE_URL names a server), `app`, `client`, `pages` (every page fetched is checked),
`live_server`, and `browser` (Debian's Chromium through Playwright).
"""

from __future__ import annotations

import time

import pytest

pytest_plugins = ["tests.support.database", "tests.support.browser"]

_SUITE_STARTED = time.time()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Keep the whole suite's wall time in pytest's cache, where `make bench` reports it."""
    config = session.config
    if (
        hasattr(config, "workerinput")
        or config.args_source != pytest.Config.ArgsSource.TESTPATHS
        or config.getoption("markexpr")
    ):
        return  # an xdist worker, or a run of chosen tests only (`make check` chooses by marker)
    if getattr(config, "cache", None) is None or exitstatus != 0:
        return
    config.cache.set(
        "companion/wall_time",
        {
            "seconds": round(time.time() - _SUITE_STARTED, 1),
            "tests": session.testscollected,
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        },
    )
