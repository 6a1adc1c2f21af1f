"""The FHIR document of a signed record: its `Composition`, whose sections mirror the clinician's
copy, and the `Bundle` that holds it with every resource it points to (`fhir`)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..content import ContentPack
from ..models import Discussion, utcnow
from . import fhir, fhir_answers, signed, summary
from . import fhir_codes as codes
from . import fields as defs
from .fhir import Parts, narrative, words

# The clinician's copy, section by section: a record section of the field definitions, or one of
# the copy's own (what to act on, what matters, sign-off, later changes, information given).
SECTIONS = (
    ("at-a-glance", "At a glance"),
    ("questions", defs.SECTIONS["questions"]),
    ("what-matters", "What matters most to the patient"),
    *((key, title) for key, title in defs.SECTIONS.items() if key != "questions"),
    ("sign-off", "Sign-off and amendments"),
    ("changes-after-sign-off", "Changed by the patient after sign-off"),
    ("information-given", "Information given"),
    ("signed-copy", "The clinician's copy (PDF)"),
)


def _glance(copy: summary.Summary) -> list[Markup | str]:
    first = copy.first_page
    lines: list[Markup | str] = [
        f"Decision: {first.decision.value}",
        f"Readiness: {first.readiness_flag}",
        f"Interpreter: {first.interpreter.value or 'Not recorded'}",
        f"Patient's language: {first.language}",
        "NICE's arrangements still open: " + ("; ".join(first.open_arrangements) or "none"),
    ]
    lines += [
        Markup("Question still unanswered: %s") % words(q.lang, q.text) for q in first.unanswered
    ]
    lines += [
        Markup("Open at sign-off: %s") % (item.text + (f": {item.quote}" if item.quote else ""))
        for item in first.open_at_sign_off
    ]
    return lines


def _field_lines(parts: Parts, section: str) -> list[Markup | str]:
    history = defs.changes(parts.discussion)
    lines: list[Markup | str] = []
    for definition in defs.fields(parts.discussion, parts.pack):
        if definition.section != section:
            continue
        value = definition.staff_value(parts.values[definition.name]) or "Not recorded"
        label = definition.label
        if section == "questions":
            label = Markup("%s (%s)") % (label, words(definition.lang, definition.about))
        lines.append(Markup("%s: %s") % (label, value))
        for amendment in history.get(definition.name, []):
            before = definition.staff_value(amendment.before) or "(empty)"
            lines.append(
                f"Amended {amendment.at:%d %b %Y %H:%M} UTC by {amendment.author}; it was "
                f"“{before}”. Reason: {amendment.reason}"
            )
    return lines


def _section_lines(parts: Parts, key: str) -> list[Markup | str]:
    copy = parts.copy
    if key == "at-a-glance":
        return _glance(copy)
    if key == "what-matters":
        lines: list[Markup | str] = [
            Markup("%s: %s") % (text, rating) for text, rating in copy.values
        ]
        if copy.values_note:
            lines.append(
                Markup("In their words: %s") % words(copy.values_note.lang, copy.values_note.text)
            )
        if copy.leaning:
            lines.append(Markup("Leaning towards (in the guide): %s") % copy.leaning)
        return lines
    if key == "sign-off":
        return [fhir.signed_words(parts.discussion)] + [
            f"{a.field}: “{a.before}” changed to “{a.after}” by {a.author}, "
            f"{a.at:%d %b %Y %H:%M} UTC. Reason: {a.reason}"
            for a in copy.amendments
        ]
    if key == "changes-after-sign-off":
        return [
            Markup("%s: %s. Before: %s. Now: %s.")
            % (
                c.when,
                c.what,
                words(c.before.lang, c.before.text) if c.before else "–",
                words(c.after.lang, c.after.text) if c.after else "–",
            )
            for c in copy.changes_after_sign_off
        ]
    if key == "information-given":
        return [
            Markup("Content pack %s, version %s.") % (copy.procedure, copy.content_version),
            f"Steps the patient viewed: {len(copy.steps_seen)} of {copy.steps_total}.",
            *(
                [Markup("Steps the patient has not seen: %s.") % "; ".join(copy.steps_not_seen)]
                if copy.steps_not_seen
                else []
            ),
            *(Markup("Source: %s (%s)") % (label, citation) for label, citation in copy.sources),
        ]
    if key == "signed-copy":
        return ["The clinician's copy of this record as a PDF, as staff print it."]
    return _field_lines(parts, key)


# Which resource each section points to, where it has one.
SECTION_ENTRIES = {
    "at-a-glance": "consent",
    "decision": "consent",
    "questions": "answers",
    "what-matters": "answers",
    "signed-copy": "pdf",
}


def composition(parts: Parts, signer: dict[str, str], provenance: list[str]) -> dict[str, Any]:
    d = parts.discussion
    assert d.finalised_at is not None
    sections = []
    for key, title in SECTIONS:
        lines = _section_lines(parts, key)
        refs = [{"reference": url} for url in provenance] if key == "sign-off" else []
        if key in SECTION_ENTRIES:
            refs.append(parts.ref(SECTION_ENTRIES[key]))
        if not lines and not refs:
            continue
        section: dict[str, Any] = {
            "title": title,
            "code": codes.concept(codes.SECTION, key, title),
            "text": narrative(*lines) if lines else narrative("None."),
        }
        if refs:
            section["entry"] = refs
        sections.append(section)
    changed = [a.at for a in d.amendments]
    return {
        "resourceType": "Composition",
        "identifier": {"system": codes.DISCUSSION_CODE, "value": parts.copy.code},
        "status": "amended" if d.amendments else "final",
        "type": {"coding": [codes.CONSENT_DOCUMENT]},
        "subject": parts.ref("patient"),
        "date": codes.instant(max([d.finalised_at, *changed])),
        "author": [signer],
        "title": f"Consent discussion record {parts.copy.code}",
        "attester": [{"mode": "legal", "time": codes.instant(d.finalised_at), "party": signer}],
        "event": [{"code": [codes.concept(codes.PROCEDURE, parts.pack.id, parts.pack.title)]}],
        "section": sections,
    }


def document(discussion: Discussion, pack: ContentPack, pdf: bytes) -> dict[str, Any]:
    """The signed record as a FHIR R4 document Bundle; NotSigned for a draft."""
    if discussion.finalised_at is None:
        raise fhir.NotSigned
    parts = Parts(
        discussion,
        pack,
        summary.build(discussion, pack, summary.Copy.CLINICIAN),
        defs.current_values(discussion, pack),
    )
    staff = fhir.practitioners(discussion)
    signer = parts.ref(
        "practitioner", staff[f"{discussion.finalised_by} ({discussion.finalised_role})"]
    )
    provenance = fhir.provenances(parts, staff)
    answers = signed.answers_of_record(discussion)
    resources = [
        (parts.url("composition"), composition(parts, signer, [url for url, _ in provenance])),
        (parts.url("patient"), fhir.patient(parts)),
        *(
            (
                parts.url("practitioner", n),
                {"resourceType": "Practitioner", "name": [{"text": name}]},
            )
            for name, n in staff.items()
        ),
        (parts.url("consent"), fhir.consent(parts, signer)),
        (
            parts.url("answers"),
            fhir_answers.response(
                pack, answers, parts.url("patient"), codes.instant(discussion.finalised_at)
            ),
        ),
        (parts.url("questionnaire"), fhir_answers.questionnaire(pack)),
        *provenance,
        (parts.url("pdf"), fhir.document_reference(parts, pdf, signer)),
    ]
    return {
        "resourceType": "Bundle",
        "identifier": {
            "system": codes.DOCUMENT_ID,
            "value": f"{parts.copy.code}-v{discussion.record_version}",
        },
        "type": "document",
        "timestamp": codes.instant(utcnow()),
        "entry": fhir.entries(resources),
    }
