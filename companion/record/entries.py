"""The consent-discussion record: what staff recorded, saved safely, signed off and amended.

Two people may have the same record open. Every save carries the record version it was based on;
a save based on an older version is not applied: the second person is shown both versions.
After sign-off nothing is overwritten: a change is an amendment kept beside the original.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..content import ContentPack
from ..discussions import answer_readiness, has_forbidden_characters
from ..models import Amendment, Discussion, RecordItem, StaffMember, utcnow
from ..web import free_text

TEXT_LIMIT = 4000
CHOICES: dict[str, dict[str, str]] = {
    "interpreter": {
        "in-person": "Professional interpreter, in person",
        "phone": "Professional interpreter, by phone",
        "video": "Professional interpreter, by video",
        "family": "A family member or friend interpreted",
        "child": "A child interpreted",
        "none-needed": "None needed",
        "declined": "Offered and declined by the patient",
    },
    "supporter_present": {"yes": "Yes", "no": "No"},
    "teach_back_rating": {
        "clear": "Explained clearly in their own words",
        "partly": "Partly: went over it again",
        "not-yet": "Not yet: needs more support",
    },
    "decision": {
        "go-ahead": "Wants to go ahead",
        "more-time": "Wants more time",
        "declined": "Does not want the procedure",
        "undecided": "Undecided",
    },
}
TEXTS = {
    "interpreter_language": "Interpreter's language",
    "interpreter_id": "Interpreter ID",
    "supporter_relationship": "Who supported the patient",
    "teach_back_pump": "What the pump does, in the patient's words",
    "teach_back_risks": "The main risks, in the patient's words",
    "teach_back_say_no": "What happens if they say no, in the patient's words",
    "next_steps": "Next steps",
}
FLAGS = {
    "written_information_given": "Clear written information given (this guide or NICE's)",
    "mdt_selected": "Selected for the procedure by the multidisciplinary team",
    "bcis_database": "Details to be entered in the BCIS PCI database",
    "governance_informed": "Clinical governance leads informed",
}
QUESTION_STATUSES = {
    "answered": "Answered",
    "needs-consultant": "Needs the consultant",
    "not-discussed": "Not discussed",
}
LABELS = {
    **{name: name.replace("_", " ").capitalize() for name in CHOICES},
    "interpreter": "Interpreter",
    "supporter_present": "Supporter present",
    "teach_back_rating": "Teach-back rating",
    "decision": "Decision",
    **TEXTS,
    **FLAGS,
}


RATING_NAMES = {
    "a-lot": "Matters a lot",
    "a-little": "Matters a little",
    "not-much": "Does not matter much",
    "not-sure": "Not sure",
}


def field_label(name: str) -> str:
    """A label staff recognise for any field name the form uses."""
    if name in LABELS:
        return LABELS[name]
    kind, _, rest = name.partition("-")
    item_id, _, part = rest.rpartition("-")
    names = {
        "q": "The patient's question",
        "nq": "NICE question",
        "risk": "Risk",
        "benefit": "Benefit",
        "option": "Alternative",
        "ready": "Readiness",
    }
    return f"{names.get(kind, kind)} {item_id}: {part}"


def options(name: str) -> list[tuple[str, str, dict[str, str]]]:
    return [(value, label, {}) for value, label in CHOICES[name].items()]


class RecordLocked(Exception):
    """The record has been signed off; change it by amendment."""


class NotSignedOff(Exception):
    """The record has not been signed off yet: change it directly, not by amendment."""


class MayNotSignOff(Exception):
    """Only a clinician or an admin signs off a record."""


SIGNING_ROLES = ("clinician", "admin")


def may_sign_off(staff: StaffMember) -> bool:
    """Only clinicians and admins sign off a consent-discussion record."""
    return staff.role in SIGNING_ROLES


@dataclass
class SaveResult:
    errors: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, tuple[str, str]] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)


def item(discussion: Discussion, kind: str, item_id: str) -> RecordItem:
    for existing in discussion.record_items:
        if existing.kind == kind and existing.item_id == item_id:
            return existing
    created = RecordItem(kind=kind, item_id=item_id, discussed=False, figure=None, figure_source="")
    discussion.record_items.append(created)
    return created


def stored_values(discussion: Discussion, pack: ContentPack) -> dict[str, str]:
    """Every field of the record as the form names it, as text: what is compared and shown."""
    values: dict[str, str] = {}
    for name in (*CHOICES, *TEXTS):
        values[name] = str(getattr(discussion, name))
    for name in FLAGS:
        values[name] = "yes" if getattr(discussion, name) else ""
    for question in discussion.patient_questions:
        values[f"q-{question.id}-gloss"] = question.gloss
        values[f"q-{question.id}-answer"] = question.answer
        values[f"q-{question.id}-status"] = question.status
    for marked in discussion.questions_to_ask:
        values[f"nq-{marked.question_id}-answer"] = marked.answer
        values[f"nq-{marked.question_id}-status"] = marked.status
    for kind, choices in (
        ("risk", pack.risks),
        ("benefit", pack.benefits),
        ("option", pack.options),
    ):
        for choice in choices:
            entry = next(
                (i for i in discussion.record_items if i.kind == kind and i.item_id == choice.id),
                None,
            )
            values[f"{kind}-{choice.id}-discussed"] = "yes" if entry and entry.discussed else ""
            if kind == "risk":
                figure = entry.figure if entry else None
                values[f"risk-{choice.id}-figure"] = "" if figure is None else str(figure)
                values[f"risk-{choice.id}-source"] = entry.figure_source if entry else ""
    for phase in ("before", "after"):
        answers = {a.item_id: a.answer for a in discussion.readiness_answers if a.phase == phase}
        for item_id in (i.id for i in pack.step_of_type("readiness").items):
            values[f"ready-{phase}-{item_id}"] = answers.get(item_id, "")
    return values


def submitted_values(form: Mapping[str, Any], stored: Mapping[str, str]) -> dict[str, str]:
    """The form's value for every stored field; an unticked box sends nothing, meaning no."""
    return {name: str(form.get(name, "")).strip() for name in stored}


def check(values: Mapping[str, str]) -> dict[str, str]:
    errors = {}
    for name, value in values.items():
        if name in CHOICES and value and value not in CHOICES[name]:
            errors[name] = "Choose one of the options."
        elif name.endswith("-status") and value not in QUESTION_STATUSES:
            errors[name] = "Choose a status."
        elif name.endswith("-figure") and value:
            if not value.isdigit() or not 0 <= int(value) <= 100:
                errors[name] = "Enter a whole number from 0 to 100, the number in 100 people."
        elif name.startswith("ready-") and value not in ("", "yes", "no"):
            errors[name] = "Choose yes or no."
        elif len(value) > TEXT_LIMIT:
            errors[name] = f"This is {len(value)} characters long; keep it to {TEXT_LIMIT}."
        elif has_forbidden_characters(value):
            errors[name] = "This contains control characters that cannot be saved; remove them."
        elif problem := free_text.STAFF_MESSAGES.get(free_text.problem(value)):
            errors[name] = problem
    return errors


def apply(discussion: Discussion, pack: ContentPack, values: Mapping[str, str]) -> None:
    for name in (*CHOICES, *TEXTS):
        setattr(discussion, name, values[name])
    for name in FLAGS:
        setattr(discussion, name, values[name] == "yes")
    for question in discussion.patient_questions:
        question.gloss = values[f"q-{question.id}-gloss"]
        question.answer = values[f"q-{question.id}-answer"]
        question.status = values[f"q-{question.id}-status"]
    for marked in discussion.questions_to_ask:
        marked.answer = values[f"nq-{marked.question_id}-answer"]
        marked.status = values[f"nq-{marked.question_id}-status"]
    for kind, choices in (
        ("risk", pack.risks),
        ("benefit", pack.benefits),
        ("option", pack.options),
    ):
        for choice in choices:
            entry = item(discussion, kind, choice.id)
            entry.discussed = values[f"{kind}-{choice.id}-discussed"] == "yes"
            if kind == "risk":
                figure = values[f"risk-{choice.id}-figure"]
                entry.figure = int(figure) if figure else None
                entry.figure_source = values[f"risk-{choice.id}-source"][:200]
    for phase in ("before", "after"):
        for item_id in (i.id for i in pack.step_of_type("readiness").items):
            answer_readiness(discussion, item_id, values[f"ready-{phase}-{item_id}"] or None, phase)


def save(
    discussion: Discussion, pack: ContentPack, form: Mapping[str, Any], based_on: int
) -> SaveResult:
    if discussion.finalised_at is not None:
        raise RecordLocked
    stored = stored_values(discussion, pack)
    values = submitted_values(form, stored)
    result = SaveResult(errors=check(values))
    if based_on != discussion.record_version:
        result.conflicts = {
            name: (stored[name], values[name]) for name in stored if stored[name] != values[name]
        }
        return result
    if result.errors:
        return result
    result.changed = [name for name in stored if stored[name] != values[name]]
    if result.changed:
        apply(discussion, pack, values)
        discussion.record_version += 1
    return result


def finalise(discussion: Discussion, staff: StaffMember, name: str, role: str) -> None:
    if not may_sign_off(staff):
        raise MayNotSignOff
    if discussion.finalised_at is not None:
        raise RecordLocked
    discussion.finalised_at = utcnow()
    discussion.finalised_by = name
    discussion.finalised_role = role


def amendable_fields(discussion: Discussion, pack: ContentPack) -> dict[str, str]:
    """Fields an amendment may change, with a label staff recognise."""
    fields = {name: LABELS[name] for name in (*CHOICES, *TEXTS)}
    for number, question in enumerate(discussion.patient_questions, start=1):
        fields[f"q-{question.id}-answer"] = f"Answer to the patient's question {number}"
    return fields


def amend(
    discussion: Discussion,
    pack: ContentPack,
    staff: StaffMember,
    field_name: str,
    after: str,
    reason: str,
) -> dict[str, str]:
    """Amend a signed-off record beside the original; NotSignedOff before sign-off."""
    if discussion.finalised_at is None:
        raise NotSignedOff
    errors = {}
    fields = amendable_fields(discussion, pack)
    if field_name not in fields:
        errors["field"] = "Choose what to amend."
    if not reason.strip():
        errors["reason"] = "Say why the record is being amended."
    if has_forbidden_characters(after) or has_forbidden_characters(reason):
        errors["after"] = "This contains control characters that cannot be saved; remove them."
    elif problem := free_text.STAFF_MESSAGES.get(
        free_text.problem(after.strip()) or free_text.problem(reason.strip())
    ):
        errors["after"] = problem
    if len(after) > TEXT_LIMIT or len(reason) > TEXT_LIMIT:
        errors["after"] = f"Keep the amendment and the reason to {TEXT_LIMIT} characters each."
    if field_name in CHOICES and after not in CHOICES[field_name]:
        errors["after"] = "Choose one of the options for this field."
    if errors:
        return errors
    before = stored_values(discussion, pack)[field_name]
    discussion.amendments.append(
        Amendment(
            staff_id=staff.id,
            author=f"{staff.name} ({staff.role})",
            field=field_name,
            before=before,
            after=after.strip(),
            reason=reason.strip(),
        )
    )
    return {}
