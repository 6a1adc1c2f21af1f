"""Sending a patient their link through GOV.UK Notify: the message in the patient's language, the
one request, and what a failure means to the nurse who pressed the button.

The message holds the link, the code and the date they stop working, nothing the patient
answered. The number or address goes to Notify in that one request and nowhere else: not the
database, not the audit trail, not the log (Notify's client logs its answer on a failure, which
can quote the request, so `web/logs.py` keeps that line out).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from ..discussions import format_code
from ..i18n import _, in_language
from ..models import Discussion
from ..settings import settings
from ..web import logs
from .recipients import Channel, Recipient


def channels() -> list[Channel]:
    """The kinds of message this service can send: none without a key."""
    chosen = settings()
    if not chosen.notify_api_key:
        return []
    templates = {
        Channel.TEXT: chosen.notify_sms_template_id,
        Channel.EMAIL: chosen.notify_email_template_id,
    }
    return [channel for channel, template in templates.items() if template]


def personalisation(discussion: Discussion, link: str, channel: Channel) -> dict[str, str]:
    """What fills the Notify template's ((placeholders)): the message in the patient's language
    (README, Sending the link by GOV.UK Notify, has the template to make)."""
    with in_language(discussion.language) as language:
        code = format_code(discussion.code)
        date = str(format_date(discussion.expires_at.date(), "long", locale=language.locale))
        # Translators: a text or email to the patient; their link follows.
        # %(code)s is like ACDE-3467; %(date)s is a date such as 5 January 2027.
        message = _(
            "Your care team has sent you your link to the heart pump decision guide. Your code is"
            " %(code)s. The link and the code stop working on %(date)s. Keep them private: anyone"
            " who has them can see your answers.",
            code=code,
            date=date,
        )
        # Translators: the subject line of the email that sends the patient their link.
        subject = _("Your heart pump decision guide")
    # Plain text: the app's gettext gives escaped HTML, for pages.
    found = {"message": message.striptags(), "link": link, "code": code, "date": date}
    if channel is Channel.EMAIL:
        found["subject"] = subject.striptags()
    return found


@dataclass
class SendFailed(Exception):
    """The link did not go, or may not have: what to tell the nurse, and what to log (no
    number, no address, none of Notify's words)."""

    message: str
    kind: str
    # Notify's own words, for whoever supports the service; shown on the nurse's page only.
    detail: str = ""
    # Notify refused the number or address itself: the nurse should check and change it.
    recipient_refused: bool = False


def send(discussion: Discussion, recipient: Recipient, link: str) -> str:
    """Send the link; Notify's id of the message, or SendFailed."""
    # Imported here: requests and the client cost start-up time every worker would pay.
    from notifications_python_client.errors import APIError
    from notifications_python_client.notifications import NotificationsAPIClient

    chosen = settings()
    client = NotificationsAPIClient(
        chosen.notify_api_key,
        base_url=chosen.notify_base_url,
        timeout=chosen.notify_timeout_seconds,
    )
    fields = personalisation(discussion, link, recipient.channel)
    try:
        if recipient.channel is Channel.TEXT:
            answer = client.send_sms_notification(
                recipient.address, chosen.notify_sms_template_id, personalisation=fields
            )
        else:
            answer = client.send_email_notification(
                recipient.address, chosen.notify_email_template_id, personalisation=fields
            )
    except APIError as error:
        failed = failure(error, recipient.channel)
        logs.log(logging.WARNING, "link_not_sent", channel=recipient.channel, reason=failed.kind)
        raise failed from None
    notification = str(answer.get("id", "")) if isinstance(answer, Mapping) else ""
    logs.log(logging.INFO, "link_sent", channel=recipient.channel, notification=notification)
    return notification


def notify_errors(error: Any) -> list[dict[str, str]]:
    """Notify's list of errors ({"error": kind, "message": words}), or none."""
    try:
        body = error.response.json()
    except (AttributeError, TypeError, ValueError):
        return []
    found = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(found, list):
        return []
    return [
        {"error": str(e.get("error", "")), "message": str(e.get("message", ""))}
        for e in found
        if isinstance(e, dict)
    ]


NOT_SENT = "The link was not sent."
AFTER = "Meanwhile the patient can scan the QR code or write down the code and the link."


def failure(error: Any, channel: Channel) -> SendFailed:
    """What went wrong, in words a nurse can act on."""
    import requests
    from notifications_python_client.errors import InvalidResponse

    cause = error.__cause__
    what = "mobile number" if channel is Channel.TEXT else "email address"
    unsure = (
        " so the link may or may not have been sent. Ask the patient whether a message has"
        " arrived before you send it again."
    )
    if isinstance(cause, requests.Timeout):
        return SendFailed("GOV.UK Notify did not answer in time," + unsure, "timeout")
    if isinstance(error, InvalidResponse):
        return SendFailed("GOV.UK Notify gave an answer the app cannot read," + unsure, "unread")
    if cause is not None and error.response is None:
        return SendFailed(
            f"{NOT_SENT} The app could not reach GOV.UK Notify. Try again in a minute. {AFTER}",
            "unreachable",
        )
    status = int(error.status_code)
    errors = notify_errors(error)
    detail = "; ".join(f"{e['error']}: {e['message']}" for e in errors)
    kind = f"http-{status} " + ",".join(sorted({e["error"] for e in errors}))
    words = " ".join(e["message"] for e in errors).lower()
    if status == 400 and ("phone_number" in words or "email_address" in words):
        message = (
            f"{NOT_SENT} GOV.UK Notify did not accept this {what}. Check it with the patient,"
            " change it and send again."
        )
        return SendFailed(message, kind.strip(), detail, recipient_refused=True)
    if status == 400 and ("team" in words or "trial mode" in words or "guest list" in words):
        message = (
            f"{NOT_SENT} This service can only send to its own team in GOV.UK Notify (a trial"
            f" or team key). Tell the person who looks after the app. {AFTER}"
        )
    elif status in (401, 403):
        message = (
            f"{NOT_SENT} GOV.UK Notify refused the app's key (it may have been revoked, or the"
            f" server's clock is wrong). Tell the person who looks after the app. {AFTER}"
        )
    elif status == 429:
        message = (
            f"{NOT_SENT} GOV.UK Notify is limiting how many messages this service sends. Try"
            f" again in a few minutes. {AFTER}"
        )
    elif status >= 500:
        message = (
            f"{NOT_SENT} GOV.UK Notify had a problem of its own. Try again in a minute. {AFTER}"
        )
    else:
        message = (
            f"{NOT_SENT} GOV.UK Notify refused the message: the template may not match this"
            f" app (README, Sending the link by GOV.UK Notify). Tell the person who looks after"
            f" the app. {AFTER}"
        )
    return SendFailed(message, kind.strip(), detail)
