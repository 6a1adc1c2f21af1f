"""Sending the patient their link from the "ready" page, by text message or email through GOV.UK
Notify (blueprint "send_link").

Two steps, so that a link goes to the number the patient has checked, not merely to what was
typed: the number or address is shown back, large and grouped, for the nurse to read aloud while
the patient checks it on their own phone; only then is it sent. Between the steps it travels in
the form, never in the session, the database, the log or the audit trail, which records only
that a link was sent, how, by whom and when.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from .. import audit, discussions
from ..i18n import languages
from ..models import Discussion, utcnow
from ..record import summary
from ..web.limits import limiter
from . import notify, recipients
from .recipients import Channel, Recipient
from .sessions import signed_in_only, staff_pages
from .views import load, patient_link, ready_page

bp = Blueprint("send_link", __name__, url_prefix="/staff")
staff_pages(bp)
bp.before_request(signed_in_only)
ViewResult = str | Response | tuple[str, int]
# Each send is a message to someone's phone: a stolen session cannot flood one patient's.
SENDS_PER_DISCUSSION = "10 per hour"


@bp.before_request
def staff_pages_are_english() -> None:
    g.language = languages()["en"]


def per_discussion() -> str:
    return f"send-link:{(request.view_args or {}).get('discussion_id')}"


def chosen_channel() -> Channel:
    """The kind of message the form asks for; 404 where this service cannot send it."""
    offered = {channel.value: channel for channel in notify.channels()}
    return offered.get(request.form.get("channel", "")) or abort(404)


@bp.post("/discussions/<int:discussion_id>/send-link")
@login_required
def check(discussion_id: int) -> ViewResult:
    """What was typed on the ready page, refused there with a message, or shown back to check."""
    discussion = load(discussion_id)
    channel = chosen_channel()
    typed = request.form.get("recipient", "")
    if request.form.get("change"):
        return ready_page(discussion, typed={channel: typed})
    try:
        recipient = recipients.recipient(channel, typed)
    except recipients.Refused as refused:
        return ready_page(
            discussion, typed={channel: typed}, errors={channel: refused.message}, status=400
        )
    return check_page(discussion, recipient, typed)


def check_page(
    discussion: Discussion,
    recipient: Recipient,
    typed: str,
    failed: notify.SendFailed | None = None,
    status: int = 200,
) -> tuple[str, int]:
    link = patient_link(discussion)
    return render_template(
        "staff/send_link_check.html",
        discussion=discussion,
        code=discussions.format_code(discussion.code),
        patient_language=summary.language_label(discussion.language),
        patient_dir=languages()[discussion.language].dir,
        recipient=recipient,
        typed=typed,
        message=notify.personalisation(discussion, link, recipient.channel),
        link=link,
        failed=failed,
    ), status


@bp.post("/discussions/<int:discussion_id>/send-link/send")
@login_required
@limiter.limit(SENDS_PER_DISCUSSION, key_func=per_discussion)
def send(discussion_id: int) -> ViewResult:
    """Send to the number or address the patient checked; on a failure say so, keep it, and
    offer to try again."""
    discussion = load(discussion_id)
    channel = chosen_channel()
    typed = request.form.get("recipient", "")
    try:
        recipient = recipients.recipient(channel, typed)
    except recipients.Refused as refused:
        return ready_page(
            discussion, typed={channel: typed}, errors={channel: refused.message}, status=400
        )
    try:
        notify.send(discussion, recipient, patient_link(discussion))
    except notify.SendFailed as failed:
        audit.record("link-send-failed", discussion, detail=f"{channel.words}: {failed.kind}")
        # Not a 5xx: that would roll back the audit entry of the attempt (web/transactions.py).
        return check_page(
            discussion, recipient, typed, failed, status=400 if failed.recipient_refused else 424
        )
    discussion.link_sent_at = utcnow()
    discussion.link_sent_how = channel.value
    audit.record("link-sent", discussion, detail=channel.words)
    return redirect(url_for("staff.ready", discussion_id=discussion.id, sent=1) + "#link-sent")
