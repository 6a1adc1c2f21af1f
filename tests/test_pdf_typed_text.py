"""What a patient types prints as they would recognise it: emoji drawn by the emoji face, or,
where the installed face has no picture of one, named in brackets, never an empty box; and a
number in the order it was typed, whatever direction mark is beside it."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from companion.content import ContentPack
from companion.demo import demo_discussion
from companion.models import Discussion, db
from companion.record import pdf
from companion.record.summary import build
from tests.support.database import make_app, sqlite_only
from tests.support.pages import check_page, text_of, textarea_value
from tests.support.pdf import pdf_text, poppler
from tests.support.staff import record_form, signed_in_with_discussion
from tests.support.walkthrough import PatientLink, patient_with_link

NUMBERS_MESSAGE_AR = "علامة مخفية"

# A worried face, a thumb with a skin tone, an anatomical heart (Unicode 13), and a face with
# bags under its eyes (Unicode 16), newer than the Debian 12 emoji font.
TYPED = "Worried 😟 about my 👍🏽 heart 🫀 and tired \U0001fae9 today"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(f"sqlite:///{tmp_path_factory.mktemp('pdf') / 'test.sqlite3'}")


def render(app: Flask, lang: str, copy: str, **changes: str) -> bytes:
    pack: ContentPack = next(iter(app.extensions["companion.packs"].values()))
    with app.test_request_context("/"):
        discussion = demo_discussion(pack, lang, finalised=False)
        for field, value in changes.items():
            setattr(discussion, field, value)
        return pdf.render(build(discussion, pack, copy, is_demo=True))


def embedded_faces(data: bytes) -> set[str]:
    lines = poppler("pdffonts", data).splitlines()[2:]
    return {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]).replace("-", " ") for line in lines}


@pytest.mark.parametrize(("lang", "copy"), [("en", "clinician"), ("ar", "patient")])
def test_emoji_a_patient_typed_print_as_pictures_or_by_name(
    app: Flask, lang: str, copy: str
) -> None:
    data = render(app, lang, copy, values_note=TYPED)
    assert "Noto Color Emoji" in embedded_faces(data), "drawn by the emoji face"
    text = pdf_text(data)
    assert "😟" in text and "🫀" in text, "the emoji the font has print as themselves"
    assert "[emoji U+1FAE9]" in text, "one newer than the font prints by name"


MARKS = {"RLM": "\u200f", "ALM": "\u061c", "LRM": "\u200e"}
NUMBER = "943 476 5919"
NUMBERS_MESSAGE_AR = "علامة مخفية بين الأرقام"


@sqlite_only
@pytest.mark.parametrize("mark", sorted(MARKS))
def test_a_phone_number_typed_with_a_direction_mark_prints_in_the_order_typed(
    database: str, mark: str
) -> None:
    app, staff, discussion_id = signed_in_with_discussion(database, "ar", "AB 1")
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        link = PatientLink.of(discussion)
    patient = patient_with_link(app, link)
    questions = link.step(type="own_questions")
    # A mark between the groups turns the number round whatever is done: refused, in the
    # patient's language, with the box still holding what they typed.
    typed = f"اتصل بي على 943{MARKS[mark]} 476 5919"
    refused = patient.post(questions, data={"new_question": typed, "action": "add"})
    assert refused.status_code == 400
    page = check_page(refused.get_data(as_text=True), "ar")
    assert NUMBERS_MESSAGE_AR in text_of(page, "main")
    assert textarea_value(page.select_one("textarea#new_question")) == typed
    # Beside the number, in Arabic text, the mark can no longer turn it round.
    typed = f"{MARKS[mark]}اتصل بي على {NUMBER}"
    added = patient.post(questions, data={"new_question": typed, "action": "add"})
    assert added.status_code == 302
    printed = pdf_text(
        staff.get(f"/staff/discussions/{discussion_id}/record.pdf?copy=clinician").data
    )
    assert NUMBER in printed and "5919 476 943" not in printed, "the PDF reads as typed"
    screen = staff.get(f"/staff/discussions/{discussion_id}/summary?copy=clinician")
    assert f'<span dir="ltr">{NUMBER}</span>' in screen.get_data(as_text=True), "and the screen"


@sqlite_only
def test_a_staff_field_refuses_a_mark_inside_a_number_and_shows_one_beside_it_in_order(
    database: str,
) -> None:
    _app, staff, discussion_id = signed_in_with_discussion(database, "en", "AB 1")
    form = {**record_form(staff, discussion_id), "next_steps": "Ring 943\u200f 476 5919"}
    response = staff.post(f"/staff/discussions/{discussion_id}", data=form)
    assert response.status_code == 400
    assert "hidden direction mark between numbers" in response.get_data(as_text=True)
    form = {**record_form(staff, discussion_id), "next_steps": f"\u200fRing {NUMBER}"}
    assert staff.post(f"/staff/discussions/{discussion_id}", data=form).status_code == 302
    printed = pdf_text(
        staff.get(f"/staff/discussions/{discussion_id}/record.pdf?copy=clinician").data
    )
    assert NUMBER in printed and "5919 476 943" not in printed
