"""The tests' shared helpers live in tests/support/ and are registered here, once.

Fixtures: `database` (each test on a fresh SQLite file, and again on PostgreSQL when
DATABASE_URL names a server), `app`, `client`, `pages` (every page fetched is checked),
`live_server`, and `browser` (Debian's Chromium through Playwright).
"""

from __future__ import annotations

pytest_plugins = ["tests.support.database", "tests.support.browser"]
