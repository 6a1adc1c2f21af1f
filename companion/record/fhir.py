"""A signed record as a FHIR R4 document, for the patient's electronic health record.

A `Bundle` of type "document": the `Composition` first (its sections mirror the clinician's copy),
then the `Patient` (with the NHS number where one was given), the staff who signed and amended, the
`Consent` (status, decision and the option chosen, when and by whom it was signed), the patient's
answers (`QuestionnaireResponse`, with the `Questionnaire` of the content version they were shown),
a `Provenance` for the sign-off and for every amendment, and the clinician's PDF
(`DocumentReference`). Every value is read through the record's one definition of each field
(`fields.fields`, `fields.current_values`, `signed.answers_of_record`), as every other output is.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..content import ContentPack
from ..models import Amendment, Discussion, utcnow
from . import fhir_codes as codes
from . import fields as defs
from . import summary

MEDIA_TYPE = "application/fhir+json"
PERMIT, DENY = "permit", "deny"
# How each decision reads as consent: a decision to go ahead permits the procedure, one not to
# have it denies it; no decision yet is consent still proposed.
CONSENT_OF_DECISION = {
    "planned-pump": ("active", PERMIT),
    "no-support": ("active", PERMIT),
    "balloon-pump": ("active", PERMIT),
    "go-ahead": ("active", PERMIT),
    "no-pci": ("active", DENY),
    "declined": ("active", DENY),
}
EMERGENCY = {"would-accept": PERMIT, "would-not": DENY}


class NotSigned(Exception):
    """A draft record is not sent to a health record: it is signed off first."""


@dataclass(frozen=True)
class Parts:
    """One record's resources, each with its address in the bundle."""

    discussion: Discussion
    pack: ContentPack
    copy: summary.Summary
    values: dict[str, str]

    def url(self, kind: str, number: int = 0) -> str:
        return codes.full_url(self.discussion.code, kind, number)

    def ref(self, kind: str, number: int = 0) -> dict[str, str]:
        return {"reference": self.url(kind, number)}


def narrative(*lines: Markup | str) -> dict[str, str]:
    """Generated XHTML narrative: every line escaped, one paragraph each."""
    body = "".join(str(Markup("<p>%s</p>") % line) for line in lines if line)
    return {"status": "generated", "div": f'<div xmlns="{codes.XHTML}">{body}</div>'}


def words(lang: str, text: str) -> Markup:
    """A piece of the patient's own words, marked with its language."""
    return Markup('<span lang="%s">%s</span>') % (lang, text)


def signed_words(discussion: Discussion) -> str:
    """Who signed the record off, and when (plain text: the narrative allows no <bdi>)."""
    at = discussion.finalised_at
    when = f", {at:%d %b %Y %H:%M} UTC" if at else ""
    return f"Signed off by {discussion.finalised_by} ({discussion.finalised_role}){when}."


def practitioners(discussion: Discussion) -> dict[str, int]:
    """Each member of staff who signed or amended the record, numbered in order of appearance."""
    names = [f"{discussion.finalised_by} ({discussion.finalised_role})"]
    names += [a.author for a in discussion.amendments]
    return {name: number for number, name in enumerate(dict.fromkeys(names))}


def patient(parts: Parts) -> dict[str, Any]:
    d = parts.discussion
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "communication": [
            {
                "language": {
                    "coding": [{"system": codes.LANGUAGE, "code": d.language}],
                    "text": summary.language_label(d.language),
                },
                "preferred": True,
            }
        ],
    }
    if d.nhs_number:
        resource["identifier"] = [{"system": codes.NHS_NUMBER, "value": d.nhs_number}]
    return resource


def consent(parts: Parts, signer: dict[str, str]) -> dict[str, Any]:
    """The patient's decision as consent: status, permit or deny, the option, when, who."""
    d, values = parts.discussion, parts.values
    decision = values.get("decision", "")
    status, kind = CONSENT_OF_DECISION.get(decision, ("proposed", ""))
    chosen = defs.DECISION.staff(decision)
    assert d.finalised_at is not None
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "status": status,
        "scope": {"coding": [codes.CONSENT_SCOPE]},
        "category": [{"coding": [codes.CONSENT_DOCUMENT]}],
        "patient": parts.ref("patient"),
        "dateTime": codes.instant(d.finalised_at),
        "performer": [parts.ref("patient"), signer],
        "policy": [{"uri": codes.NICE_HTG492}],
        "sourceReference": parts.ref("pdf"),
        "text": narrative(f"Decision: {chosen}", signed_words(d)),
    }
    provision: dict[str, Any] = {"code": [codes.concept(codes.DECISION, decision, chosen)]}
    if kind:
        provision["type"] = kind
    emergency = values.get("emergency_support", "")
    if emergency in EMERGENCY:
        label = defs.EMERGENCY_SUPPORT.staff(emergency)
        provision["provision"] = [
            {
                "type": EMERGENCY[emergency],
                "code": [codes.concept(codes.EMERGENCY_SUPPORT, emergency, label)],
            }
        ]
    if decision:
        resource["provision"] = provision
    return resource


def provenances(parts: Parts, staff: dict[str, int]) -> list[tuple[str, dict[str, Any]]]:
    """Who signed the record off and when, then each amendment: who, when, why, what it was."""
    d = parts.discussion
    assert d.finalised_at is not None
    signer = f"{d.finalised_by} ({d.finalised_role})"
    open_items = parts.copy.first_page.open_at_sign_off
    found = [
        (
            parts.url("provenance", 0),
            {
                "resourceType": "Provenance",
                "target": [parts.ref("composition"), parts.ref("consent")],
                "occurredDateTime": codes.instant(d.finalised_at),
                "recorded": codes.instant(d.finalised_at),
                "activity": {"coding": [codes.coding(codes.DATA_OPERATION, "CREATE", "create")]},
                "agent": [_agent("attester", "Attester", parts.ref("practitioner", staff[signer]))],
                "text": narrative(
                    f"Signed off by {signer} with {len(open_items)} items open.",
                    *(item.text for item in open_items),
                ),
            },
        )
    ]
    by_name = {f.name: f for f in defs.fields(d, parts.pack)}
    for number, amendment in enumerate(d.amendments, start=1):
        definition = by_name.get(amendment.field)
        if definition is not None:
            found.append(
                (parts.url("provenance", number), _amended(parts, staff, amendment, definition))
            )
    return found


def _agent(code: str, display: str, who: dict[str, str]) -> dict[str, Any]:
    return {"type": codes.concept(codes.PARTICIPANT_TYPE, code, display), "who": who}


def _amended(
    parts: Parts, staff: dict[str, int], amendment: Amendment, definition: defs.Field
) -> dict[str, Any]:
    before = definition.staff_value(amendment.before) or "(empty)"
    after = definition.staff_value(amendment.after) or "(empty)"
    targets = [parts.ref("composition")]
    if definition.section == "decision":
        targets.append(parts.ref("consent"))
    return {
        "resourceType": "Provenance",
        "target": targets,
        "occurredDateTime": codes.instant(amendment.at),
        "recorded": codes.instant(amendment.at),
        "activity": {"coding": [codes.coding(codes.DATA_OPERATION, "UPDATE", "revise")]},
        "reason": [{"text": amendment.reason}],
        "agent": [_agent("author", "Author", parts.ref("practitioner", staff[amendment.author]))],
        "entity": [{"role": "revision", "what": {"display": f"{definition.label}: {before}"}}],
        "text": narrative(
            f"{definition.label}: “{before}” changed to “{after}” by {amendment.author}.",
            f"Reason: {amendment.reason}",
        ),
    }


def document_reference(parts: Parts, pdf: bytes, signer: dict[str, str]) -> dict[str, Any]:
    """The clinician's copy as signed and amended, as the PDF staff print."""
    d = parts.discussion
    assert d.finalised_at is not None
    return {
        "resourceType": "DocumentReference",
        "status": "current",
        "docStatus": "amended" if d.amendments else "final",
        "type": {"coding": [codes.CONSENT_DOCUMENT]},
        "subject": parts.ref("patient"),
        "date": codes.instant(utcnow()),
        "author": [signer],
        "authenticator": signer,
        "description": "Consent discussion record: the clinician's copy (PDF)",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "language": "en",
                    "data": base64.b64encode(pdf).decode("ascii"),
                    "size": len(pdf),
                    "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),  # noqa: S324 - FHIR's Attachment.hash is SHA-1
                    "title": f"Consent discussion record {parts.copy.code}",
                    "creation": codes.instant(d.finalised_at),
                }
            }
        ],
        "context": {"related": [parts.ref("composition")]},
    }


def entries(pairs: Iterable[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [{"fullUrl": url, "resource": resource} for url, resource in pairs]
