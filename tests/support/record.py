"""The record's tests: a member of staff signed in, a discussion the patient has filled in, and
the record's fields and values as the definitions give them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from companion.content import ContentPack
from companion.models import Discussion, db
from companion.record import fields as defs
from companion.record.fields import Field
from tests.support.database import make_app
from tests.support.staff import add_staff_with_authenticator, sign_in, start_discussion
from tests.support.walkthrough import PatientLink, numbers_of, patient_with_link, with_question

NURSE = ("nurse@example.org", "correct-battery-horse-9", "nurse", "Sam Nurse")
CLINICIAN = ("doctor@example.org", "another-long-phrase-77", "clinician", "Dr Ada Clinician")


def record_app(database: str, who: tuple[str, str, str, str]) -> tuple[Flask, FlaskClient]:
    app = make_app(database, RATELIMIT_ENABLED=False)
    email, password, role, name = who
    with app.app_context():
        add_staff_with_authenticator(email, role, password, name)
    client = app.test_client()
    response = sign_in(client, email, password)
    assert response.status_code == 302
    return app, client


def pack_of(app: Flask) -> ContentPack:
    pack: ContentPack = next(iter(app.extensions["companion.packs"].values()))
    return pack


def start(client: FlaskClient, language: str, label: str = "AB 123") -> int:
    return start_discussion(client, language, label)


def patient_fills_in(
    app: Flask, discussion_id: int, *, every_question: bool = True, own: str = "Will it hurt?"
) -> None:
    """The patient marks the guide's questions, writes one of their own and answers readiness."""
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        link = PatientLink.of(discussion)
    pack = pack_of(app)
    patient = patient_with_link(app, link)
    asking = with_question() if every_question else with_question()[:1]
    for number in asking:
        patient.post(link.step(number), data={"ask": "yes"})
    patient.post(link.step(type="own_questions"), data={"new_question": own, "action": "add"})
    (ready,) = numbers_of("readiness")
    items = pack.readiness_items
    patient.post(
        link.step(ready),
        data={f"ready-{item.id}": ("no" if i == 0 else "yes") for i, item in enumerate(items)},
    )


def fields_of(app: Flask, discussion_id: int) -> dict[str, Field]:
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        return defs.by_name(discussion, pack_of(app))


def form_values(app: Flask, discussion_id: int) -> dict[str, str]:
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        return defs.current_values(discussion, pack_of(app))


def start_with_questions(
    app: Flask, client: FlaskClient, language: str
) -> tuple[int, dict[str, Field]]:
    discussion_id = start(client, language)
    patient_fills_in(app, discussion_id)
    return discussion_id, fields_of(app, discussion_id)
