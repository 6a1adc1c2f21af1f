"""Which steps the patient has seen, however they moved, and every copy of the record naming the
steps they have not."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from companion.models import Discussion, db
from tests.support.pages import PageClient, text_of
from tests.support.record import NURSE, record_app, start
from tests.support.walkthrough import PatientLink, patient_with_link, url


def begin(pages: PageClient) -> PatientLink:
    """Started, and on step 1."""
    location = pages.post(url("walkthrough.begin", lang="en"), {"language": "en"})
    assert isinstance(location, str)
    link = PatientLink.from_url(location)
    pages.get(link.step(1))
    return link


def seen(app: Flask) -> list[str]:
    with app.app_context():
        visits = db.session.scalars(select(Discussion)).one().step_visits
        return sorted(v.step_id for v in visits)


def test_a_step_left_by_a_link_or_by_back_counts_as_seen(pages: PageClient, app: Flask) -> None:
    link = begin(pages)
    pages.get(link.step(3))  # from the list of steps, with JavaScript: a link
    assert seen(app) == ["what-and-why"], "step 1 was left"
    pages.get(link.step(6))
    pages.get(link.step(2))  # Back
    assert seen(app) == ["benefits", "options", "what-and-why"]
    assert "All steps: 3 of 11 read" in text_of(pages.get(link.step(2)), ".app-contents summary")


def test_an_autosave_from_another_step_counts_the_step_left(pages: PageClient, app: Flask) -> None:
    link = begin(pages)
    pages.client.post(link.step(4), data={"ask": "yes"}, headers={"X-Autosave": "1"})
    assert seen(app) == ["what-and-why"]


def test_a_go_to_button_keeps_the_tick_and_goes_where_it_says(
    pages: PageClient, app: Flask
) -> None:
    link = begin(pages)
    assert pages.post(link.step(3), {"ask": "yes", "go": "6"}) == link.step(6)
    assert pages.post(link.step(6), {"go": "review"}) == link.review()
    assert pages.post(link.step(6), {"go": "99"}) == link.step(7), "an unknown target: onwards"
    with app.app_context():
        found = db.session.scalars(select(Discussion)).one()
        assert [q.question_id for q in found.questions_to_ask] == [found_question(app, "benefits")]


def found_question(app: Flask, step_id: str) -> str:
    pack = app.extensions["companion.packs"]["htg492"]
    question = next(s for s in pack.steps if s.id == step_id).question
    assert question is not None
    return str(question.id)


def test_coming_back_says_welcome_back_once_and_where(pages: PageClient) -> None:
    link = begin(pages)
    pages.get(link.step(4))
    opened = pages.client.get(link.continue_discussion())
    assert opened.headers["Location"] == link.step(4)
    page = pages.get(link.step(4))
    welcome = text_of(page, ".app-welcome-back")
    assert "Welcome back" in welcome and "You are on step 4 of 11." in welcome
    assert "You have not read 9 steps yet." in welcome
    assert pages.get(link.step(4)).select_one(".app-welcome-back") is None, "said once"


def test_every_copy_of_the_record_names_the_steps_not_seen(database: str) -> None:
    app, client = record_app(database, NURSE)
    discussion_id = start(client, "en")
    with app.app_context():
        found = db.session.get(Discussion, discussion_id)
        assert found is not None
        link = PatientLink.of(found)
    patient = patient_with_link(app, link)
    for number in (1, 2, 3):
        patient.get(link.step(number))
    patient.get(link.step(5))
    not_seen = "Possible risks; If it does not work, or something goes wrong; Your options"
    record = PageClient(client).get(f"/staff/discussions/{discussion_id}", lang="en")
    assert f"Not seen: {not_seen}" in record.get_text(" ")
    clinicians = client.get(f"/staff/discussions/{discussion_id}/summary?copy=clinician")
    words = " ".join(clinicians.get_data(as_text=True).split())
    assert f"Steps the patient has not seen:</strong> {not_seen}" in words
    export = json.loads(client.get(f"/staff/discussions/{discussion_id}/export.json").data)
    viewed = next(v["steps_viewed"] for v in export.values() if "steps_viewed" in v)
    assert viewed == ["what-and-why", "what-happens", "benefits"]
