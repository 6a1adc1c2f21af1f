"""A signed record is final: no save overwrites another silently, nothing changes under a signature,
the decision names the option, sign-off says what is still open, and readiness is the latest."""

from __future__ import annotations

import json
import threading

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from companion.content import pack_shown
from companion.models import AuditEvent, Discussion, db
from companion.record import entries
from tests.support.pages import PageClient, text_of
from tests.support.pdf import BIDI_CONTROLS, pdf_text, poppler
from tests.support.record import (
    CLINICIAN,
    form_values,
    pack_of,
    patient_fills_in,
    record_app,
    start,
)
from tests.support.staff import amend, form_data, record_form, sign_off
from tests.support.walkthrough import PatientLink, patient_with_link

READINESS = ("sure", "understand", "risk-benefit", "encouragement")


def link_of(app: Flask, discussion_id: int) -> PatientLink:
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        return PatientLink.of(discussion)


def lean(patient: FlaskClient, link: PatientLink, option: str, reason: str) -> None:
    response = patient.post(
        link.step(type="leaning"), data={"leaning": option, "leaning_reason": reason}
    )
    assert response.status_code == 302


def answer_readiness(patient: FlaskClient, link: PatientLink, answer: str) -> None:
    data = {f"ready-{item}": answer for item in READINESS}
    assert patient.post(link.step(type="readiness"), data=data).status_code == 302


def everything_done(app: Flask, client: FlaskClient, discussion_id: int) -> dict[str, str]:
    """The record form with every question answered, every risk discussed, every arrangement done
    and a decision: nothing open but what the patient does in the guide."""
    data = {k: v for k, v in record_form(client, discussion_id).items() if isinstance(v, str)}
    for name in form_values(app, discussion_id):
        if name.endswith("-status"):
            data[name] = "answered"
        elif name.endswith("-discussed") or name in (
            "written_information_given",
            "mdt_selected",
            "bcis_database",
            "governance_informed",
        ):
            data[name] = "yes"
    for phase in ("before", "after"):
        data |= {f"ready-{phase}-{item}": "yes" for item in READINESS}
    return data | {"decision": "planned-pump", "emergency_support": "planned"}


def body_text(pdf: bytes) -> str:
    """The text of every page without its running header and footer (A4 in points, less the
    page's top and bottom margins), so a run that crosses a page break reads as one."""
    pages = int(poppler("pdfinfo", pdf).split("Pages:")[1].split()[0])
    crop = ("-x", "0", "-y", "74", "-W", "595", "-H", "711")
    return "".join(
        poppler("pdftotext", pdf, "-f", str(n), "-l", str(n), *crop) for n in range(1, pages + 1)
    ).translate(BIDI_CONTROLS)


def read_every_step(patient: FlaskClient, link: PatientLink, count: int) -> None:
    for number in range(1, count + 1):
        patient.post(link.step(number), data={})


# ---- no silent overwrite ------------------------------------------------------------------------


def test_two_saves_at_the_same_instant_one_wins_and_the_other_is_told(database: str) -> None:
    """Two people press Save on the same version at the same instant, many times over: each time
    exactly one save is applied, the other saves nothing and is shown the winner's entry."""
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    for attempt in range(6):
        barrier = threading.Barrier(2)
        outcomes: dict[str, entries.SaveResult] = {}

        def save(
            who: str,
            attempt: int = attempt,
            barrier: threading.Barrier = barrier,
            outcomes: dict[str, entries.SaveResult] = outcomes,
        ) -> None:
            with app.app_context():
                discussion = db.session.get(Discussion, discussion_id)
                assert discussion is not None
                pack = pack_shown(discussion.procedure, discussion.content_version)
                based_on = discussion.record_version
                form = {"next_steps": f"{who} {attempt}"}
                barrier.wait()  # both have read the same version; neither has written
                try:
                    outcomes[who] = entries.save(discussion, pack, form, based_on, who)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    raise

        threads = [threading.Thread(target=save, args=(who,)) for who in ("Ada", "Ben")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        applied = [who for who, result in outcomes.items() if result.changed]
        told = [who for who, result in outcomes.items() if result.conflicts]
        assert len(outcomes) == 2 and len(applied) == 1 and len(told) == 1, outcomes
        (winner,), (loser,) = applied, told
        assert outcomes[loser].conflicts["next_steps"].theirs == f"{winner} {attempt}"
        assert form_values(app, discussion_id)["next_steps"] == f"{winner} {attempt}"


def test_an_amendment_written_on_an_older_version_is_refused(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    assert sign_off(client, discussion_id).status_code == 302
    url = f"/staff/discussions/{discussion_id}/amend?field=next_steps"
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    stale = str(page.select_one("input[name=version]")["value"])
    assert amend(client, discussion_id, "next_steps", "Phone Monday", "Agreed").status_code == 302
    late = client.post(
        url,
        data={
            "field": "next_steps",
            "next_steps": "Phone Tuesday",
            "reason": "Clinic moved",
            "version": stale,
        },
    )
    assert late.status_code == 409
    body = " ".join(late.get_data(as_text=True).split())
    assert "Someone changed this record while you were writing your amendment" in body
    assert "Phone Tuesday" in body and "Clinic moved" in body, "what was typed stays"
    assert form_values(app, discussion_id)["next_steps"] == "Phone Monday"


# ---- nothing changes under a signature ----------------------------------------------------------


def test_a_change_after_sign_off_leaves_what_was_signed_in_every_copy(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    link = link_of(app, discussion_id)
    patient = patient_with_link(app, link)
    lean(patient, link, "planned-pump", "My heart doctor advised it")
    answer_readiness(patient, link, "no")
    assert sign_off(client, discussion_id).status_code == 302
    signed_export = json.loads(client.get(f"/staff/discussions/{discussion_id}/export.json").data)

    # The patient changes their mind afterwards, and adds a question.
    lean(patient, link, "no-pci", "I want to wait")
    answer_readiness(patient, link, "yes")
    patient.post(
        link.step(type="own_questions"),
        data={"new_question": "Can I change my mind later?", "action": "add"},
    )
    step = patient.get(link.step(type="leaning")).get_data(as_text=True)
    assert "Your care team will see each change" in step, "the patient is told"

    url = f"/staff/discussions/{discussion_id}/summary?copy="
    for copy in ("clinician", "patient"):
        page = PageClient(client).get(url + copy, lang="en" if copy == "clinician" else None)
        assert not isinstance(page, str)
        changes = text_of(page, ".record-after-sign-off")
        for tag in page.select(".record-after-sign-off"):
            tag.decompose()
        signed_part = " ".join(page.get_text(" ").split())
        assert "My heart doctor advised it" in signed_part and "I want to wait" not in signed_part
        assert "Can I change my mind later?" not in signed_part, copy
        assert "I want to wait" in changes and "Can I change my mind later?" in changes
    clinician_pdf = pdf_text(client.get(f"/staff/discussions/{discussion_id}/record.pdf").data)
    signed_pdf, _, changes_pdf = clinician_pdf.partition(
        "The patient changed these answers in the guide after the record was signed off"
    )
    assert "Changed by the patient after sign-off (see the end)" in signed_pdf
    assert "My heart doctor advised it" in signed_pdf and "I want to wait" not in signed_pdf
    assert "Not ready yet: answered no to 4 of 4 in the guide" in signed_pdf
    assert "I want to wait" in changes_pdf and "Can I change my mind later?" in changes_pdf

    export = json.loads(client.get(f"/staff/discussions/{discussion_id}/export.json").data)
    assert export["patient"] == signed_export["patient"], "the signed part is as signed"
    assert export["entries"] == signed_export["entries"]
    kinds = [c["kind"] for c in export["changes_after_sign_off"]]
    assert "leaning" in kinds and "own_question" in kinds and kinds.count("readiness") == 4

    dashboard = client.get("/staff/").get_data(as_text=True)
    assert "changed by the patient after sign-off" in dashboard
    with app.app_context():
        trail = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "changed-after-sign-off")
        ).all()
    assert trail and not any("I want to wait" in d or "change my mind" in d for d in trail)
    assert "leaning" in " ".join(trail)


def test_a_record_signed_before_snapshots_is_frozen_at_the_patients_first_change(
    database: str,
) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    link = link_of(app, discussion_id)
    patient = patient_with_link(app, link)
    lean(patient, link, "balloon-pump", "First thought")
    assert sign_off(client, discussion_id).status_code == 302
    with app.app_context():  # as it was before this release kept what was signed
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        discussion.signed_snapshot = None
        db.session.commit()
    lean(patient, link, "no-support", "Second thought")
    record = PageClient(client).get(f"/staff/discussions/{discussion_id}", lang="en")
    assert not isinstance(record, str)
    assert "First thought" in text_of(record, "[data-leaning]")
    assert "Second thought" in text_of(record, "#after-sign-off")


# ---- the decision, open items, readiness ---------------------------------------------------------


def test_the_decision_names_the_option_with_the_leaning_beside_it(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    link = link_of(app, discussion_id)
    lean(patient_with_link(app, link), link, "no-support", "Less to go wrong")
    page = PageClient(client).get(f"/staff/discussions/{discussion_id}", lang="en")
    assert not isinstance(page, str)
    beside = text_of(page, "[data-leaning]")
    assert "PCI with no planned support device" in beside and "Less to go wrong" in beside
    offered = [str(i["value"]) for i in page.select("input[name=decision]")]
    assert offered[:4] == ["planned-pump", "no-support", "balloon-pump", "no-pci"]
    assert "go-ahead" not in offered, "the old undivided choice is not offered any more"
    emergency = [str(i["value"]) for i in page.select("input[name=emergency_support]")]
    assert emergency == ["would-accept", "would-not", "undecided", "planned"]
    data = record_form(client, discussion_id) | {
        "decision": "no-support",
        "emergency_support": "would-accept",
    }
    assert client.post(f"/staff/discussions/{discussion_id}", data=data).status_code == 302
    copy = PageClient(client).get(f"/staff/discussions/{discussion_id}/summary", lang="en")
    assert not isinstance(copy, str)
    glance = text_of(copy, ".record-glance")
    assert "Go ahead: PCI with no planned support device" in glance
    assert "Would accept an emergency support device if the heart struggles" in glance


def test_sign_off_with_open_items_needs_a_second_acknowledgement(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    patient_fills_in(app, discussion_id, every_question=False)
    url = f"/staff/discussions/{discussion_id}/finalise"
    form = record_form(client, discussion_id) | {"confirm": "yes", "decision": "planned-pump"}
    refused = client.post(url, data=form)
    assert refused.status_code == 400
    page = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    listed = text_of(page, ".app-open-items")
    assert "Question not answered: Will it hurt?" in " ".join(listed.split())
    assert "Risk not discussed: Bleeding" in listed
    assert "NICE arrangement still open: Clinical governance leads informed" in listed
    assert "Steps of the guide the patient has not seen" in listed
    assert "Not ready yet: answered no to 1 of 4 in the guide" in listed
    with app.app_context():
        assert db.session.get(Discussion, discussion_id).finalised_at is None
    acknowledged = form_data(page) | {
        "confirm": "yes",
        "acknowledge_open": str(page.select_one("#acknowledge_open")["value"]),
    }
    assert client.post(url, data=acknowledged).status_code == 302
    pdf = client.get(f"/staff/discussions/{discussion_id}/record.pdf").data
    first_page = " ".join(poppler("pdftotext", pdf, "-f", "1", "-l", "1").split())
    count = first_page.split("signed off with ")[1].split()[0]
    assert int(count) >= 5 and f"Signed off with {count} items open" in first_page
    assert "Risk not discussed: Bleeding" in first_page


def test_an_acknowledgement_covers_only_the_items_it_was_given_for(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    url = f"/staff/discussions/{discussion_id}/finalise"
    page = BeautifulSoup(
        client.post(url, data=record_form(client, discussion_id) | {"confirm": "yes"}).data,
        "html.parser",
    )
    ack = str(page.select_one("#acknowledge_open")["value"])
    # The patient adds a question meanwhile: the list has changed, so it is shown again.
    patient_fills_in(app, discussion_id, every_question=False)
    again = client.post(url, data=form_data(page) | {"confirm": "yes", "acknowledge_open": ack})
    assert again.status_code == 400
    assert "Question not answered" in again.get_data(as_text=True)


def test_with_nothing_open_sign_off_is_one_step(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    link = link_of(app, discussion_id)
    patient = patient_with_link(app, link)
    read_every_step(patient, link, len(pack_of(app).steps))
    answer_readiness(patient, link, "yes")
    form = everything_done(app, client, discussion_id) | {"confirm": "yes"}
    signed = client.post(f"/staff/discussions/{discussion_id}/finalise", data=form)
    assert signed.status_code == 302, text_of(
        BeautifulSoup(signed.data, "html.parser"), "#open-items"
    )
    copy = client.get(f"/staff/discussions/{discussion_id}/summary").get_data(as_text=True)
    assert "items open" not in copy


def test_readiness_shown_is_the_latest_on_the_record_and_the_dashboard(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    link = link_of(app, discussion_id)
    data = record_form(client, discussion_id) | {f"ready-after-{item}": "no" for item in READINESS}
    assert client.post(f"/staff/discussions/{discussion_id}", data=data).status_code == 302
    record = PageClient(client).get(f"/staff/discussions/{discussion_id}", lang="en")
    assert not isinstance(record, str)
    assert "Not ready yet: answered no to 4 of 4 after the discussion" in text_of(
        record, "[data-readiness-now]"
    )
    answer_readiness(patient_with_link(app, link), link, "yes")  # later, in the guide
    record = PageClient(client).get(f"/staff/discussions/{discussion_id}", lang="en")
    assert not isinstance(record, str)
    now = text_of(record, "[data-readiness-now]")
    assert "Ready: answered yes to all 4 in the guide" in now and "UTC" in now
    dashboard = PageClient(client).get("/staff/", lang="en")
    assert not isinstance(dashboard, str)
    assert "Ready: answered yes to all 4 in the guide" in text_of(dashboard, ".app-readiness-now")
    assert "Not sure yet" not in text_of(dashboard, ".app-dashboard")
    copy = client.get(f"/staff/discussions/{discussion_id}/summary").get_data(as_text=True)
    assert "Ready: answered yes to all 4 in the guide" in copy


# ---- every character printed ---------------------------------------------------------------------


def test_long_unbroken_text_prints_whole_in_every_pdf(database: str) -> None:
    """A 300-character run with no space, in every free-text field (or as long as the field
    takes), and in a script without spaces: every character is in the PDF's text."""
    app, client = record_app(database, CLINICIAN)
    label = "L" * 64
    response = client.post(
        "/staff/discussions/new",
        data={"procedure": "htg492", "language": "zh-Hans", "patient_label": label},
    )
    discussion_id = int(response.headers["Location"].split("/")[3])
    link = link_of(app, discussion_id)
    patient = patient_with_link(app, link)
    question = "问" * 300
    patient.post(link.step(type="own_questions"), data={"new_question": question, "action": "add"})
    lean(patient, link, "planned-pump", "R" * 300)
    patient.post(link.step(type="values"), data={"values_note": "V" * 300})
    runs: dict[str, str] = {}
    data = record_form(client, discussion_id)
    fields = {
        k: v
        for k, v in form_values(app, discussion_id).items()
        if k in data or k.endswith("-gloss")
    }
    with app.app_context():
        from companion.record.fields import by_name

        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        definitions = by_name(discussion, pack_of(app))
    for number, name in enumerate(fields):
        definition = definitions[name]
        if definition.control in ("text", "line"):
            size = min(300, definition.limit or 300)
            runs[name] = (f"F{number}X" * 300)[:size]
    data = data | runs | {"decision": "planned-pump"}
    assert client.post(f"/staff/discussions/{discussion_id}", data=data).status_code == 302
    # Signed, so no DRAFT mark is drawn across the text.
    assert sign_off(client, discussion_id).status_code == 302
    for copy in ("clinician", "patient", "patient&size=large"):
        pdf = client.get(f"/staff/discussions/{discussion_id}/record.pdf?copy={copy}").data
        text = "".join(body_text(pdf).split())
        for name, run in runs.items():
            if copy != "clinician" and name != "next_steps" and not name.endswith("-answer"):
                continue  # the patient's copy shows only what staff wrote for the patient
            assert run in text, (copy, name)
        assert question in text and "R" * 300 in text and "V" * 300 in text, copy
        first_page = "".join(poppler("pdftotext", pdf, "-f", "1", "-l", "1").split())
        assert label in first_page, copy
        with app.app_context():
            code = db.session.get(Discussion, discussion_id).code
        assert f"{code[:4]}-{code[4:]}" in first_page, "the code stays on page 1"
