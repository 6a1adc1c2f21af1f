"""Hostile input in every free-text field: never a server error; stored exactly or refused with a
message that keeps the rest of the form; always escaped on the page and in the record's HTML."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, select

from companion import discussions
from companion.demo import demo_discussion
from companion.models import Discussion, PatientQuestion, db
from companion.record import fields, render
from companion.record.summary import build
from companion.web import free_text
from tests.support.database import make_app
from tests.support.generated import EXAMPLES, FEWER, RECORD_TEXT_FIELDS, start
from tests.support.pages import textarea_value
from tests.support.staff import NURSE, add_staff_with_authenticator, sign_in

HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "<style>body{display:none}</style>",
        "\u202egnp.exe\u202c and \u2066isolated\u2069",
        "zero\u200bwidth\u200djoiner\ufeff",
        "e\u0301\u0302\u0303\u0304 combining",
        "😀👩🏽‍⚕️🫀",
        "NUL\x00byte",
        "bell\x07 and escape\x1b[31m",
        "{{ 7*7 }} {% raw %} %(count)s",
        "'; DROP TABLE discussion; --",
        "line one\r\nline two\rline three\n",
        "x" * 5000,
        "مرحبا <b>bold</b> שלום",
    ]
)
TEXT = st.one_of(
    HOSTILE,
    st.text(st.characters(exclude_categories=("Cs",)), max_size=200),
    st.builds(lambda a, b: a + b, st.text(max_size=40), HOSTILE),
)


def as_displayed(text: str) -> str:
    """What an HTML parser gives back for text: line breaks normalised."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def no_injected_markup(html: str) -> None:
    page = BeautifulSoup(html, "html.parser")
    scripts = [s for s in page.find_all("script") if not s.get("src")]
    assert all(s.get("nonce") for s in scripts), "only the page's own nonce'd script"
    body = page.find("body") or page
    assert not body.find("img", onerror=True) and not body.find("style")
    assert "<script>alert" not in html


@pytest.fixture
def app(database: str) -> Flask:
    return make_app(database, RATELIMIT_ENABLED=False)


@EXAMPLES
@given(typed=TEXT)
def test_a_patients_question(app: Flask, typed: str) -> None:
    client, link = start(app)
    step = link.step(type="own_questions")
    response = client.post(step, data={"new_question": typed, "action": "add"})
    assert response.status_code in (302, 400)
    page = (
        client.get(step).get_data(as_text=True)
        if response.status_code == 302
        else response.get_data(as_text=True)
    )
    no_injected_markup(page)
    soup = BeautifulSoup(page, "html.parser")
    with app.app_context():
        stored = [q.text for q in db.session.scalars(select(PatientQuestion))]
        db.session.execute(delete(PatientQuestion))
        db.session.commit()
    if response.status_code == 302:
        if typed.strip():
            assert stored == [typed.strip()], "stored exactly as typed"
            shown = as_displayed(soup.select_one(".app-own-question__text").get_text())
            assert shown == as_displayed(typed.strip())
    else:
        assert stored == []
        assert soup.select_one("#new_question-error") is not None
        assert textarea_value(soup.select_one("textarea#new_question")) == as_displayed(typed)
        assert not typed.strip() or free_text.check(typed.strip(), 1000) is not None


@EXAMPLES
@given(typed=TEXT)
def test_what_matters_note_with_the_rest_of_the_form(app: Flask, typed: str) -> None:
    client, link = start(app)
    form = {"values_note": typed, "rating-family": "a-lot", "concern": "bleeding"}
    response = client.post(link.step(type="values"), data=form)
    assert response.status_code in (302, 400)
    with app.app_context():
        discussion = db.session.scalars(select(Discussion).order_by(Discussion.id.desc())).first()
        assert discussion is not None
        ratings = {r.statement_id: r.rating for r in discussion.value_ratings}
        note = discussion.values_note
    assert ratings == {"family": "a-lot"}, "the rest of the form is kept either way"
    if response.status_code == 302:
        assert note == typed.strip()
    else:
        assert note == ""
        assert free_text.check(typed.strip(), 2000) is not None
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert textarea_value(soup.select_one("textarea#values_note")) == as_displayed(typed)
        assert soup.select_one("#rating-family-a-lot").has_attr("checked")


@FEWER
@given(typed=TEXT)
def test_a_resume_code(app: Flask, typed: str) -> None:
    response = app.test_client().post("/en/resume", data={"code": typed})
    assert response.status_code == 400
    no_injected_markup(response.get_data(as_text=True))


@pytest.fixture
def staff(database: str) -> tuple[Flask, FlaskClient]:
    """A nurse signed in once: each code is good once, and the examples number in hundreds."""
    app = make_app(database, RATELIMIT_ENABLED=False)
    with app.app_context():
        add_staff_with_authenticator(NURSE[0], "nurse", NURSE[1], "Sam")
    client = app.test_client()
    sign_in(client, *NURSE)
    return app, client


@FEWER
@given(typed=TEXT, pattern=st.sampled_from(RECORD_TEXT_FIELDS))
def test_staff_record_fields(staff: tuple[Flask, FlaskClient], typed: str, pattern: str) -> None:
    staff_app, client = staff
    created = client.post("/staff/discussions/new", data={"procedure": "htg492", "language": "en"})
    discussion_id = int(created.headers["Location"].split("/")[3])
    pack = next(iter(staff_app.extensions["companion.packs"].values()))
    with staff_app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        question = discussions.add_question(discussion, "Will it hurt?", "en")
        discussions.mark_question(discussion, pack.questions[0].id, True)
        db.session.commit()
        field = pattern.format(q=question.id, n=pack.questions[0].id, r=pack.risks[0].id)
        # The whole form as the page sends it, with one field typed into.
        form = {**fields.stored_values(discussion, pack), field: typed}
        limit = fields.by_name(discussion, pack)[field].limit
        form["version"] = str(discussion.record_version)
    response = client.post(f"/staff/discussions/{discussion_id}", data=form)
    assert response.status_code in (302, 400)
    with staff_app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        stored = fields.stored_values(discussion, pack)[field]
    if response.status_code == 302:
        assert stored == typed.strip()
        page = client.get(f"/staff/discussions/{discussion_id}").get_data(as_text=True)
    else:
        assert limit is not None
        assert stored == "" and free_text.check(typed.strip(), limit) is not None
        page = response.get_data(as_text=True)
        shown = BeautifulSoup(page, "html.parser").select_one(f"#{field}")
        assert shown is not None
        kept = textarea_value(shown) if shown.name == "textarea" else str(shown.get("value"))
        assert as_displayed(kept) == as_displayed(typed.strip()), "what was typed is shown again"
    no_injected_markup(page)


@FEWER
@given(typed=TEXT)
def test_a_patient_label_and_an_edited_question(
    staff: tuple[Flask, FlaskClient], app: Flask, typed: str
) -> None:
    _staff_app, client = staff
    response = client.post(
        "/staff/discussions/new",
        data={"procedure": "htg492", "language": "en", "patient_label": typed},
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:  # the page showing the label with the patient's link
        no_injected_markup(client.get(response.headers["Location"]).get_data(as_text=True))
    else:
        no_injected_markup(response.get_data(as_text=True))

    patient, link = start(app)
    patient.post(
        link.step(type="own_questions"), data={"new_question": "First wording", "action": "add"}
    )
    with app.app_context():
        question_id = db.session.scalars(select(PatientQuestion.id)).all()[-1]
    edited = patient.post(link.edit_question(question_id), data={"text": typed})
    assert edited.status_code in (302, 400)
    with app.app_context():
        stored = db.session.get(PatientQuestion, question_id).text
    if edited.status_code == 302:
        assert stored == typed.strip()
    else:
        assert stored == "First wording", "a refused edit keeps the question as it was"
        no_injected_markup(edited.get_data(as_text=True))


@FEWER
@given(typed=TEXT)
def test_the_records_html_escapes_everything(app: Flask, typed: str) -> None:
    pack = next(iter(app.extensions["companion.packs"].values()))
    with app.test_request_context("/"):
        discussion = demo_discussion(pack, "en")
        discussion.next_steps = typed
        discussion.patient_questions[0].text = typed
        html = render.record_html(build(discussion, pack, "clinician"))
    no_injected_markup(html)
    page = BeautifulSoup(html, "html.parser")
    # A number set left to right in a span of its own is the same text, only isolated.
    for run in page.select('span[dir="ltr"]'):
        run.unwrap()
    page.smooth()
    text = " ".join(page.get_text(" ").split())
    if re.search(r"\S", typed):
        assert " ".join(as_displayed(typed).split())[:200] in text
