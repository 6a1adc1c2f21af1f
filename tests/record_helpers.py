"""Helpers for the record's tests: staff signed in, a discussion the patient has filled in."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from companion.models import Discussion, db
from companion.record import fields as defs
from companion.record.fields import Field
from tests.conftest import add_staff_with_authenticator, make_app, sign_in

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


def pack_of(app: Flask):  # type: ignore[no-untyped-def]
    return next(iter(app.extensions["companion.packs"].values()))


def start(client: FlaskClient, language: str, label: str = "AB 123") -> int:
    response = client.post(
        "/staff/discussions/new",
        data={"procedure": "htg492", "language": language, "patient_label": label},
    )
    match = re.fullmatch(r"/staff/discussions/(\d+)/ready", response.headers["Location"])
    assert match, response.status_code
    return int(match.group(1))


def patient_fills_in(
    app: Flask, discussion_id: int, *, every_question: bool = True, own: str = "Will it hurt?"
) -> None:
    """The patient marks the guide's questions, writes one of their own and answers readiness."""
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        token, language = discussion.token, discussion.language
    pack = pack_of(app)
    patient = app.test_client()
    base = f"/{language}/w/{token}/step/"
    for number, step in enumerate(pack.steps, start=1):
        if step.question is not None and (every_question or number == 2):
            patient.post(base + str(number), data={"ask": "yes"})
    own_step = next(n for n, s in enumerate(pack.steps, 1) if s.type == "own_questions")
    patient.post(base + str(own_step), data={"new_question": own, "action": "add"})
    ready = next(n for n, s in enumerate(pack.steps, 1) if s.type == "readiness")
    items = pack.step_of_type("readiness").items
    patient.post(
        base + str(ready),
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
