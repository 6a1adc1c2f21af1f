"""The audit trail: who signed in, viewed, edited, handed over, printed or finalised what, and when.

Entries name actions, discussions and fields, never anything a patient or staff member wrote. An
entry is written with the rest of its request (or command), in the same commit: an action that is
rolled back leaves no entry claiming it happened.
"""

from __future__ import annotations

from flask_login import current_user

from .models import AuditEvent, Discussion, StaffMember, db

ACTIONS = (
    "sign-in",
    "sign-in-refused",
    "sign-out",
    "start",
    "view",
    "edit",
    "hand-over",
    "take-over",
    "print",
    "finalise",
    "amend",
    "changed-after-sign-off",
    "export",
    "purge",
    "two-step-set-up",
    "two-step-reset",
    "recovery-codes-renewed",
    "governance",
    # The patient's link sent through GOV.UK Notify, or a try that failed: how (text or email),
    # never to whom.
    "link-sent",
    "link-send-failed",
)


def record(
    action: str,
    discussion: Discussion | None = None,
    *,
    detail: str = "",
    staff: StaffMember | None = None,
) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if staff is None and current_user and current_user.is_authenticated:
        staff = current_user.member
    db.session.add(
        AuditEvent(
            action=action,
            staff_id=staff.id if staff else None,
            discussion_id=discussion.id if discussion else None,
            detail=detail[:200],
        )
    )
