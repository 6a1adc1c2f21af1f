"""The record as a nurse and a clinician use it: the patient's language, sign-off, amendments by
the form's own controls, the first page, the patient's copy, the export and the dashboard."""

from __future__ import annotations

import json
import re
import subprocess

import jsonschema
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from companion.models import AuditEvent, Discussion, db
from companion.record import export
from companion.record.fields import vocabulary_options
from companion.record.summary import language_label
from tests.support.pages import PageClient, check_page, text_of
from tests.support.record import (
    CLINICIAN,
    NURSE,
    fields_of,
    form_values,
    patient_fills_in,
    record_app,
    start,
)
from tests.support.staff import amend
from tests.support.staff import sign_off as staff_sign_off

ENTITY = re.compile(r"&(amp|#39|#x27|#34|quot|lt|gt|nbsp);")
BIDI = dict.fromkeys(range(0x202A, 0x202F))


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return words(out.stdout.decode().translate(BIDI))


def visible(html: str) -> str:
    return words(BeautifulSoup(html, "html.parser").get_text(" "))


def sign_off(client: FlaskClient, app: Flask, discussion_id: int, **edits: str) -> None:
    form = {**form_values(app, discussion_id), **edits, "version": _version(app, discussion_id)}
    form["confirm"] = "yes"
    response = staff_sign_off(client, discussion_id, form)
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]


def _version(app: Flask, discussion_id: int) -> str:
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        return str(discussion.record_version)


# ---- the patient's language -------------------------------------------------------------------


def test_an_arabic_discussion_says_arabic_wherever_staff_look(database: str) -> None:
    _app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "ar")
    pages = PageClient(client)
    said = "Arabic (العربية)"
    ready = pages.get(f"/staff/discussions/{discussion_id}/ready")
    assert said in text_of(ready, "dl")
    record = pages.get(f"/staff/discussions/{discussion_id}")
    assert text_of(record, "[data-patient-language]") == said
    assert said in text_of(pages.get("/staff/"), ".app-dashboard")
    clinician = pages.get(f"/staff/discussions/{discussion_id}/summary?copy=clinician")
    assert said in text_of(clinician, ".record-glance")
    assert "English (en)" not in visible(
        client.get(f"/staff/discussions/{discussion_id}").get_data(as_text=True)
    )
    english = start(client, "en")
    assert (
        text_of(pages.get(f"/staff/discussions/{english}"), "[data-patient-language]") == "English"
    )


# ---- sign-off ---------------------------------------------------------------------------------


def test_sign_off_without_the_box_says_so_keeps_the_edits_and_focuses_the_box(
    database: str,
) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    form = {**form_values(app, discussion_id), "version": "0", "next_steps": "Phone on Monday"}
    response = client.post(f"/staff/discussions/{discussion_id}/finalise", data=form)
    assert response.status_code == 400
    page = check_page(response.get_data(as_text=True))
    summary = text_of(page, ".nhsuk-error-summary")
    assert "The record is not signed off" in summary and "Tick the box" in summary
    box = page.select_one("#confirm")
    assert box is not None and box.has_attr("autofocus")
    assert "confirm-error" in str(box.get("aria-describedby"))
    assert "Your changes are saved" in visible(response.get_data(as_text=True))
    assert form_values(app, discussion_id)["next_steps"] == "Phone on Monday", "edits saved first"
    with app.app_context():
        assert db.session.get(Discussion, discussion_id).finalised_at is None


def test_edits_typed_just_before_sign_off_are_saved_with_it(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    sign_off(client, app, discussion_id, decision="more-time", next_steps="Family talk")
    values = form_values(app, discussion_id)
    assert values["decision"] == "more-time" and values["next_steps"] == "Family talk"


def test_sign_off_with_an_entry_that_cannot_be_saved_is_refused_whole(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    form = {**form_values(app, discussion_id), "version": "0", "confirm": "yes"}
    form["interpreter_id"] = "x" * 65
    response = client.post(f"/staff/discussions/{discussion_id}/finalise", data=form)
    assert response.status_code == 400
    page = check_page(response.get_data(as_text=True))
    assert "not signed off" in text_of(page, ".nhsuk-error-summary")
    assert "Interpreter ID: this is 65 characters long" in text_of(page, ".nhsuk-error-summary")
    with app.app_context():
        assert db.session.get(Discussion, discussion_id).finalised_at is None


def test_a_signed_off_record_reads_as_text_with_a_way_to_amend_each_entry(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    patient_fills_in(app, discussion_id)
    sign_off(client, app, discussion_id, decision="planned-pump")
    page = PageClient(client).get(f"/staff/discussions/{discussion_id}")
    assert page.select_one("form#record") is None
    assert not page.select("fieldset[disabled], textarea, input[type=radio]")
    assert text_of(page, '[data-field="decision"]') == "Go ahead: PCI with a planned heart pump"
    amend_links = {a["href"] for a in page.select(".nhsuk-summary-list__actions a")}
    assert len(amend_links) == len(fields_of(app, discussion_id))


# ---- amendments -------------------------------------------------------------------------------


def test_amending_uses_the_fields_own_control_and_names_the_field(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    patient_fills_in(app, discussion_id)
    sign_off(client, app, discussion_id, decision="planned-pump")
    pages = PageClient(client)
    all_fields = fields_of(app, discussion_id)
    for name, definition in all_fields.items():
        page = pages.get(f"/staff/discussions/{discussion_id}/amend?field={name}")
        control = {
            "radios": f'input[type=radio][name="{name}"]',
            "checkbox": f'input[type=checkbox][name="{name}"]',
            "select": f'select[name="{name}"]',
            "text": f'textarea[name="{name}"]',
            "line": f'input[name="{name}"]',
            "number": f'input[name="{name}"][inputmode=numeric]',
        }[definition.control]
        assert page.select(control), name
        if definition.vocabulary is not None and definition.control == "radios":
            labels = [words(label.get_text()) for label in page.select(".nhsuk-radios__label")]
            offered = vocabulary_options(
                definition.vocabulary, form_values(app, discussion_id)[name]
            )
            assert labels == [label for _value, label, _attrs in offered]
    response = amend(client, discussion_id, "decision", "Wants more time", "")
    assert response.status_code == 400
    errors = text_of(check_page(response.get_data(as_text=True)), ".nhsuk-error-summary")
    assert "The patient's decision: choose one of the options" in errors
    assert "Reason for the amendment: say why" in errors
    done = amend(client, discussion_id, "decision", "more-time", "Patient rang back")
    assert done.status_code == 302
    with app.app_context():
        details = db.session.scalars(select(AuditEvent.detail)).all()
    assert "The patient's decision" in details
    assert not any(re.search(r"\b(nq|q|risk|ready)-\S+-", d) for d in details), details


def test_arabic_record_signed_off_then_amended_shows_the_decision_in_words(database: str) -> None:
    """The issue's "done when": Arabic, every guide question marked, sign-off, amended decision."""
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "ar")
    patient_fills_in(app, discussion_id)
    sign_off(client, app, discussion_id, decision="planned-pump")
    amend(client, discussion_id, "decision", "more-time", "Wants to talk to family")
    record = client.get(f"/staff/discussions/{discussion_id}").get_data(as_text=True)
    ready = client.get(f"/staff/discussions/{discussion_id}/ready").get_data(as_text=True)
    assert "Arabic (العربية)" in visible(record) and "Arabic (العربية)" in visible(ready)
    page = BeautifulSoup(record, "html.parser")
    assert words(page.select_one('[data-field="decision"]').get_text()) == "Wants more time"
    assert "it was “Go ahead: PCI with a planned heart pump”" in words(
        page.select_one('[data-amended="decision"]').get_text()
    )
    outputs = {"record": record, "ready": ready}
    for copy in ("clinician", "patient"):
        url = f"/staff/discussions/{discussion_id}/summary?copy={copy}"
        outputs[copy] = client.get(url).get_data(as_text=True)
        outputs[copy + ".pdf"] = pdf_text(
            client.get(f"/staff/discussions/{discussion_id}/record.pdf?copy={copy}").data
        )
    outputs["export"] = client.get(f"/staff/discussions/{discussion_id}/export.json").get_data(
        as_text=True
    )
    clinician_pdf = outputs["clinician.pdf"]
    assert "Decision Wants more time" in clinician_pdf
    assert "it was “Go ahead: PCI with a planned heart pump”" in clinician_pdf
    assert "Wants to talk to family" in clinician_pdf
    for name, text in outputs.items():
        shown = text if name.endswith(".pdf") else visible(text)
        if name == "export":
            shown = json.dumps(json.loads(text), ensure_ascii=False)
        assert not ENTITY.search(shown), (name, ENTITY.search(shown))
    assert "don't" in outputs["clinician.pdf"] or "don’t" in outputs["clinician.pdf"]


# ---- the clinician's first page and the patient's copy ----------------------------------------


def test_the_first_page_is_what_a_clinician_acts_on(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "ur")
    patient_fills_in(app, discussion_id)
    form = {**form_values(app, discussion_id), "version": "0", "decision": "undecided"}
    form["interpreter"] = "phone"
    form["mdt_selected"] = "yes"
    assert client.post(f"/staff/discussions/{discussion_id}", data=form).status_code == 302
    data = client.get(f"/staff/discussions/{discussion_id}/record.pdf?copy=clinician").data
    first = words(
        subprocess.run(
            ["pdftotext", "-l", "1", "-", "-"], input=data, capture_output=True, check=True
        )
        .stdout.decode()
        .translate(BIDI)
    )
    for said in (
        "At a glance",
        "Undecided",
        "Questions still unanswered",
        "Will it hurt",
        "Not ready yet",
        "Risks the patient marked",
        "Professional interpreter, by phone",
        "Urdu (",
        "اردو",
        "NICE's arrangements still open",
        "Clinical governance leads informed",
        "Hospital patient label",
        "Clinician's signature",
        "Date and time",
    ):
        assert said in first, said
    assert (
        "Selected for the procedure by the multidisciplinary team"
        not in first.split("NICE's arrangements still open")[1].split("Hospital patient label")[0]
    )
    assert "Sources" not in first, "sources are at the end"
    everything = pdf_text(data)
    assert everything.index("Sign-off and amendments") < everything.index("Sources")


def test_the_patients_copy_has_what_mattered_dates_and_a_large_print_version(
    database: str,
) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    patient_fills_in(app, discussion_id)
    page = PageClient(client).get(f"/staff/discussions/{discussion_id}/summary?copy=patient")
    body = text_of(page, ".record-screen")
    assert "What matters to you" in body and "Published" in body and "Next review due" in body
    large = page.select_one('a[href*="size=large"]')
    assert large is not None and "Large print" in large.get_text()
    sign_off(client, app, discussion_id)
    signed = text_of(
        PageClient(client).get(f"/staff/discussions/{discussion_id}/summary?copy=patient"),
        ".record-screen",
    )
    assert "Signed off on" in signed and "draft" not in signed.lower()
    html = client.get(f"/staff/discussions/{discussion_id}/summary?copy=patient").get_data(
        as_text=True
    )
    assert "You can change any of them" not in html


def _font_sizes(data: bytes) -> set[float]:
    """The text sizes used on a PDF's pages, from pdftotext's bounding boxes."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return {
        round(float(m.group(2)) - float(m.group(1)), 1)
        for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', out)
    }


@pytest.mark.parametrize(("size", "smallest_pt"), [("", 12), ("large", 16)])
def test_the_patients_pdf_body_text_is_12_or_16_point(
    database: str, size: str, smallest_pt: int
) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    patient_fills_in(app, discussion_id)
    data = client.get(
        f"/staff/discussions/{discussion_id}/record.pdf?copy=patient&size={size}"
    ).data
    heights = sorted(_font_sizes(data))
    # A line box is about 1.2 times the type size; the page header and counter are smaller.
    body = [h for h in heights if h >= smallest_pt * 1.1]
    common = max(set(body), key=body.count) if body else 0
    assert common >= smallest_pt * 1.1, heights


# ---- the export -------------------------------------------------------------------------------


def test_the_export_is_valid_against_its_versioned_schema(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "ar")
    patient_fills_in(app, discussion_id)
    sign_off(client, app, discussion_id, decision="planned-pump", interpreter="video")
    amend(client, discussion_id, "decision", "declined", "Changed mind")
    data = json.loads(client.get(f"/staff/discussions/{discussion_id}/export.json").data)
    schema = export.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert re.search(r":\d+\.\d+\.\d+$", schema["$id"]), "the schema's id carries its version"
    assert data["$schema"] == schema["$id"]
    entries = {e["field"]: e for e in data["entries"]}
    assert set(entries) == set(fields_of(app, discussion_id))
    decision = entries["decision"]
    assert (decision["value"], decision["value_label"]) == (
        "declined",
        "Does not want the procedure",
    )
    assert decision["amendments"][0]["before_label"] == "Go ahead: PCI with a planned heart pump"
    assert data["record"]["language"] == {
        "code": "ar",
        "english_name": "Arabic",
        "own_name": "العربية",
    }


# ---- the dashboard ----------------------------------------------------------------------------


def _queries_for_dashboard(app: Flask, client: FlaskClient) -> int:
    count = 0

    def counted(*_args: object) -> None:
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        response = client.get("/staff/")
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    assert response.status_code == 200
    return count


def test_the_dashboard_takes_the_same_queries_for_5_rows_as_for_50(database: str) -> None:
    app, client = record_app(database, NURSE)
    ids = [start(client, "bn", f"P{n}") for n in range(5)]
    for discussion_id in ids:
        patient_fills_in(app, discussion_id, every_question=False)
    five = _queries_for_dashboard(app, client)
    more = [start(client, "pl", f"Q{n}") for n in range(45)]
    for discussion_id in more[:5]:
        patient_fills_in(app, discussion_id, every_question=False)
    fifty = _queries_for_dashboard(app, client)
    assert fifty == five, (five, fifty)
    assert five <= 10, five
    page = PageClient(client).get("/staff/")
    assert len(page.select(".app-dashboard tbody tr")) == 50
    with app.test_request_context("/"):
        bengali = language_label("bn")
    assert bengali.endswith(" (বাংলা)") and bengali in text_of(page, ".app-dashboard")
