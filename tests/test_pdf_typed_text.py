"""What a patient types prints as they would recognise it: emoji drawn by the emoji face, or,
where the installed face has no picture of one, named in brackets; never an empty box."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from companion.content import ContentPack
from companion.demo import demo_discussion
from companion.record import pdf
from companion.record.summary import build
from tests.support.database import make_app
from tests.support.pdf import pdf_text, poppler

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
