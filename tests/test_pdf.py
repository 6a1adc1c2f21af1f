"""The consent-discussion record as a PDF: right in every script, safe, accessible, staff-only."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from flask import Flask
from fontTools.ttLib import TTCollection, TTFont
from sqlalchemy import select

from app import create_app
from companion.content import ContentPack
from companion.demo import demo_discussion, demo_questions
from companion.discussions import CODE_LENGTH, format_code
from companion.models import AuditEvent, db
from companion.record import pdf, render
from companion.record.summary import build
from tests.support.database import make_app
from tests.support.pdf import pdf_text, poppler
from tests.support.staff import signed_in_with_discussion

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = yaml.safe_load((ROOT / "translations" / "languages.yaml").read_text())
CODES = [lang["code"] for lang in LANGUAGES]
LOCALE = {lang["code"]: lang["locale"] for lang in LANGUAGES}
# The Noto face each script must be drawn with (fonts-noto-core, fonts-noto-cjk).
SCRIPT_FACE = {
    "ar": "Noto Naskh Arabic",
    "ur": "Noto Nastaliq Urdu",
    "bn": "Noto Sans Bengali",
    "pa": "Noto Sans Gurmukhi",
    "gu": "Noto Sans Gujarati",
    "zh-Hans": "Noto Sans CJK SC",
}
# pdftotext gives back Nastaliq, Bengali and Gurmukhi in a shaped order that is not the input's.
TEXT_EXTRACTION_EXACT = set(CODES) - {"ur", "bn", "pa", "gu"}
STAFF_ANSWER = "Local anaesthetic numbs the groin; some pressure is normal."


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The demonstration record is built in memory, never stored: the database engine plays no
    part in these PDFs, so they render once, on SQLite (the PDF route runs on both)."""
    return make_app(f"sqlite:///{tmp_path_factory.mktemp('pdf') / 'test.sqlite3'}")


def pack_of(app: Flask) -> ContentPack:
    pack: ContentPack = next(iter(app.extensions["companion.packs"].values()))
    return pack


def render_demo(
    app: Flask, lang: str, copy: str, *, finalised: bool = False, **changes: str
) -> bytes:
    pack = pack_of(app)
    with app.test_request_context("/"):
        discussion = demo_discussion(pack, lang, finalised=finalised)
        for field, value in changes.items():
            setattr(discussion, field, value)
        return pdf.render(build(discussion, pack, copy, is_demo=True))


def embedded_faces(data: bytes) -> set[str]:
    lines = poppler("pdffonts", data).splitlines()[2:]
    return {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]).replace("-", " ") for line in lines}


def page_count(data: bytes) -> int:
    return int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", data)).group(1))


def catalog_objects(data: bytes) -> bytes:
    """The PDF's compressed object streams, inflated, where the catalog and its /Lang live."""
    inflated = b""
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            inflated += zlib.decompress(match.group(1))
        except zlib.error:
            continue
    return inflated


def translated(lang: str, msgid: str) -> str:
    if lang == "en":
        return msgid
    with (ROOT / "translations" / LOCALE[lang] / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return str(read_po(f)[msgid].string)


@pytest.mark.slow
@pytest.mark.parametrize("copy", ["clinician", "patient"])
@pytest.mark.parametrize("lang", CODES)
def test_each_copy_in_each_language(app: Flask, lang: str, copy: str) -> None:
    data = render_demo(app, lang, copy)
    text = pdf_text(data)
    assert STAFF_ANSWER in text, "staff notes print as written, in English"
    questions, written_in = demo_questions(lang)
    assert written_in == lang, f"no demonstration questions written in {lang}"
    if lang in TEXT_EXTRACTION_EXACT:
        for question in questions:
            assert question in text
    if lang in SCRIPT_FACE:
        assert SCRIPT_FACE[lang] in embedded_faces(data), embedded_faces(data)
    if lang != "zh-Hans":  # the CJK face carries its own Latin letters
        assert "Noto Sans" in embedded_faces(data)
    assert 1 <= page_count(data) <= 6
    draft = (
        "DRAFT: not signed off"
        if copy == "clinician"
        else translated(lang, "This record is a draft: your clinician has not signed it off yet.")
    )
    if lang in TEXT_EXTRACTION_EXACT and lang != "ar":  # Arabic paragraphs come out line-reversed
        assert draft in text
    if copy == "patient" and lang in TEXT_EXTRACTION_EXACT and lang not in ("en", "ar"):
        assert translated(lang, "Your questions and the answers") in text
    expected_lang = lang if copy == "patient" else "en"
    assert f"/Lang ({expected_lang})".encode() in catalog_objects(data)


@cache
def face_file(family: str) -> tuple[str, int, str]:
    """The file fontconfig picks for a family, the face's index in it, and the family it found."""
    out = subprocess.run(
        ["fc-match", "-f", "%{file}|%{index}|%{family}", family], capture_output=True, check=True
    )
    path, index, found = out.stdout.decode().split("|", 2)
    return path, int(index or 0), found


@cache
def coverage(family: str) -> frozenset[int]:
    path, index, _ = face_file(family)
    font = TTCollection(path).fonts[index] if path.endswith(".ttc") else TTFont(path)
    return frozenset(font.getBestCmap())


@pytest.mark.parametrize("lang", sorted(SCRIPT_FACE))
def test_every_character_of_a_language_has_a_glyph_in_its_face(lang: str) -> None:
    """No box: every character of the translations and the patient's words is in the face the
    record uses for that script (Latin punctuation and digits may come from Noto Sans)."""
    path, _, found = face_file(SCRIPT_FACE[lang])
    assert SCRIPT_FACE[lang] in found.split(","), f"fontconfig chose {found} in {path}"
    text = " ".join(demo_questions(lang)[0])
    for domain in ("messages", "content"):
        with (ROOT / "translations" / LOCALE[lang] / "LC_MESSAGES" / f"{domain}.po").open(
            "rb"
        ) as f:
            text += " ".join(str(m.string) for m in read_po(f) if m.id)
    covered = coverage(SCRIPT_FACE[lang]) | coverage("Noto Sans")
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered})
    assert missing == [], [f"U+{ord(ch):04X}" for ch in missing]


def record_markup(app: Flask, lang: str, copy: str, *, finalised: bool) -> str:
    pack = pack_of(app)
    with app.test_request_context("/"):
        return render.record_html(
            build(demo_discussion(pack, lang, finalised=finalised), pack, copy)
        )


@pytest.mark.parametrize("copy", ["clinician", "patient"])
def test_the_draft_mark_goes_when_the_record_is_signed_off(app: Flask, copy: str) -> None:
    assert 'class="record-draft"' in record_markup(app, "pl", copy, finalised=False)
    assert 'class="record-draft"' not in record_markup(app, "pl", copy, finalised=True)
    draft = pdf_text(render_demo(app, "en", copy))
    signed = pdf_text(render_demo(app, "en", copy, finalised=True))
    sentence = "DRAFT: not signed off" if copy == "clinician" else "This record is a draft"
    assert sentence in draft and sentence not in signed
    if copy == "clinician":
        assert "Signed off by Dr A Demo (clinician)" in signed


def test_clinicians_copy_has_every_section_with_page_headers(app: Flask) -> None:
    data = render_demo(app, "bn", "clinician")
    text = pdf_text(data)
    for heading in (
        "Information given",
        "The patient's questions (unanswered first)",
        "What matters most to the patient",
        "Risks, benefits and alternatives discussed",
        "Interpreter and supporter",
        "Teach-back",
        "Readiness check (SURE)",
        "Decision and next steps",
        "NICE's special arrangements",
        "Sign-off and amendments",
        "Demonstration record",
    ):
        assert heading in text, heading
    pages = page_count(data)
    assert text.count("DEMO-4679") >= pages, "the header with the code is on every page"
    assert f"Page {pages} of {pages}" in text
    assert "Figure given: 3 in 100 people" in text
    # Unanswered questions come first.
    assert text.index("Needs the consultant") < text.index("Answered")


def test_pdf_is_tagged_titled_and_in_the_copys_language(app: Flask) -> None:
    data = render_demo(app, "ar", "patient")
    info = poppler("pdfinfo", data)
    assert "Tagged:          yes" in info
    assert re.search(r"Title:\s+\S", info)
    objects = catalog_objects(data)
    assert b"/Lang (ar)" in objects and b"/MarkInfo" in objects


# ---- safe by construction ----------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A local server that records every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    received.append(conn.recv(1024) or b"connected")
                except TimeoutError:
                    received.append(b"connected")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join()
    server.close()


def payloads(port: int) -> list[str]:
    return [
        f'<img src="http://127.0.0.1:{port}/img.png">',
        f'<link rel=stylesheet href="http://127.0.0.1:{port}/x.css">',
        f"<style>@import url(http://127.0.0.1:{port}/i.css);</style>",
        f'<div style="background:url(http://127.0.0.1:{port}/bg.png)">x</div>',
        '<img src="file:///etc/passwd">',
        f'<svg><image href="http://127.0.0.1:{port}/s.svg"/></svg>',
        f'<object data="http://127.0.0.1:{port}/o"></object><iframe src="http://127.0.0.1:{port}/f">',
    ]


@pytest.mark.parametrize("copy", ["clinician", "patient"])
def test_no_text_field_makes_the_renderer_fetch_anything(
    app: Flask, listener: tuple[int, list[bytes]], copy: str
) -> None:
    port, received = listener
    hostile = " ".join(payloads(port))
    fields = (
        "values_note",
        "interpreter_language",
        "interpreter_id",
        "supporter_relationship",
        "teach_back_pump",
        "teach_back_risks",
        "teach_back_say_no",
        "next_steps",
        "patient_label",
    )
    pack = pack_of(app)
    with app.test_request_context("/"):
        discussion = demo_discussion(pack, "en")
        for name in fields:
            setattr(discussion, name, hostile)
        for question in discussion.patient_questions:
            question.text = question.gloss = question.answer = hostile
        for item in discussion.record_items:
            item.figure_source = hostile
        fetcher = pdf.StaticFilesOnly(ROOT / "static")
        data = pdf.render(build(discussion, pack, copy, is_demo=True), fetcher=fetcher)
    assert received == [], "the renderer connected to the listener"
    assert fetcher.refused == [], "the payload never reached the fetcher: it was printed as text"
    text = pdf_text(data)
    assert f'<img src="http://127.0.0.1:{port}/img.png">' in text
    assert "root:x:0:0" not in text


def test_the_fetcher_serves_only_static_files(tmp_path: Path) -> None:
    static = ROOT / "static"
    fetcher = pdf.StaticFilesOnly(static)
    served = fetcher.fetch((static / "css" / "record.css").resolve().as_uri())
    assert b"@page" in served.read()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    for url in (
        "file:///etc/passwd",
        secret.as_uri(),
        (static / ".." / "app.py").as_uri(),
        (static / "css" / ".." / ".." / "app.py").as_uri(),
        "http://127.0.0.1:9/x.css",
        "https://example.org/x.png",
        "data:text/plain,hello",
        "file://otherhost/" + str(static / "css" / "record.css"),
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8


# ---- served to staff only ----------------------------------------------------------------------


def test_pdf_route_is_staff_only_uncached_named_and_audited(database: str) -> None:
    app, client, discussion_id = signed_in_with_discussion(database, "ur", "AB 1")
    anonymous = app.test_client()
    refused = anonymous.get(f"/staff/discussions/{discussion_id}/record.pdf")
    assert refused.status_code == 302 and "sign-in" in refused.headers["Location"]
    for copy in ("clinician", "patient"):
        response = client.get(f"/staff/discussions/{discussion_id}/record.pdf?copy={copy}")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")
        assert response.headers["Cache-Control"] == "no-store"
        assert re.fullmatch(
            rf'attachment; filename="?discussion-record-\w{{4}}-\w{{4}}-AB 1-{copy}\.pdf"?',
            response.headers["Content-Disposition"],
        )
    with app.app_context():
        prints = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).all()
    assert [p.detail for p in prints] == ["pdf clinician", "pdf patient"]


def test_screen_summary_shows_the_same_facts_as_the_pdf(database: str) -> None:
    _app, client, discussion_id = signed_in_with_discussion(database, "es", "ZZ 9")
    for copy in ("clinician", "patient"):
        page = client.get(f"/staff/discussions/{discussion_id}/summary?copy={copy}").get_data(
            as_text=True
        )
        text = pdf_text(
            client.get(f"/staff/discussions/{discussion_id}/record.pdf?copy={copy}").data
        )
        assert "ZZ 9" in page and "ZZ 9" in text
        heading = (
            "Consent discussion record"
            if copy == "clinician"
            else translated("es", "Your consent discussion record")
        )
        assert heading in page and heading in text


def test_icon_arrays_highlight_exactly_the_figure() -> None:
    from companion.web.icon_array import icon_array_svg

    for count in (0, 1, 37, 100):
        svg = icon_array_svg(count, f"{count} in 100 <people>")
        hits, misses = re.findall(r'd="([^"]*)"', svg)
        # Colours as attributes: WeasyPrint ignores page CSS inside inline SVG (all black).
        assert 'fill="#d5281b"' in svg and 'fill="#ffffff" stroke="#4c6272"' in svg
        assert hits.count("M") == 2 * count and misses.count("M") == 2 * (100 - count)
        assert 'aria-label="' + f"{count} in 100 &lt;people&gt;" + '"' in svg
    assert icon_array_svg(250, "x") == icon_array_svg(100, "x")


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_icon_arrays_tell_the_two_groups_apart_without_colour_alone() -> None:
    """WCAG 1.4.11: each kind of figure is 3:1 against the page (NHS grey on screen, white on
    paper), and a counted figure differs from the others in shape too: filled, not hollow."""
    from companion.web import icon_array

    svg = icon_array.icon_array_svg(30, "x")
    assert 'stroke="' not in svg.split('class="app-icon-array__miss"')[0], "counted: solid"
    for page in ("#f0f4f5", "#ffffff"):
        assert contrast(icon_array.HIT, page) >= 3
        assert contrast(icon_array.MISS_LINE, page) >= 3
    assert contrast(icon_array.HIT, icon_array.MISS_FILL) >= 3


def test_demo_record_command_needs_no_database_or_server(tmp_path: Path) -> None:
    # A database that cannot even be opened: the command must never need it.
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent/dir/never.sqlite3"}
    )
    out = tmp_path / "demo-ur.pdf"
    result = app.test_cli_runner().invoke(
        args=["demo-record", "--lang", "ur", "--copy", "patient", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and "Noto Nastaliq Urdu" in embedded_faces(data)
    assert b"/Lang (ur)" in catalog_objects(data)
    bad = app.test_cli_runner().invoke(args=["demo-record", "--lang", "xx", "--out", str(out)])
    assert bad.exit_code != 0 and "choose one of" in bad.output


def test_the_code_reads_whole_on_the_first_page(app: Flask) -> None:
    """Staff read the code out to find a record: on the first page it is never broken across
    lines, even the widest the code's alphabet allows."""
    widest = "W" * CODE_LENGTH
    data = render_demo(app, "en", "clinician", code=widest)
    whole = pdf_text(data).count(format_code(widest))
    assert whole == page_count(data) + 1, "each page's header, and the first page's table"
