"""A tablet handed to a patient: the session keys that lock it to one discussion.

Staff views set them when they hand the tablet over; the patient's views keep the tablet on that
discussion and return it to a neutral screen when left alone.
"""

from __future__ import annotations

import time

from flask import session

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
