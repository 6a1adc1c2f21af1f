"""The signed record as a FHIR R4 document: validated with a maintained FHIR model library in
every state (draft refused, signed, amended, changed by the patient after sign-off)."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from flask.testing import FlaskClient
from sqlalchemy import select

from companion.models import AuditEvent, Discussion, db
from tests.support.record import CLINICIAN, record_app
from tests.support.staff import amend, record_form, sign_off
from tests.support.walkthrough import PatientLink, patient_with_link, url

FHIR_JSON = "application/fhir+json"


def fetch(client: FlaskClient, discussion_id: int) -> dict[str, Any]:
    """The document, checked: valid R4 resources, a document bundle whose references all resolve."""
    response = client.get(f"/staff/discussions/{discussion_id}/fhir")
    assert response.status_code == 200 and response.mimetype == FHIR_JSON
    assert response.headers["Cache-Control"] == "no-store"
    document: dict[str, Any] = json.loads(response.data)
    Bundle.model_validate(document)  # every resource and element as FHIR R4 (R4B) defines it
    assert document["type"] == "document" and document["identifier"]["value"]
    entries = document["entry"]
    assert entries[0]["resource"]["resourceType"] == "Composition", "a document starts with it"
    addresses = [e["fullUrl"] for e in entries]
    assert len(set(addresses)) == len(addresses)
    pointed = re.findall(r'"reference": "([^"]+)"', json.dumps(document))
    assert pointed and set(pointed) <= set(addresses), "every reference is inside the bundle"
    divs = re.findall(r'"div": "([^"]*(?:\\.[^"]*)*)"', json.dumps(document))
    assert len(divs) > 10
    for div in divs:
        tags = set(re.findall(r"<(\w+)", div))
        assert tags <= {"div", "p", "span"}, f"narrative uses only basic HTML: {tags}"
    return document


def resources(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def one(document: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = resources(document, kind)
    return found


def sections(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["code"]["coding"][0]["code"]: s for s in one(document, "Composition")["section"]}


def test_a_draft_is_refused_and_a_signed_amended_changed_record_is_a_valid_document(
    database: str,
) -> None:
    app, client = record_app(database, CLINICIAN)
    form = {
        "procedure": "htg492",
        "language": "pl",
        "patient_label": "FH 1",
        "nhs_number": "943 476 5919",
    }
    location = client.post(url("staff.new_discussion"), data=form).headers["Location"]
    discussion_id = int(location.split("/")[-2])
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        link = PatientLink.of(discussion)
    patient = patient_with_link(app, link)
    lean = link.step(type="leaning")
    patient.post(lean, data={"leaning": "planned-pump", "leaning_reason": "Mniej ryzyka"})

    draft = client.get(f"/staff/discussions/{discussion_id}/fhir")
    assert draft.status_code == 409 and draft.mimetype == FHIR_JSON
    outcome = json.loads(draft.data)
    assert outcome["resourceType"] == "OperationOutcome"
    assert "draft" in outcome["issue"][0]["diagnostics"]
    assert app.test_client().get(f"/staff/discussions/{discussion_id}/fhir").status_code == 302

    data = record_form(client, discussion_id) | {
        "decision": "planned-pump",
        "emergency_support": "planned",
    }
    assert sign_off(client, discussion_id, data).status_code == 302
    pdf_hash = signed_as_decided(fetch(client, discussion_id))

    reason = "Wants to talk to family"
    assert amend(client, discussion_id, "decision", "more-time", reason).status_code == 302
    amended_in_force(fetch(client, discussion_id), pdf_hash)

    # The patient changes their mind after sign-off: kept beside what was signed.
    patient.post(lean, data={"leaning": "no-pci", "leaning_reason": "Boję się"})
    changed = fetch(client, discussion_id)
    later = sections(changed)["changes-after-sign-off"]["text"]["div"]
    assert "Boję się" in later and 'lang="pl"' in later
    items = one(changed, "QuestionnaireResponse")["item"]
    leaning = next(i for i in items if i["linkId"] == "leaning")
    assert leaning["answer"][0]["valueCoding"]["code"] == "planned-pump", "the answers as signed"
    with app.app_context():
        exports = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "export"))
        assert list(exports) == ["fhir", "fhir", "fhir"]


def signed_as_decided(signed: dict[str, Any]) -> str:
    """The signed record's document: who the patient is, their consent, who signed, their
    answers and the PDF. Returns the PDF's hash."""
    assert one(signed, "Composition")["status"] == "final"
    assert one(signed, "Patient")["identifier"] == [
        {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}
    ]
    consent = one(signed, "Consent")
    assert consent["status"] == "active" and consent["provision"]["type"] == "permit"
    assert consent["provision"]["code"][0]["coding"][0]["code"] == "planned-pump"
    assert consent["category"][0]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "59284-0",
        "display": "Consent Document",
    }
    (sign_off_provenance,) = resources(signed, "Provenance")
    assert sign_off_provenance["agent"][0]["type"]["coding"][0]["code"] == "attester"
    answers = one(signed, "QuestionnaireResponse")
    questionnaire = one(signed, "Questionnaire")
    assert answers["questionnaire"] == f"{questionnaire['url']}|{questionnaire['version']}"
    leaning = next(i for i in answers["item"] if i["linkId"] == "leaning")
    assert leaning["answer"][0]["valueCoding"]["code"] == "planned-pump"
    pdf = one(signed, "DocumentReference")["content"][0]["attachment"]
    assert base64.b64decode(pdf["data"]).startswith(b"%PDF")
    assert pdf["contentType"] == "application/pdf"
    titles = [s["title"] for s in one(signed, "Composition")["section"]]
    assert titles[:3] == [
        "At a glance",
        "The patient's questions",
        "What matters most to the patient",
    ]
    assert "NICE's special arrangements" in titles
    return str(pdf["hash"])


def amended_in_force(amended: dict[str, Any], pdf_hash: str) -> None:
    """Amended: the decision in force, the amendment's provenance, a new PDF."""
    assert one(amended, "Composition")["status"] == "amended"
    consent = one(amended, "Consent")
    assert consent["status"] == "proposed" and "type" not in consent["provision"]
    assert consent["provision"]["code"][0]["coding"][0]["code"] == "more-time"
    amendment = resources(amended, "Provenance")[1]
    assert amendment["reason"] == [{"text": "Wants to talk to family"}]
    assert amendment["agent"][0]["type"]["coding"][0]["code"] == "author"
    changed = "“Go ahead: PCI with a planned heart pump” changed to “Wants more time”"
    assert changed in amendment["text"]["div"]
    reference = one(amended, "DocumentReference")
    assert reference["docStatus"] == "amended"
    assert reference["content"][0]["attachment"]["hash"] != pdf_hash
