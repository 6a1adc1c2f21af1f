"""A tablet handed to a patient, and a tablet that forgets.

Staff views lock a tablet to one discussion when they hand it over; the patient's views keep the
tablet on that discussion and return it to a neutral screen when left alone.

A patient's pages carry the discussion's token in their address, so the tablet's history holds
them. The address alone opens nothing: this browser must hold the discussion, which it does after
starting it here, typing its code, opening its link (/w/<token>/) or being handed over by a nurse.
Clearing the tablet, stopping for now, handing it back or a staff sign-in lets go of every
discussion; a link this browser once let go of needs the code again, so that the link in the
history cannot reopen it. Only digests of tokens are kept, never a token: the cookie that holds
them cannot reopen anything itself.
"""

from __future__ import annotations

import hashlib
import time

from flask import Flask, g, request, session
from werkzeug.wrappers import Response

# Session keys of a tablet handed to a patient: the discussion it is locked to, and when the
# patient last did anything on it.
PATIENT_MODE = "patient_mode"
PATIENT_SEEN = "patient_seen"


def lock_to(token: str) -> None:
    """Lock this browser to the discussion with this token, from now."""
    session[PATIENT_MODE] = token
    session[PATIENT_SEEN] = time.time()


def locked_to() -> str | None:
    """The token of the discussion this browser is locked to, if it was handed to a patient."""
    token: str | None = session.get(PATIENT_MODE)
    return token


def still_attended(idle_seconds: int) -> bool:
    """Whether the patient on a handed-over tablet did anything within `idle_seconds`; if so,
    now is the last time they did."""
    now = time.time()
    if now - session.get(PATIENT_SEEN, now) > idle_seconds:
        return False
    session[PATIENT_SEEN] = now
    return True


HELD = "held"
# Links this browser let go of: a long-lived cookie, kept whatever clears the session.
LET_GO_COOKIE = "let_go"
LET_GO_DAYS = 60
KEPT = 20


def mark(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def hold(token: str) -> None:
    """This browser may show the discussion from now on."""
    others = [m for m in session.get(HELD, []) if m != mark(token)]
    session[HELD] = [*others[-KEPT + 1 :], mark(token)]
    let_go = let_go_of()
    if mark(token) in let_go:
        g.let_go = [m for m in let_go if m != mark(token)]


def holds(token: str) -> bool:
    return mark(token) in session.get(HELD, []) or session.get(PATIENT_MODE) == token


def was_let_go(token: str) -> bool:
    return mark(token) in let_go_of()


def let_go_of() -> list[str]:
    if "let_go" in g:
        return list(g.let_go)
    return [m for m in request.cookies.get(LET_GO_COOKIE, "").split(".") if m][-KEPT:]


def forget_every_discussion() -> None:
    """Clear the session (for whatever reason) and remember which discussions it held."""
    held = list(session.get(HELD, []))
    if session.get(PATIENT_MODE):
        held.append(mark(session[PATIENT_MODE]))
    session.clear()
    if held:
        g.let_go = [m for m in let_go_of() if m not in held] + held


def keep_what_was_let_go(response: Response) -> Response:
    if "let_go" in g:
        response.set_cookie(
            LET_GO_COOKIE,
            ".".join(g.let_go[-KEPT:]),
            max_age=LET_GO_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


def init_app(app: Flask) -> None:
    app.after_request(keep_what_was_let_go)
