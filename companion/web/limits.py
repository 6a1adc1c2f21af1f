"""Throttling: staff sign-in per account (a ward shares one address); resume codes per code, per
browser and, generously, per address, so one tablet's mistakes never lock out another patient.

In-memory counts are per process; under several gunicorn workers each worker counts on its own,
so set RATELIMIT_STORAGE_URI to a shared store (redis://..., README) in production: every worker
then reads and adds to one count (tests/test_shared_throttles.py). If that store cannot be
reached, each worker counts in memory until it can, so an outage loosens the limits for a while
but never locks a ward out of signing in.
"""

from __future__ import annotations

import secrets

from flask import Flask, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from ..discussions import normalise_code

limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Wrong resume codes allowed: from one browser (a patient mistyping), for one code (someone trying a
# code again and again), and from one network address (a whole ward, or a guesser who throws away
# cookies to look like a new browser each time). Only wrong codes count.
RESUME_PER_BROWSER = "10 per minute;50 per hour"
RESUME_PER_CODE = "5 per minute;20 per hour"
RESUME_PER_ADDRESS = "60 per minute;300 per hour"

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


def init_app(app: Flask) -> None:
    # The limiter is one object shared by every app in the process (as in the tests), and its
    # init_app takes a missing RATELIMIT_ENABLED from that object's last state: an app that
    # disabled throttling would leave it off, unset up, for the next app. Start each app afresh.
    limiter.enabled = True
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "heart-pump-companion")
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
