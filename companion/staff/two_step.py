"""Staff two-step sign-in: after the password, a code from an authenticator app (TOTP, RFC 6238)
or a one-time recovery code.

Required for clinicians and admins, and for nurses unless STAFF_MFA_FOR_NURSES is "optional".
Between the password and the code nothing is signed in: the session holds only which account is
half-way, for five minutes. Codes are good once, and guesses are throttled per account.
"""

from __future__ import annotations

import datetime as dt
import time

import pyotp
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from .. import audit
from ..models import Role, StaffMember, StaffSession, db, utcnow
from ..settings import settings
from ..web.limits import limiter
from ..web.qr import qr_svg
from .sessions import end_session, staff_pages, start_session
from .totp import (
    in_fours,
    matching_step,
    new_recovery_codes,
    recovery_codes_left,
    use_recovery_code,
)

bp = Blueprint("two_step", __name__, url_prefix="/staff/two-step")
staff_pages(bp)
ViewResult = str | Response | tuple[str, int]

PENDING = "two_step_pending"
SETUP_SECRET = "two_step_setup_secret"  # noqa: S105 - a session key, not a secret
PENDING_SECONDS = 300
ISSUER = "Heart pump decision guide"
# Changing the second step needs a sign-in this recent, so a session left open or stolen cannot
# swap in another authenticator or mint recovery codes to keep its way in.
RECENT_SIGN_IN = dt.timedelta(minutes=10)
WRONG_CODE = (
    "That code is not right. Type the 6-digit code your authenticator app shows now, "
    "or one of your recovery codes."
)


def required_for(member: StaffMember) -> bool:
    if member.role != Role.NURSE:
        return True
    return settings().staff_mfa_for_nurses == "required"


def begin(member: StaffMember, next_path: str) -> Response:
    """The password was right: ask for the second step, or set one up, before signing in."""
    session[PENDING] = {"staff": member.id, "started": time.time(), "next": next_path}
    session.pop(SETUP_SECRET, None)
    return redirect(url_for("two_step.code" if member.totp_secret else "two_step.set_up"))


def pending_member() -> StaffMember | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("started", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    member = db.session.get(StaffMember, pending.get("staff"))
    return member if member is not None and member.active else None


def pending_key() -> str:
    pending = session.get(PENDING)
    staff = pending.get("staff") if isinstance(pending, dict) else None
    if staff is None and current_user.is_authenticated:
        staff = current_user.member.id
    return f"two-step:{staff}"


def signed_in_recently() -> bool:
    record = db.session.get(StaffSession, current_user.session_id)
    return record is not None and utcnow() - record.started_at < RECENT_SIGN_IN


def sign_in_again() -> tuple[str, int]:
    """Say what a fresh sign-in means before anything ends: only the button on this page signs
    the person out, and their sign-in brings them back here."""
    return render_template("staff/sign_in_again.html"), 200


@bp.post("/sign-in-again")
@login_required
def confirm_sign_in_again() -> Response:
    end_session(current_user.session_id)
    return redirect(url_for("staff.sign_in", again=1, next=url_for("two_step.set_up")))


def finish(member: StaffMember, *, detail: str = "") -> str:
    """Sign in for real; returns where the person was going."""
    pending = session.get(PENDING)
    next_path = pending.get("next") if isinstance(pending, dict) else None
    start_session(member)  # clears the half-way state with the rest of the old session
    audit.record("sign-in", staff=member, detail=detail)
    return next_path or url_for("staff.dashboard")


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"], key_func=pending_key)
def code() -> ViewResult:
    member = pending_member()
    if member is None:
        return redirect(url_for("staff.sign_in", expired=1))
    if not member.totp_secret:
        return redirect(url_for("two_step.set_up"))
    error = None
    if request.method == "POST":
        typed = request.form.get("code", "")
        step = matching_step(member.totp_secret, typed, member.totp_last_step)
        if step is not None:
            member.totp_last_step = step
            return redirect(finish(member))
        if use_recovery_code(member, typed):
            finish(member, detail="recovery code")
            return redirect(url_for("two_step.recovery_code_used"))
        audit.record("sign-in-refused", staff=member, detail="second step")
        error = WRONG_CODE
    return render_template("staff/two_step_code.html", error=error), (401 if error else 200)


@bp.route("/set-up", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"], key_func=pending_key)
def set_up() -> ViewResult:
    signed_in = current_user.is_authenticated
    member = current_user.member if signed_in else pending_member()
    if member is None:
        return redirect(url_for("staff.sign_in", expired=1))
    if not signed_in and member.totp_secret:
        # Half-way through signing in, only someone without an authenticator may set one up:
        # otherwise a stolen password alone could swap in the thief's own app.
        return redirect(url_for("two_step.code"))
    if signed_in and member.totp_secret and not signed_in_recently():
        return sign_in_again()
    secret = session.get(SETUP_SECRET) or pyotp.random_base32()
    session[SETUP_SECRET] = secret
    error = None
    if request.method == "POST":
        step = matching_step(secret, request.form.get("code", ""), None)
        if step is not None:
            member.totp_secret, member.totp_last_step = secret, step
            codes = new_recovery_codes(member)
            session.pop(SETUP_SECRET, None)
            audit.record("two-step-set-up", staff=member)
            next_path = url_for("staff.dashboard") if signed_in else finish(member)
            # Shown once, in this answer only: the codes are not stored anywhere readable.
            return render_template("staff/recovery_codes.html", codes=codes, next_path=next_path)
        error = "That code is not right. Type the 6-digit code your authenticator app shows now."
    uri = pyotp.TOTP(secret).provisioning_uri(name=member.email, issuer_name=ISSUER)
    return render_template(
        "staff/two_step_set_up.html",
        qr=qr_svg(uri, "QR code to add this account to an authenticator app"),
        key=in_fours(secret, " "),
        error=error,
        signed_in=signed_in,
        replacing=bool(member.totp_secret),
    ), (400 if error else 200)


@bp.get("/recovery-code-used")
@login_required
def recovery_code_used() -> str:
    return render_template(
        "staff/recovery_code_used.html", left=recovery_codes_left(current_user.member)
    )


@bp.post("/recovery-codes")
@login_required
def renew_recovery_codes() -> ViewResult:
    if not signed_in_recently():
        return sign_in_again()
    member = current_user.member
    codes = new_recovery_codes(member)
    audit.record("recovery-codes-renewed", staff=member)
    return render_template(
        "staff/recovery_codes.html", codes=codes, next_path=url_for("staff.dashboard")
    )
