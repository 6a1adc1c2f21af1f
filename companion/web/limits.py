"""Throttling: staff sign-in per account (a ward shares one address), resume codes per address.

In-memory counts are per process; under several gunicorn workers each worker counts on its own,
so set RATELIMIT_STORAGE_URI to a shared store (redis://..., README) in production: every worker
then reads and adds to one count (tests/test_shared_throttles.py). If that store cannot be
reached, each worker counts in memory until it can, so an outage loosens the limits for a while
but never locks a ward out of signing in.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def account_key() -> str:
    return "sign-in:" + request.form.get("email", "").strip().lower()


def code_guess_key() -> str:
    # Someone guessing codes changes the code each time, so count by where the guesses come from.
    return "resume:" + (get_remote_address() or "unknown")


def init_app(app: Flask) -> None:
    # The limiter is one object shared by every app in the process (as in the tests), and its
    # init_app takes a missing RATELIMIT_ENABLED from that object's last state: an app that
    # disabled throttling would leave it off, unset up, for the next app. Start each app afresh.
    limiter.enabled = True
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "heart-pump-companion")
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
