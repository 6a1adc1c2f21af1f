"""Sending the patient their link by text message or email through GOV.UK Notify, against a
stand-in Notify on 127.0.0.1 that checks requests as the real one does (tests/support/notify.py).

The number or address is shown back to be checked with the patient before anything is sent,
goes to Notify in one request, and is kept nowhere: not the database, the log or the audit trail.
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
import requests
from babel.dates import format_date
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from companion.config import ConfigError
from companion.models import AuditEvent, Discussion, StaffMember, db
from companion.web.kiosk import PATIENT_MODE, PATIENT_SEEN
from companion.web.logs import LOG
from tests.support.database import ROOT, SECRET_KEY
from tests.support.notify import (
    API_KEY,
    EMAIL_TEMPLATE,
    SECRET,
    SERVICE_ID,
    SMS_TEMPLATE,
    StandInNotify,
    notify_config,
    serve,
)
from tests.support.pages import PageClient, text_of
from tests.support.servers import free_port
from tests.support.staff import signed_in_with_discussion

NUMBER = "07700 900123"  # Ofcom's range for drama: never a real person's phone
SENT_TO = "+447700900123"
ADDRESS = "patient.example@example.org"


class Captured(logging.Handler):
    """The app's own log lines (its logger does not propagate to pytest's caplog)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(repr(getattr(record, "fields", record.getMessage())))


@pytest.fixture
def notify() -> Iterator[StandInNotify]:
    stand_in = StandInNotify()
    with serve(stand_in):
        yield stand_in


def nurse_with_discussion(
    database: str,
    notify: StandInNotify,
    language: str = "ur",
    role: str = "nurse",
    **config: object,
) -> tuple[Flask, FlaskClient, int]:
    """A signed-in member of staff (a nurse unless told: a second app on the same database
    needs another) on an app that sends through the stand-in, and a discussion they started."""
    return signed_in_with_discussion(
        database, language, "NTF 1", role=role, **notify_config(notify.base_url, **config)
    )


def urls(discussion_id: int) -> tuple[str, str, str]:
    base = f"/staff/discussions/{discussion_id}"
    return f"{base}/ready", f"{base}/send-link", f"{base}/send-link/send"


def translated(locale: str, starts: str) -> str:
    """The catalog's own translation of the message that starts so (read from the .po file)."""
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    [message] = [m for m in catalog if isinstance(m.id, str) and m.id.startswith(starts)]
    assert message.string and not message.fuzzy
    return str(message.string)


def audit_events(app: Flask, *actions: str) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(actions))).all()
        )


def test_a_link_sent_by_text_reaches_notify_in_the_patients_language(
    database: str, notify: StandInNotify
) -> None:
    app, nurse, discussion_id = nurse_with_discussion(database, notify, "ur")
    ready, check, send = urls(discussion_id)
    pages = PageClient(nurse)
    page = pages.get(ready, lang="en")
    link = text_of(page, ".app-link-text")
    form = page.select_one("form:has(input[name=channel][value=text])")
    assert form["action"] == check and form.select_one("input[name=recipient][type=tel]")
    assert form.select_one("input[name=recipient]")["autocomplete"] == "off"

    shown = pages.post(check, {"channel": "text", "recipient": NUMBER}, status=200, lang="en")
    assert text_of(shown, "h1") == "Check the mobile number with the patient"
    assert text_of(shown, "[data-read-back]") == "07700 900123"
    assert notify.attempts == 0, "nothing goes before the patient has checked the number"

    assert pages.post(send, {"channel": "text", "recipient": NUMBER}) == ready + "?sent=1#link-sent"
    [sent] = notify.received
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        code = f"{discussion.code[:4]}-{discussion.code[4:]}"
        date = format_date(discussion.expires_at.date(), "long", locale="ur")
        nurse_id = db.session.scalars(select(StaffMember.id)).one()
    message = translated("ur", "Your care team has sent you your link") % {
        "code": code,
        "date": date,
    }
    assert sent.path == "/v2/notifications/sms"
    assert sent.claims["iss"] == SERVICE_ID
    assert sent.body == {
        "phone_number": SENT_TO,
        "template_id": SMS_TEMPLATE,
        "personalisation": {"message": message, "link": link, "code": code, "date": date},
    }
    assert "آپ" in message and code in message and date in message
    [event] = audit_events(app, "link-sent")
    assert (event.detail, event.staff_id, event.discussion_id) == (
        "text message",
        nurse_id,
        discussion_id,
    )
    after = pages.get(ready + "?sent=1", lang="en")
    assert text_of(after, "#link-sent").startswith("Link sent The link went by text message at")
    assert text_of(after, "[data-link-sent]").startswith("By text message")


def test_a_link_sent_by_email_has_its_subject_in_the_patients_language(
    database: str, notify: StandInNotify
) -> None:
    app, nurse, discussion_id = nurse_with_discussion(database, notify, "cy")
    _ready, check, send = urls(discussion_id)
    pages = PageClient(nurse)
    shown = pages.post(check, {"channel": "email", "recipient": f" {ADDRESS} "}, status=200)
    assert text_of(shown, "h1") == "Check the email address with the patient"
    assert text_of(shown, "[data-read-back]") == ADDRESS
    assert text_of(shown, ".app-message-preview").startswith(
        translated("cy", "Your heart pump decision guide")
    )
    pages.post(send, {"channel": "email", "recipient": f" {ADDRESS} "})
    [sent] = notify.received
    assert sent.path == "/v2/notifications/email"
    assert sent.body["email_address"] == ADDRESS
    assert sent.body["template_id"] == EMAIL_TEMPLATE
    personalisation = sent.body["personalisation"]
    assert personalisation["subject"] == translated("cy", "Your heart pump decision guide")
    assert personalisation["message"].startswith(
        translated("cy", "Your care team has sent you your link").split("%(code)s")[0]
    )
    [event] = audit_events(app, "link-sent")
    assert event.detail == "email"


def test_without_a_notify_key_there_is_nothing_to_send_and_nothing_breaks(
    database: str, notify: StandInNotify
) -> None:
    _app, nurse, discussion_id = signed_in_with_discussion(database, "ur", "NTF 2", role="nurse")
    ready, check, send = urls(discussion_id)
    page = PageClient(nurse).get(ready, lang="en")
    assert page.select("form[action$='/send-link']") == []
    dashboard = PageClient(nurse).get("/staff/", lang="en")
    assert dashboard.select("[data-cell=link]") == [], "no link column: none can be sent"
    assert "Send the link" not in page.get_text()
    assert [b.get_text(strip=True) for b in page.select("main button")] == [
        "Hand over to the patient"
    ]
    for url in (check, send):
        assert nurse.post(url, data={"channel": "text", "recipient": NUMBER}).status_code == 404
    # With only a text message template, only a text message is offered.
    only_text = {"NOTIFY_EMAIL_TEMPLATE_ID": ""}
    _app, nurse, discussion_id = nurse_with_discussion(
        database, notify, "en", "clinician", **only_text
    )
    ready, check, _send = urls(discussion_id)
    page = PageClient(nurse).get(ready, lang="en")
    assert [f.select_one("[name=channel]")["value"] for f in page.select("form.app-send-link")] == [
        "text"
    ]
    assert nurse.post(check, data={"channel": "email", "recipient": ADDRESS}).status_code == 404
    assert notify.attempts == 0


def test_the_dashboard_says_whether_the_patient_opened_the_guide_since_the_link_was_sent(
    database: str, notify: StandInNotify
) -> None:
    app, nurse, discussion_id = nurse_with_discussion(database, notify, "en")
    _ready, _check, send = urls(discussion_id)

    def link_column() -> str:
        page = PageClient(nurse).get("/staff/", lang="en")
        cell = text_of(page, f"[data-row='{discussion_id}'] [data-cell=link]")
        rows = nurse.get("/staff/discussions/states.json").get_json()["rows"]
        row = next(r for r in rows if r["id"] == discussion_id)
        assert row["link"] == cell, "the row and its refresh agree"
        return cell

    assert link_column() == "Not sent"
    with app.app_context():
        token = db.session.get(Discussion, discussion_id).token
    patient = app.test_client()
    assert patient.get(f"/en/w/{token}/").status_code == 302  # before the link was sent
    PageClient(nurse).post(send, {"channel": "text", "recipient": NUMBER})
    sent = link_column()
    assert re.fullmatch(r"By text \d\d \w{3} \d\d:\d\d — not opened yet", sent)
    # A tablet staff handed over is not the patient opening their link.
    tablet = app.test_client()
    with tablet.session_transaction() as session:
        session[PATIENT_MODE] = token
        session[PATIENT_SEEN] = time.time()
    assert tablet.get(f"/en/w/{token}/").status_code == 302
    assert link_column() == sent
    assert patient.get(f"/en/w/{token}/").status_code == 302
    assert link_column() == sent.replace("not opened yet", "opened since")


@pytest.mark.parametrize(
    ("channel", "typed", "message"),
    [
        ("text", "020 7946 0000", "this is not a mobile number"),
        ("text", "07000 900123", "this is not a mobile number"),
        ("text", "07700 90012", "has 11 digits"),
        ("text", "+1 202 555 0143", "enter a UK mobile number"),
        ("text", "0770O 900123", "use only numbers"),
        ("text", "٠٧٧٠٠٩٠٠١٢٣", "use only numbers"),
        ("text", "07700\x00900123", "use only numbers"),
        ("text", "07700\u200e900123", "use only numbers"),
        ("text", "   ", "Enter the patient's mobile phone number."),
        ("email", "patient.example.org", "like name@example.com"),
        ("email", "patient@example", "like name@example.com"),
        ("email", "pat ient@example.org", "like name@example.com"),
        ("email", "a" * 250 + "@example.org", "too long"),
    ],
)
def test_a_number_or_address_that_cannot_be_right_is_refused_as_typed(
    database: str, notify: StandInNotify, channel: str, typed: str, message: str
) -> None:
    _app, nurse, discussion_id = nurse_with_discussion(database, notify, "en")
    _ready, check, send = urls(discussion_id)
    for url in (check, send):
        response = nurse.post(url, data={"channel": channel, "recipient": typed})
        assert response.status_code == 400
        assert message in html.unescape(response.get_data(as_text=True))
    if "\x00" not in typed:  # a page cannot show a NUL back; everything else is kept
        shown = PageClient(nurse).post(check, {"channel": channel, "recipient": typed}, status=400)
        assert message in text_of(shown, ".nhsuk-error-summary")
        assert shown.select_one(f"#{channel}-recipient")["value"] == typed, "kept to correct"
        assert message in text_of(shown, f"#{channel}-recipient-error")
    assert notify.attempts == 0


@pytest.mark.parametrize(
    ("answer", "status", "words"),
    [
        (
            (400, ("ValidationError", "phone_number Not a UK mobile number")),
            400,
            "GOV.UK Notify did not accept this mobile number. Check it with the patient",
        ),
        (
            (400, ("BadRequestError", "Can't send to this recipient using a team-only API key")),
            424,
            "can only send to its own team",
        ),
        (
            (403, ("AuthError", "Invalid token: API key not found")),
            424,
            "refused the app's key",
        ),
        (
            (429, ("RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests")),
            424,
            "Try again in a few minutes",
        ),
        ((500, ("Exception", "Internal server error")), 424, "had a problem of its own"),
    ],
)
def test_a_failing_notify_says_so_keeps_the_number_and_can_be_tried_again(
    database: str,
    notify: StandInNotify,
    answer: tuple[int, tuple[str, str]],
    status: int,
    words: str,
) -> None:
    app, nurse, discussion_id = nurse_with_discussion(database, notify, "en")
    ready, _check, send = urls(discussion_id)
    code, error = answer
    notify.fail_with(code, error)
    page = PageClient(nurse).post(send, {"channel": "text", "recipient": NUMBER}, status=status)
    assert words in text_of(page, ".nhsuk-error-summary")
    assert text_of(page, "[data-read-back]") == "07700 900123"
    assert page.select_one("form:has(#send) input[name=recipient]")["value"] == NUMBER
    assert error[1] in text_of(page, "details"), "Notify's own words, for support"
    assert audit_events(app, "link-sent") == [], "nothing claims the link went"
    [failed] = audit_events(app, "link-send-failed")
    assert failed.detail == f"text message: http-{code} {error[0]}"
    with app.app_context():
        assert db.session.get(Discussion, discussion_id).link_sent_at is None
    assert "Link sent" not in PageClient(nurse).get(ready, lang="en").get_text()

    again = PageClient(nurse).post(send, {"channel": "text", "recipient": NUMBER})
    assert again == ready + "?sent=1#link-sent"
    assert [r.body["phone_number"] for r in notify.received] == [SENT_TO]
    assert len(audit_events(app, "link-sent")) == 1


def test_a_notify_that_does_not_answer_or_cannot_be_reached_is_said_so(
    database: str, notify: StandInNotify
) -> None:
    app, nurse, discussion_id = nurse_with_discussion(
        database, notify, "en", NOTIFY_TIMEOUT_SECONDS=0.5
    )
    _ready, _check, send = urls(discussion_id)
    notify.delay = 1.5
    page = PageClient(nurse).post(send, {"channel": "text", "recipient": NUMBER}, status=424)
    assert "did not answer in time" in text_of(page, ".nhsuk-error-summary")
    assert "may or may not have been sent" in text_of(page, ".nhsuk-error-summary")
    assert audit_events(app, "link-sent") == []

    closed = f"http://127.0.0.1:{free_port()}"
    app, nurse, discussion_id = nurse_with_discussion(
        database, notify, "en", "clinician", NOTIFY_BASE_URL=closed
    )
    _ready, _check, send = urls(discussion_id)
    page = PageClient(nurse).post(send, {"channel": "text", "recipient": NUMBER}, status=424)
    assert "could not reach GOV.UK Notify" in text_of(page, ".nhsuk-error-summary")
    assert page.select_one("form:has(#send) input[name=recipient]")["value"] == NUMBER
    assert audit_events(app, "link-sent") == []


def test_a_key_notify_does_not_know_is_refused_by_its_signature(
    database: str, notify: StandInNotify
) -> None:
    """The stand-in verifies the token as Notify does: a key for another service, or the right
    service with another secret, is refused, and the nurse is told."""
    other_service = "11111111-1111-4111-8111-111111111111"
    other_secret = "33333333-3333-4333-8333-333333333333"
    for key, role in (
        (f"ward_7_live-{other_service}-{SECRET}", "nurse"),
        (f"ward_7_live-{SERVICE_ID}-{other_secret}", "clinician"),
    ):
        _app, nurse, discussion_id = nurse_with_discussion(
            database, notify, "en", role, NOTIFY_API_KEY=key
        )
        _ready, _check, send = urls(discussion_id)
        page = PageClient(nurse).post(send, {"channel": "text", "recipient": NUMBER}, status=424)
        assert "refused the app's key" in text_of(page, ".nhsuk-error-summary")
        assert key not in page.get_text(), "the key is never shown"
    assert notify.received == []


def test_the_number_and_address_are_never_stored_or_logged(
    database: str, notify: StandInNotify, caplog: pytest.LogCaptureFixture
) -> None:
    app, nurse, discussion_id = nurse_with_discussion(database, notify, "ur")
    _ready, check, send = urls(discussion_id)
    pages = PageClient(nurse)
    # Every library's log, at every level: migrating the app's database reconfigured logging
    # (Alembic's fileConfig) and took pytest's handler off the root logger, so it goes back on.
    root = logging.getLogger()
    root.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    captured = Captured()
    LOG.addHandler(captured)
    try:
        pages.post(check, {"channel": "text", "recipient": NUMBER}, status=200)
        pages.post(send, {"channel": "text", "recipient": NUMBER})
        pages.post(send, {"channel": "email", "recipient": ADDRESS})
        # A failure whose answer quotes the number, as Notify's client logs it.
        notify.fail_with(400, ("ValidationError", f"phone_number {SENT_TO} is not allowed"))
        pages.post(send, {"channel": "text", "recipient": NUMBER}, status=400)
        pages.post(check, {"channel": "text", "recipient": "07700 9001"}, status=400)
    finally:
        LOG.removeHandler(captured)
        root.removeHandler(caplog.handler)
    assert any(r.name.startswith("notifications_python_client") for r in caplog.records)
    assert len(notify.received) == 2
    with app.app_context():
        dump = []
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                dump.append(repr(connection.execute(select(table)).all()))
    everything = "\n".join(dump)
    assert "link-sent" in everything and "text message" in everything
    written = caplog.text + "\n".join(captured.lines)
    assert "link_sent" in written and "link_not_sent" in written
    # Distinctive enough that no request id, port or time can hold them by chance.
    for secret in (NUMBER, "7700900123", "7700 900123", "07700 9001", "077009001", ADDRESS):
        assert secret not in everything, f"{secret!r} is in the database"
        assert secret not in written, f"{secret!r} is in the log"


def test_a_send_without_its_form_token_sends_nothing(database: str, notify: StandInNotify) -> None:
    app, nurse, discussion_id = nurse_with_discussion(database, notify, "en")
    app.config["WTF_CSRF_ENABLED"] = True  # on from here, as in real use
    _ready, check, send = urls(discussion_id)
    for url in (check, send):
        response = nurse.post(url, data={"channel": "text", "recipient": NUMBER})
        assert response.status_code == 400
        assert "07700 900123" not in response.get_data(as_text=True)
    assert notify.attempts == 0


def test_the_stand_in_refuses_what_notify_refuses(notify: StandInNotify) -> None:
    """The stand-in is worth trusting: a request Notify would refuse is refused here too."""

    def token(**claims: object) -> str:
        return jwt.encode({"iss": SERVICE_ID, "iat": int(time.time()), **claims}, SECRET)

    def post(path: str, body: object, bearer: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {bearer or token()}"}
        return requests.post(notify.base_url + path, json=body, headers=headers, timeout=5)

    good = {
        "phone_number": NUMBER,
        "template_id": SMS_TEMPLATE,
        "personalisation": {"message": "m", "link": "l"},
    }
    assert post("/v2/notifications/sms", good).status_code == 201
    assert post("/v1/notifications/sms", good).status_code == 404
    assert post("/v2/notifications/sms", good, bearer=token(iat=0)).status_code == 403
    assert post("/v2/notifications/sms", good, bearer=token(iss="x")).status_code == 403
    forged = jwt.encode({"iss": SERVICE_ID, "iat": int(time.time())}, "not-the-secret-" * 3)
    assert post("/v2/notifications/sms", good, bearer=forged).status_code == 403
    missing = {**good, "personalisation": {"message": "m"}}
    refused = post("/v2/notifications/sms", missing)
    assert refused.status_code == 400
    assert refused.json() == {
        "status_code": 400,
        "errors": [{"error": "BadRequestError", "message": "Missing personalisation: link"}],
    }
    assert (
        post("/v2/notifications/sms", {**good, "phone_number": "020 7946 0000"}).json()["errors"][
            0
        ]["message"]
        == "phone_number Not a UK mobile number"
    )
    assert post("/v2/notifications/email", good).status_code == 400
    created = post("/v2/notifications/sms", good).json()
    assert set(created) == {"id", "reference", "content", "uri", "template", "scheduled_for"}
    assert created["content"]["body"] == "m\n\nl"
    assert Path(created["uri"]).name == created["id"]


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        ({"NOTIFY_API_KEY": "not-a-key"}, "NOTIFY_API_KEY is not a GOV.UK Notify API key"),
        ({"NOTIFY_API_KEY": SECRET}, "NOTIFY_API_KEY is not a GOV.UK Notify API key"),
        ({"NOTIFY_API_KEY": API_KEY[:-1]}, "NOTIFY_API_KEY is not a GOV.UK Notify API key"),
        (
            {"NOTIFY_API_KEY": API_KEY, "NOTIFY_SMS_TEMPLATE_ID": "welcome-text"},
            "NOTIFY_SMS_TEMPLATE_ID must be a template id from GOV.UK Notify, a UUID",
        ),
        (
            {"NOTIFY_API_KEY": API_KEY, "NOTIFY_EMAIL_TEMPLATE_ID": SMS_TEMPLATE + "0"},
            "NOTIFY_EMAIL_TEMPLATE_ID must be a template id",
        ),
        (
            {"NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE},
            "NOTIFY_EMAIL_TEMPLATE_ID is set but NOTIFY_API_KEY is not",
        ),
        (
            {"NOTIFY_API_KEY": API_KEY},
            "neither NOTIFY_SMS_TEMPLATE_ID nor NOTIFY_EMAIL_TEMPLATE_ID is",
        ),
        (
            {**notify_config("api.notifications.service.gov.uk")},
            "NOTIFY_BASE_URL must look like https://",
        ),
        (
            {**notify_config("http://notify.internal"), "ENV_NAME": "production"},
            "NOTIFY_BASE_URL must start with https:// in production",
        ),
    ],
)
def test_notify_settings_are_checked_when_the_app_starts(
    given: dict[str, object], refusal: str
) -> None:
    config = {"TESTING": True, "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    if given.get("ENV_NAME") == "production":
        config |= {"PUBLIC_BASE_URL": "https://guide.example.nhs.uk", "AUTHENTICATOR_KEYS": "k"}
    with pytest.raises(ConfigError, match=re.escape(refusal)) as refused:
        create_app(config | given)
    assert SECRET not in str(refused.value), "the key's secret is never repeated"


def test_notify_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFY_API_KEY", f"ward_7_live-{SERVICE_ID}-not-the-secret")
    with pytest.raises(ConfigError, match=r"NOTIFY_API_KEY is not a GOV\.UK Notify API key"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.setenv("NOTIFY_API_KEY", API_KEY)
    monkeypatch.setenv("NOTIFY_SMS_TEMPLATE_ID", SMS_TEMPLATE)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    chosen = app.extensions["companion.settings"]
    assert chosen.notify_base_url == "https://api.notifications.service.gov.uk"
    assert (chosen.notify_api_key, chosen.notify_sms_template_id) == (API_KEY, SMS_TEMPLATE)
    assert SECRET not in repr(chosen), "the settings never print the key"
