"""The addresses and codes the record's FHIR document uses, each stated once.

Codes come from LOINC or HL7's own code systems where one means exactly what is meant; every other
code (an option chosen, a section of the record, a content pack's question) is from this app's own
code systems under `BASE`, whose codes are the stored codes of the record's vocabularies
(`fields.py`), so they never change while a stored record keeps them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

BASE = "https://heart-pump-decision-guide.example/fhir"
CODE_SYSTEM = f"{BASE}/CodeSystem"
DECISION = f"{CODE_SYSTEM}/decision"
EMERGENCY_SUPPORT = f"{CODE_SYSTEM}/emergency-support"
SECTION = f"{CODE_SYSTEM}/record-section"
PROCEDURE = f"{CODE_SYSTEM}/procedure"
VALUE_RATING = f"{CODE_SYSTEM}/value-rating"
READINESS = f"{CODE_SYSTEM}/readiness"
OPTION = f"{CODE_SYSTEM}/option"
QUESTIONNAIRE = f"{BASE}/Questionnaire"
DISCUSSION_CODE = f"{BASE}/Id/discussion-code"
DOCUMENT_ID = f"{BASE}/Id/record-document"

NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
LOINC = "http://loinc.org"
CONSENT_DOCUMENT = {"system": LOINC, "code": "59284-0", "display": "Consent Document"}
CONSENT_SCOPE = {
    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
    "code": "treatment",
    "display": "Treatment",
}
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
LANGUAGE = "urn:ietf:bcp:47"
NICE_HTG492 = "https://www.nice.org.uk/guidance/htg492"
XHTML = "http://www.w3.org/1999/xhtml"


def coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"system": system, "code": code, "display": display}


def concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)], "text": display}


def full_url(discussion_code: str, kind: str, number: int = 0) -> str:
    """A stable address for one resource of one record's document: the same record exports the
    same addresses every time, and no two records share one."""
    name = f"{BASE}/discussion/{discussion_code}/{kind}/{number}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def instant(at: dt.datetime) -> str:
    """A stored time (UTC, kept without an offset) as FHIR writes one."""
    return f"{at:%Y-%m-%dT%H:%M:%S}+00:00"
