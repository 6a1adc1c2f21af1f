"""Text direction cannot be spoofed: bidi embeddings, overrides and isolates are refused in every
free-text field with a message in the reader's language, text with nothing visible is refused,
and every piece of free text is shown isolated in its own element, on screen and in the PDF."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from companion.content import ContentPack
from companion.demo import demo_discussion
from companion.models import Discussion, PatientQuestion, db
from companion.record import fields, render
from companion.record.summary import build
from companion.web import free_text
from tests.support.database import make_app, sqlite_only
from tests.support.generated import EXAMPLES, RECORD_TEXT_FIELDS, start
from tests.support.staff import add_staff_with_authenticator, amend, sign_in, sign_off
from tests.support.walkthrough import PatientLink

# Refused before anything is stored, or drawn: once, on SQLite.
pytestmark = sqlite_only

CONTROLS = sorted(free_text.BIDI_CONTROLS)
WORDS = st.text(
    st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd"), max_codepoint=0xFFFF),
    min_size=1,
    max_size=20,
)
# Typed words with one embedding, override or isolate somewhere in them.
SPOOFED = st.builds(
    lambda before, control, after: f"{before}{control}{after}",
    WORDS,
    st.sampled_from(CONTROLS),
    st.one_of(st.just(""), WORDS),
)
# Nothing a reader could see: zero-width characters, marks, fillers, a lone combining accent.
INVISIBLE = st.text(
    st.sampled_from(
        [
            "\u200b",
            "\u200c",
            "\u200d",
            "\u200e",
            "\u200f",
            "\ufeff",
            "\u3164",
            "\u2800",
            "\u115f",
            "\u0301",
        ]
    ),
    min_size=1,
    max_size=8,
)
SOME = settings(EXAMPLES, max_examples=40)
BIDI_MESSAGE = "hidden characters that change the order"
BLANK_MESSAGE = "no letters or numbers"


@pytest.fixture
def app(database: str) -> Flask:
    return make_app(database, RATELIMIT_ENABLED=False)


def stored_questions(app: Flask) -> list[str]:
    with app.app_context():
        texts = list(db.session.scalars(select(PatientQuestion.text)))
        db.session.execute(delete(PatientQuestion))
        db.session.commit()
    return texts


@SOME
@given(typed=st.one_of(SPOOFED, INVISIBLE))
def test_a_patients_question_with_hidden_characters_is_refused(app: Flask, typed: str) -> None:
    client, link = start(app)
    response = client.post(
        link.step(type="own_questions"), data={"new_question": typed, "action": "add"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert BIDI_MESSAGE in page or BLANK_MESSAGE in page
    assert stored_questions(app) == []


@SOME
@given(typed=st.one_of(SPOOFED, INVISIBLE))
def test_the_what_matters_note_with_hidden_characters_is_refused(app: Flask, typed: str) -> None:
    client, link = start(app)
    response = client.post(
        link.step(type="values"), data={"values_note": typed, "rating-family": "a-lot"}
    )
    assert response.status_code == 400
    with app.app_context():
        discussion = db.session.scalars(select(Discussion).order_by(Discussion.id.desc())).first()
        assert discussion is not None and discussion.values_note == ""
        assert {r.statement_id for r in discussion.value_ratings} == {"family"}


@SOME
@given(typed=st.one_of(SPOOFED, INVISIBLE))
def test_an_edited_question_with_hidden_characters_is_refused(app: Flask, typed: str) -> None:
    client, link = start(app)
    client.post(
        link.step(type="own_questions"), data={"new_question": "First wording", "action": "add"}
    )
    with app.app_context():
        question_id = db.session.scalars(select(PatientQuestion.id)).all()[-1]
    edited = client.post(link.edit_question(question_id), data={"text": typed})
    assert edited.status_code == 400
    assert stored_questions(app) == ["First wording"]


@SOME
@given(words=WORDS, marks=st.lists(st.sampled_from(["\u200e", "\u200f"]), min_size=1))
def test_direction_marks_with_words_are_kept(app: Flask, words: str, marks: list[str]) -> None:
    # (A mark between a number's groups is refused: tests/test_pdf_typed_text.py.)
    typed = words + "".join(marks) + " room 943"
    client, link = start(app)
    response = client.post(
        link.step(type="own_questions"), data={"new_question": typed, "action": "add"}
    )
    assert response.status_code == 302
    assert stored_questions(app) == [typed.strip()]


@pytest.mark.parametrize(
    ("lang", "bidi", "blank"),
    [
        ("ar", "يحتوي هذا على رموز مخفية", "لا توجد في هذا حروف أو أرقام"),
        ("ur", "اس میں ایسے چھپے ہوئے نشان", "اس میں کوئی حروف یا ہندسے نہیں"),
        ("zh-Hans", "隐藏字符", "没有文字或数字"),
        ("pl", "ukryte znaki", "Nie ma tu żadnych liter"),
    ],
)
def test_the_refusal_is_in_the_readers_language(
    app: Flask, lang: str, bidi: str, blank: str
) -> None:
    client = app.test_client()
    location = client.post(f"/{lang}/start", data={"language": lang}).headers["Location"]
    step = PatientLink.from_url(location).step(type="own_questions")
    spoofed = client.post(step, data={"new_question": "Ahmed\u202e5919 476 943", "action": "add"})
    assert spoofed.status_code == 400 and bidi in spoofed.get_data(as_text=True)
    blank_one = client.post(step, data={"new_question": "\u200b\u200d", "action": "add"})
    assert blank_one.status_code == 400 and blank in blank_one.get_data(as_text=True)


@pytest.fixture
def staff(database: str) -> tuple[Flask, FlaskClient]:
    app = make_app(database, RATELIMIT_ENABLED=False)
    with app.app_context():
        add_staff_with_authenticator(
            "doc@example.org", "clinician", "correct-battery-horse-9", "Jo"
        )
    client = app.test_client()
    sign_in(client, "doc@example.org", "correct-battery-horse-9")
    return app, client


@SOME
@given(typed=st.one_of(SPOOFED, INVISIBLE))
def test_a_patient_label_with_hidden_characters_is_refused(
    staff: tuple[Flask, FlaskClient], typed: str
) -> None:
    app, client = staff
    response = client.post(
        "/staff/discussions/new",
        data={"procedure": "htg492", "language": "en", "patient_label": typed},
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(Discussion)).all() == []


@SOME
@given(typed=st.one_of(SPOOFED, INVISIBLE), pattern=st.sampled_from(RECORD_TEXT_FIELDS))
def test_a_record_field_with_hidden_characters_is_refused(
    staff: tuple[Flask, FlaskClient], typed: str, pattern: str
) -> None:
    app, client = staff
    created = client.post("/staff/discussions/new", data={"procedure": "htg492", "language": "en"})
    discussion_id = int(created.headers["Location"].split("/")[3])
    pack = next(iter(app.extensions["companion.packs"].values()))
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        question = free_text_question(discussion, pack)
        field = pattern.format(q=question, n=pack.questions[0].id, r=pack.risks[0].id)
        form = {**fields.stored_values(discussion, pack), field: typed}
        form["version"] = str(discussion.record_version)
    response = client.post(f"/staff/discussions/{discussion_id}", data=form)
    assert response.status_code == 400
    assert "change the order of the text" in response.get_data(
        as_text=True
    ) or "no visible letters" in response.get_data(as_text=True)
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        assert fields.stored_values(discussion, pack)[field] == ""


def free_text_question(discussion: Discussion, pack: ContentPack) -> int:
    from companion import discussions

    question = discussions.add_question(discussion, "Will it hurt?", "en")
    discussions.mark_question(discussion, pack.questions[0].id, True)
    db.session.commit()
    return question.id


def test_an_amendment_with_hidden_characters_is_refused(staff: tuple[Flask, FlaskClient]) -> None:
    app, client = staff
    created = client.post("/staff/discussions/new", data={"procedure": "htg492", "language": "en"})
    discussion_id = int(created.headers["Location"].split("/")[3])
    assert sign_off(client, discussion_id).status_code == 302
    for after, reason in [("Has\u202e questions", "typo"), ("Fine", "\u2067typo\u2069")]:
        response = amend(client, discussion_id, "next_steps", after, reason)
        assert response.status_code == 400
        assert "change the order of the text" in response.get_data(as_text=True)
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None and discussion.amendments == []


ARABIC = "أحمد 943 476 5919 NHS"
LATIN = "Please call 020 7946 0000 (ward)"


def pieces(html: str, text: str) -> list[dict[str, str]]:
    """The attributes of each element whose whole text is exactly this piece of free text."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for element in soup.find_all(lambda tag: text in tag.get_text()):
        if any(text in inner.get_text() for inner in element.find_all(True)):
            continue  # the piece is further in (a number inside it has a span of its own)
        if element.name == "title":  # plain text only: isolated by U+2068...U+2069 instead
            assert f"\u2068{text}\u2069" in element.get_text()
            continue
        assert element.get_text() == text, f"{text!r} shares its element: {element}"
        found.append({name: str(value) for name, value in element.attrs.items()})
    return found


def test_free_text_is_isolated_on_screen_and_in_the_pdf(staff: tuple[Flask, FlaskClient]) -> None:
    app, client = staff
    created = client.post(
        "/staff/discussions/new",
        data={"procedure": "htg492", "language": "ar", "patient_label": "عائشة 12"},
    )
    discussion_id = int(created.headers["Location"].split("/")[3])
    pack = next(iter(app.extensions["companion.packs"].values()))
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        question = free_text_question(discussion, pack)
        discussion.patient_questions[0].text = ARABIC
        db.session.commit()
        form = {**fields.stored_values(discussion, pack), f"q-{question}-answer": LATIN}
        form["version"] = str(discussion.record_version)
    assert client.post(f"/staff/discussions/{discussion_id}", data=form).status_code == 302

    for copy in ("clinician", "patient"):
        screen = client.get(f"/staff/discussions/{discussion_id}/summary?copy={copy}")
        html = screen.get_data(as_text=True)
        for text in (ARABIC, LATIN, "عائشة 12"):
            found = pieces(html, text)
            assert found and all(p.get("dir") == "auto" for p in found), (copy, text, found)
    for page in ("", "/ready"):
        html = client.get(f"/staff/discussions/{discussion_id}{page}").get_data(as_text=True)
        assert all(p.get("dir") == "auto" for p in pieces(html, "عائشة 12"))

    with app.test_request_context("/"), app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        with free_text.for_print():
            printed = render.record_html(build(discussion, pack, "clinician"))
    # WeasyPrint ignores dir="auto": the PDF's HTML says each piece's own direction.
    assert {p.get("dir") for p in pieces(printed, ARABIC)} == {"rtl"}
    assert {p.get("dir") for p in pieces(printed, LATIN)} == {"ltr"}
    assert {p.get("dir") for p in pieces(printed, "عائشة 12")} == {"rtl"}


def test_the_demo_record_prints_with_every_piece_isolated(app: Flask) -> None:
    pack = next(iter(app.extensions["companion.packs"].values()))
    with app.test_request_context("/"):
        discussion = demo_discussion(pack, "ur")
        with free_text.for_print():
            printed = render.record_html(build(discussion, pack, "patient"))
    soup = BeautifulSoup(printed, "html.parser")
    isolated = soup.find_all("bdi")
    assert isolated, "free text is isolated"
    assert all(b.get("dir") in ("ltr", "rtl") for b in isolated)
