"""Throttling: staff sign-in per account (a ward shares one address); resume codes per code, per
browser and, generously, per address, so one tablet's mistakes never lock out another patient.

A guesser can throw away cookies and change address, so two limits no cookie resets stand
behind those: a burst limit per address that a ward never reaches, and a budget of wrong codes
from everyone together. Once the budget is spent every guess, from anyone, is slowed to one a
minute until the wrong codes of the last hour fall back under it, and the log says so (one
warning line, no code in it). docs/threat-model.md gives the arithmetic.

In-memory counts are per process; under several gunicorn workers each worker counts on its own,
so set RATELIMIT_STORAGE_URI to a shared store (redis://..., README) in production: every worker
then reads and adds to one count (tests/test_shared_throttles.py). If that store cannot be
reached, each worker counts in memory until it can, so an outage loosens the limits for a while
but never locks a ward out of signing in.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.wrappers import Response

from ..discussions import normalise_code
from . import logs

limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Wrong resume codes allowed: from one browser (a patient mistyping), for one code (someone trying a
# code again and again), and from one network address (a whole ward, or a guesser who throws away
# cookies to look like a new browser each time). Only wrong codes count.
RESUME_PER_BROWSER = "10 per minute;50 per hour"
RESUME_PER_CODE = "5 per minute;20 per hour"
RESUME_PER_ADDRESS = "15 per 10 seconds;60 per minute;300 per hour"
# Wrong codes from everyone together in any hour before guessing slows; then every guess, from
# anyone, right or wrong (the answer must not tell which), within this.
RESUME_BUDGET = "30 per hour"
RESUME_WHEN_SPENT = "1 per minute"
# At most one warning line in the log this often while the budget stays spent.
ALERT_EVERY = "1 per 15 minutes"

# The session key naming this browser for the resume-code limit: random, and nothing else.
BROWSER_KEY = "browser"


def account_key() -> str:
    return "sign-in:" + request.form.get("email", "").strip().lower()


def resume_browser_key() -> str:
    if BROWSER_KEY not in session:
        session[BROWSER_KEY] = secrets.token_urlsafe(12)
    return "resume-browser:" + str(session[BROWSER_KEY])


def resume_code_key() -> str:
    return "resume-code:" + normalise_code(request.form.get("code", ""))[:16]


def resume_address_key() -> str:
    return "resume-address:" + (get_remote_address() or "unknown")


def wrong_code(response: Response) -> bool:
    """Count a try against the limits only when it did not find a discussion."""
    return response.status_code >= 400


def everyone_key() -> str:
    return "resume-everyone"


def _shared(limit: str, key: str, *, hit: bool) -> bool:
    """Test (or count) one of the shared limits directly in the limiter's store: True while
    within it. Should the store fail, True: the per-address limits still stand."""
    item = parse(limit)
    prefix = str(current_app.config["RATELIMIT_KEY_PREFIX"])
    try:
        if hit:
            return bool(limiter.limiter.hit(item, prefix, key))
        return bool(limiter.limiter.test(item, prefix, key))
    except Exception:
        return True


def budget_left() -> bool:
    """Whether wrong codes from everyone are within the budget (exempts the slow limit)."""
    return _shared(RESUME_BUDGET, "resume-budget", hit=False)


def count_wrong_code() -> None:
    """A code that found no discussion spends the budget; once it is spent, say so in the log."""
    if not _shared(RESUME_BUDGET, "resume-budget", hit=True) and _shared(
        ALERT_EVERY, "resume-budget-alert", hit=True
    ):
        logs.log(
            logging.WARNING,
            "resume_code_budget_spent",
            budget=RESUME_BUDGET,
            every_guess_now=RESUME_WHEN_SPENT,
            meaning="many wrong resume codes from many browsers: someone may be guessing codes",
        )


def init_app(app: Flask) -> None:
    # The limiter is one object shared by every app in the process (as in the tests), and its
    # init_app takes a missing RATELIMIT_ENABLED from that object's last state: an app that
    # disabled throttling would leave it off, unset up, for the next app. Start each app afresh.
    limiter.enabled = True
    app.config["RATELIMIT_STORAGE_URI"] = app.extensions["companion.settings"].ratelimit_storage_uri
    limiter.init_app(app)
