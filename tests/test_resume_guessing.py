"""Guessing resume codes stays slow from any number of browsers: a new cookie resets nothing.

A burst of wrong codes from one address meets a 429 long before a ward could type as many; and
once wrong codes from everyone together spend the hour's budget, every guess from anyone is
slowed, and the log says so without naming any code.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from companion.models import Discussion, db
from companion.web import limits
from tests.support.database import make_app
from tests.support.walkthrough import PatientLink


@pytest.fixture
def app(database: str) -> Flask:
    return make_app(database)


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """The app's JSON log lines written during the test."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep()
    logger = logging.getLogger("companion.requests")
    handler.setFormatter(logger.handlers[0].formatter if logger.handlers else None)
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def wrong_code(app: Flask, n: int, address: str) -> int:
    """A wrong code from a browser never seen before (a fresh cookie jar)."""
    response = app.test_client().post(
        "/en/resume", data={"code": f"ZZZZ-{n:04d}"}, environ_base={"REMOTE_ADDR": address}
    )
    return response.status_code


def started(app: Flask) -> tuple[str, str]:
    """A patient's code, and where it leads. (Built first: addressing pages makes an app of its
    own once, which starts the process's one limiter afresh.)"""
    location = app.test_client().post("/en/start", data={"language": "en"}).headers["Location"]
    with app.app_context():
        code = db.session.scalars(select(Discussion.code)).one()
    return code, PatientLink.from_url(location).step(1)


def test_forty_wrong_codes_from_forty_fresh_cookies_meet_a_429_before_the_twentieth(
    app: Flask,
) -> None:
    began = time.monotonic()
    statuses = [wrong_code(app, n, "192.0.2.7") for n in range(40)]
    assert time.monotonic() - began < 10, "all within ten seconds"
    assert 429 in statuses[:19], statuses
    assert statuses[:15] == [400] * 15, "a ward's worth of mistakes is answered"
    # A patient elsewhere (another address) is not held up by it.
    code, leads_to = started(app)
    other = app.test_client().post(
        "/en/resume", data={"code": code}, environ_base={"REMOTE_ADDR": "198.51.100.9"}
    )
    assert other.headers["Location"] == leads_to


def test_a_spent_budget_slows_every_guess_and_says_so_in_the_log(
    app: Flask, log_lines: list[str]
) -> None:
    code, leads_to = started(app)
    budget = int(limits.RESUME_BUDGET.split()[0])
    # Each wrong code from its own address and browser: no per-address or per-browser limit.
    statuses = [wrong_code(app, n, f"10.1.{n // 200}.{n % 200}") for n in range(budget + 1)]
    assert statuses == [400] * (budget + 1), "the budget itself is answered"
    alerts = [json.loads(line) for line in log_lines if "resume_code_budget_spent" in line]
    assert len(alerts) == 1 and alerts[0]["level"] == "warning"
    assert "ZZZZ" not in " ".join(log_lines) and code not in " ".join(log_lines)

    # Now a guess or two a minute from everyone, right or wrong, from any new address (the
    # guess that found the budget spent took the first).
    per_minute = int(limits.RESUME_WHEN_SPENT.split()[0])
    for n in range(per_minute - 1):
        allowed = app.test_client().post(
            "/en/resume", data={"code": code}, environ_base={"REMOTE_ADDR": f"203.0.113.{n}"}
        )
        assert allowed.headers["Location"] == leads_to
    assert wrong_code(app, 9000, "203.0.113.200") == 429
    slowed = app.test_client().post(
        "/en/resume", data={"code": code}, environ_base={"REMOTE_ADDR": "203.0.113.201"}
    )
    assert slowed.status_code == 429, "even the right code waits: the answer tells nothing"
    page = slowed.get_data(as_text=True)
    assert "codes are checked more slowly for a while" in page
    assert "the link you were given" in page
    assert len([line for line in log_lines if "resume_code_budget_spent" in line]) == 1, (
        "one warning line, not one a guess"
    )
