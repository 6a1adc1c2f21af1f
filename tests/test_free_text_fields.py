"""Every box anyone types free text into refuses the same inputs, for the same reason.

The boxes are found, not listed: every page of the walkthrough and every staff page with a form
is fetched, and each text box that states a limit (`data-limit`, which every free-text box has)
is sent one input of each kind free_text.check refuses. Each is refused with that kind's message
beside the box (in the patient's words on their pages, naming the field on staff pages), and
nothing typed is kept. A new free-text box that skipped the check would fail here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from companion.models import Discussion, PatientQuestion, db
from companion.web.free_text import Refusal, check
from tests.support.database import make_app, sqlite_only
from tests.support.generated import start as patient_starts
from tests.support.record import (
    CLINICIAN,
    form_values,
    patient_fills_in,
    record_app,
    start,
)
from tests.support.staff import form_data, sign_off
from tests.support.walkthrough import steps

# One input of each kind (a function of the box's limit), and how each side says it is refused.
HOSTILE: dict[Refusal, Callable[[int], str]] = {
    Refusal.TOO_LONG: lambda limit: "x" * (limit + 1),
    Refusal.CONTROL: lambda _: "Will it\x00 hurt?",
    Refusal.BIDI: lambda _: "Call Ahmed \u202e5919 476 943",
    Refusal.INVISIBLE: lambda _: "\u200b\u200d\u3164",
    Refusal.NUMBERS: lambda _: "My number is 943\u200f 476 5919",
}
PATIENT_SAYS = {
    Refusal.TOO_LONG: "Please shorten it to",
    Refusal.CONTROL: "characters that cannot be saved",
    Refusal.BIDI: "hidden characters that change the order in which words are shown",
    Refusal.INVISIBLE: "There are no letters or numbers in this",
    Refusal.NUMBERS: "hidden mark between numbers",
}
STAFF_SAYS = {
    Refusal.TOO_LONG: "characters long; keep it to",
    Refusal.CONTROL: "control characters that cannot be saved",
    Refusal.LINE_BREAK: "write it on one line",
    Refusal.BIDI: "change the order of the text (bidi controls)",
    Refusal.INVISIBLE: "no visible letters or numbers",
    Refusal.NUMBERS: "hidden direction mark between numbers",
}


def boxes(html: str) -> Iterator[tuple[str, int]]:
    """Each free-text box on a page: its name and the limit it states."""
    page = BeautifulSoup(html, "html.parser")
    for box in page.select("main textarea[data-limit], main input[data-limit]"):
        assert isinstance(box, Tag)
        yield str(box["name"]), int(str(box["data-limit"]))


def refusal_beside(html: str, name: str) -> str:
    message = BeautifulSoup(html, "html.parser").select_one(f"#{name}-error")
    assert message is not None, f"no message beside {name}"
    return message.get_text(" ", strip=True)


def test_each_kind_of_input_is_refused_by_the_one_check() -> None:
    for refusal, make in HOSTILE.items():
        assert check(make(40), 40) is refusal
    assert check("Łukasz\nNowak", 64, one_line=True) is Refusal.LINE_BREAK
    assert check("Łukasz\nNowak", 64) is None, "a line break is fine where lines are"
    assert check("", 10) is None and check("مرحبا\u200f 943", 10) is None


@pytest.fixture
def app(database: str) -> Flask:
    return make_app(database, RATELIMIT_ENABLED=False)


@sqlite_only
def test_every_box_a_patient_types_into(app: Flask) -> None:
    client, link = patient_starts(app)
    client.post(link.step(type="own_questions"), data={"new_question": "First", "action": "add"})
    with app.app_context():
        question_id = db.session.scalars(select(PatientQuestion.id)).one()
    pages = [link.step(n) for n in range(1, len(steps()) + 1)]
    pages += [link.review(), link.edit_question(question_id)]
    found = set()
    for address in pages:
        for name, limit in boxes(client.get(address).get_data(as_text=True)):
            found.add(name)
            for refusal, make in HOSTILE.items():
                response = client.post(address, data={name: make(limit)})
                assert response.status_code == 400, (address, name, refusal)
                said = refusal_beside(response.get_data(as_text=True), name)
                assert PATIENT_SAYS[refusal] in said, (name, refusal, said)
    assert found == {"values_note", "leaning_reason", "new_question", "text"}
    with app.app_context():
        discussion = db.session.scalars(select(Discussion)).one()
        kept = (discussion.values_note, discussion.leaning_reason, discussion.draft_question)
        assert kept == ("", "", ""), "nothing refused was kept"
        assert [q.text for q in discussion.patient_questions] == ["First"]


def staff_refuses(client: FlaskClient, address: str, form: dict[str, str | list[str]]) -> None:
    """Each kind of input in each box of the form at address, the rest as the page holds it."""
    for name, limit in boxes(client.get(address).get_data(as_text=True)):
        for refusal, make in HOSTILE.items():
            response = client.post(address, data={**form, name: make(limit)})
            assert response.status_code == 400, (address, name, refusal)
            said = refusal_beside(response.get_data(as_text=True), name)
            assert STAFF_SAYS[refusal] in said, (name, refusal, said)


@sqlite_only
def test_every_box_staff_type_into(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    new = "/staff/discussions/new"
    staff_refuses(client, new, {"procedure": "htg492", "language": "en"})
    label = client.post(new, data={"procedure": "htg492", "patient_label": "Łukasz\nNowak"})
    assert STAFF_SAYS[Refusal.LINE_BREAK] in refusal_beside(
        label.get_data(as_text=True), "patient_label"
    )

    discussion_id = start(client, "en")
    patient_fills_in(app, discussion_id)
    record = f"/staff/discussions/{discussion_id}"
    page = BeautifulSoup(client.get(record).get_data(as_text=True), "html.parser")
    written = [name for name, _ in boxes(str(page))]
    assert len(written) > 10 and {"next_steps", "interpreter_id"} <= set(written)
    staff_refuses(client, record, form_data(page))
    assert all(form_values(app, discussion_id)[name] == "" for name in written), "none kept"

    assert sign_off(client, discussion_id).status_code == 302
    amend = f"{record}/amend?field=next_steps"
    version = BeautifulSoup(client.get(amend).get_data(as_text=True), "html.parser")
    form = {"field": "next_steps", "next_steps": "Call the patient", "reason": "Typo"}
    form["version"] = str(version.select_one("input[name=version]")["value"])
    staff_refuses(client, amend, form)
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None and discussion.amendments == []
