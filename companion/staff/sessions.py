"""Staff sign-in sessions, held on the server so that signing out or timing out really ends them.

The session cookie carries only a random session id (Flask-Login's user id is that id). Each
request looks it up: ended, idle too long or past its absolute lifetime means signed out.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, abort, current_app, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy import select, update

from ..models import Role, StaffMember, StaffSession, db, utcnow
from ..settings import settings
from ..web import kiosk, layout

login_manager = LoginManager()
# Writing last_seen_at on every request would make every page view a database write.
TOUCH_EVERY = dt.timedelta(seconds=30)


@dataclass
class SignedInStaff:
    """What Flask-Login calls the user: a staff member seen through one live session."""

    member: StaffMember
    session_id: str
    expires_at: dt.datetime

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.session_id

    @property
    def role(self) -> Role:
        return Role(self.member.role)

    @property
    def email(self) -> str:
        return self.member.email

    @property
    def name(self) -> str:
        return self.member.name


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings().staff_idle_minutes)


def absolute_limit() -> dt.timedelta:
    return dt.timedelta(hours=settings().staff_session_hours)


def start_session(member: StaffMember) -> SignedInStaff:
    record = StaffSession(id=secrets.token_urlsafe(32), staff_id=member.id)
    db.session.add(record)
    kiosk.forget_every_discussion()
    user = SignedInStaff(member, record.id, utcnow() + idle_limit())
    # No remember-me cookie, and a session cookie without an expiry: it ends with the browser,
    # while the server ends the session itself after STAFF_IDLE_MINUTES of no use.
    login_user(user, remember=False)
    session.permanent = False
    return user


def end_session(session_id: str | None) -> None:
    if session_id:
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.id == session_id, StaffSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
    logout_user()
    kiosk.forget_every_discussion()


def end_all_sessions(member: StaffMember) -> None:
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == member.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def expires_at(record: StaffSession) -> dt.datetime:
    return min(record.last_seen_at + idle_limit(), record.started_at + absolute_limit())


@login_manager.user_loader
def load_signed_in(session_id: str) -> SignedInStaff | None:
    record = db.session.scalar(select(StaffSession).where(StaffSession.id == session_id))
    now = utcnow()
    if record is None or record.ended_at is not None or not record.staff.active:
        return None
    if now >= expires_at(record):
        record.ended_at = now
        return None
    if now - record.last_seen_at > TOUCH_EVERY and not asked_by_a_script():
        record.last_seen_at = now
    return SignedInStaff(record.staff, record.id, expires_at(record))


View = TypeVar("View", bound=Callable[..., Any])


def not_activity(view: View) -> View:
    """A view a page's script asks for on its own (the dashboard's refresh): it shows nobody is
    there, so a dashboard left open on a ward still signs out after STAFF_IDLE_MINUTES."""
    view.not_activity = True  # type: ignore[attr-defined]
    return view


def asked_by_a_script() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "not_activity", False))


def signed_in_context() -> dict[str, Any]:
    """current_user for staff templates (staff views register this per blueprint)."""
    return {"current_user": current_user}


def staff_pages(bp: Blueprint) -> None:
    """A blueprint of staff pages: its templates know who is signed in, and a form of it whose
    page cannot be shown again starts again at the dashboard (web/layout.py)."""
    bp.context_processor(signed_in_context)
    bp.record_once(
        lambda state: layout.register(state, start_again=lambda: url_for("staff.dashboard"))
    )


def init_app(app: Flask) -> None:
    login_manager.login_view = "staff.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.session_protection = "strong"
    # Only staff pages show who is signed in (staff.views adds current_user to their templates).
    # Loading the user on a patient's page would also run the "strong" session check, which
    # treats a patient's session (it holds only a form token) as a stolen staff session and
    # answers every patient page with a cookie-clearing header and a rewritten session.
    login_manager.init_app(app, add_context_processor=False)


def role_required(*roles: Role) -> Callable[[View], View]:
    """Only staff signed in with one of these roles; anyone else signed in gets a 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


# Staff pages anyone may open: signing in, and signing out (which must always work).
OPEN_TO_ALL = frozenset({"staff.sign_in", "staff.sign_out"})


def signed_in_only() -> Any:
    """Every staff page needs a signed-in member of staff unless it is named open: a page added
    without a decorator is closed, not open."""
    if request.endpoint not in OPEN_TO_ALL and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None
