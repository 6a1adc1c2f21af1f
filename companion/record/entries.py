"""The consent-discussion record: what staff recorded, saved safely, signed off and amended.

Two people may have the same record open. Every save carries the record version it was based on;
a save based on an older version is not applied: the second person is shown both versions.
After sign-off nothing is overwritten: a change is an amendment kept beside the original, and
every output shows the value in force (`fields.current_values`) with the amendment beside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..content import ContentPack
from ..models import (
    Amendment,
    AuditEvent,
    Discussion,
    RecordEdit,
    Role,
    StaffMember,
    db,
    utcnow,
)
from ..web import free_text
from . import fields as defs
from . import readiness, signed
from .fields import TEXT_LIMIT
from .signed import OpenItem

# The reason for an amendment is kept in full, like any other text of the record.
REASON_LIMIT = TEXT_LIMIT
AUDIT_DETAIL_LIMIT = defs.column_limit(AuditEvent.detail)


class RecordLocked(Exception):
    """The record has been signed off; change it by amendment."""


class NotSignedOff(Exception):
    """The record has not been signed off yet: change it directly, not by amendment."""


class RecordBusy(Exception):
    """Saves kept arriving at the same moment: nothing was saved; the person tries again."""


class MayNotSignOff(Exception):
    """Only a clinician or an admin signs off a record."""


SIGNING_ROLES = frozenset({Role.CLINICIAN, Role.ADMIN})


def may_sign_off(staff: StaffMember) -> bool:
    """Only clinicians and admins sign off a consent-discussion record."""
    return staff.role in SIGNING_ROLES


@dataclass(frozen=True)
class Conflict:
    """A field both people changed: what is saved now (theirs, and who saved it) and yours."""

    theirs: str
    yours: str
    by: str


@dataclass
class SaveResult:
    errors: dict[str, str] = field(default_factory=dict)
    # Fields both people changed: nothing is saved until the person chooses, for each, which
    # version stands.
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    # Fields only the other person changed since this form was opened: the form now shows theirs.
    taken: dict[str, Conflict] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)

    @property
    def refused_as_stale(self) -> bool:
        return bool(self.conflicts or self.taken)


def submitted_values(
    form: Mapping[str, Any],
    stored: Mapping[str, str],
    all_fields: Mapping[str, defs.Field] | None = None,
) -> dict[str, str]:
    """The form's value for every stored field; an unticked box sends nothing, meaning no. A field
    the form never showed (the patient added a question after the page was opened) keeps what is
    stored, rather than being emptied by a form that did not know of it."""
    return {
        name: str(form.get(name, "")).strip()
        if name in form or all_fields is None or all_fields[name].control == "checkbox"
        else value
        for name, value in stored.items()
    }


KEEP_THEIRS, KEEP_YOURS = "theirs", "yours"


def resolving(form: Any, stored: Mapping[str, str]) -> list[str]:
    """The fields a conflict page asked the person to choose for."""
    named = form.getlist("resolving") if hasattr(form, "getlist") else []
    return [name for name in named if name in stored]


def save(
    discussion: Discussion,
    pack: ContentPack,
    form: Mapping[str, Any],
    based_on: int,
    author: str = "",
    *,
    attempts: int = 3,
) -> SaveResult:
    """Save the form, only if it was based on the version saved now; otherwise save nothing and
    say, field by field, what the other person changed and where both changed the same field."""
    if discussion.finalised_at is not None:
        raise RecordLocked
    all_fields = defs.by_name(discussion, pack)
    stored = {name: f.read(discussion) for name, f in all_fields.items()}
    values = submitted_values(form, stored, all_fields)
    result = SaveResult()
    for name in resolving(form, stored):
        choice = form.get(f"keep-{name}")
        if choice == KEEP_THEIRS:
            values[name] = stored[name]
        elif choice != KEEP_YOURS:
            result.errors[name] = (
                f"{all_fields[name].label}: choose which version stands, "
                "the one saved by the other person or yours."
            )
    result.errors = defs.check(all_fields, values) | result.errors
    version = based_on
    if based_on != discussion.record_version:
        compare_with_newer(discussion, stored, values, based_on, result)
        if result.refused_as_stale:
            return result
        # Every difference from the record as saved now is this person's own: nothing of anyone
        # else's is in the way, so their changes apply over the newer version.
        version = discussion.record_version
    if result.errors:
        return result
    changed = [name for name in stored if stored[name] != values[name]]
    if changed and not claim_next_version(discussion, version):
        # Another save was committed after this record was read: compare with what it saved.
        db.session.expire_all()
        if attempts <= 1:
            raise RecordBusy
        return save(discussion, pack, form, based_on, author, attempts=attempts - 1)
    for name in changed:
        db.session.add(
            RecordEdit(
                discussion_id=discussion.id,
                version=discussion.record_version,
                field=name,
                before=stored[name],
                after=values[name],
                author=author,
            )
        )
    if changed:
        defs.apply(discussion, all_fields, {name: values[name] for name in changed})
    result.changed = changed
    return result


def compare_with_newer(
    discussion: Discussion,
    stored: Mapping[str, str],
    values: Mapping[str, str],
    based_on: int,
    result: SaveResult,
) -> SaveResult:
    """Nothing is saved. Each field that differs is one that this person changed (kept in their
    form), one that only the other person changed (taken into the form), or one both changed."""
    edits = db.session.scalars(
        select(RecordEdit)
        .where(RecordEdit.discussion_id == discussion.id, RecordEdit.version > based_on)
        .order_by(RecordEdit.id)
    ).all()
    base: dict[str, str] = {}
    by: dict[str, str] = {}
    for edit in edits:
        base.setdefault(edit.field, edit.before)
        by[edit.field] = f"{edit.author or 'another member of staff'}, {edit.at:%H:%M} UTC"
    for name, yours in values.items():
        theirs = stored[name]
        if yours == theirs or name not in base:
            continue  # the same, or changed only by this person since their version
        conflict = Conflict(theirs, yours, by.get(name, "another member of staff"))
        if yours == base[name]:
            result.taken[name] = conflict
        else:
            result.conflicts[name] = conflict
    return result


def claim_next_version(discussion: Discussion, based_on: int) -> bool:
    """Count this save in the database, only if no other save came first. The check and the count
    are one statement, so two saves at once cannot both pass a check made before either wrote."""
    claimed = db.session.execute(
        update(Discussion)
        .where(
            Discussion.id == discussion.id,
            Discussion.record_version == based_on,
            Discussion.finalised_at.is_(None)
            if discussion.finalised_at is None
            else Discussion.finalised_at.is_not(None),
        )
        .values(record_version=based_on + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(discussion, "record_version", based_on + 1)
    return True


def labels(discussion: Discussion, pack: ContentPack, names: list[str]) -> str:
    """Fields as people name them, for the audit trail: never a code, never anyone's words.
    Too many to list in the trail's 200 characters, they are counted by section instead."""
    # The trail's detail column is short; each shorter form below still names what changed.
    all_fields = defs.by_name(discussion, pack)
    known = [all_fields[n] for n in names if n in all_fields]
    text = "; ".join(f.label for f in known)
    if len(text) <= AUDIT_DETAIL_LIMIT:
        return text
    sections: dict[str, int] = {}
    for definition in known:
        sections[definition.section] = sections.get(definition.section, 0) + 1
    for text in (
        "; ".join(f"{defs.SECTIONS[s]} ({n})" for s, n in sections.items()),
        f"{len(known)} entries in " + "; ".join(defs.SECTIONS[s] for s in sections),
    ):
        if len(text) <= AUDIT_DETAIL_LIMIT:
            return text
    return f"{len(known)} entries"


def open_items(discussion: Discussion, pack: ContentPack) -> list[OpenItem]:
    """What is still open in the record: each unanswered question, risk not discussed, NICE
    arrangement not done, step of the guide not seen, no decision, readiness not all "yes"."""
    values = defs.current_values(discussion, pack)
    answers = signed.answers_of_record(discussion)
    found: list[OpenItem] = []
    if not values.get("decision"):
        found.append(OpenItem("decision", "No decision recorded"))
    for f in defs.fields(discussion, pack):
        value = values[f.name]
        if f.vocabulary is defs.QUESTION_STATUS and value != "answered":
            found.append(OpenItem("question", "Question not answered", f.about, f.lang))
        elif f.section == "risks" and f.vocabulary is defs.DISCUSSED and value != "yes":
            found.append(OpenItem("risk", f"Risk not discussed: {f.about}"))
        elif defs.still_open(f, value):
            found.append(
                OpenItem("arrangement", f"NICE arrangement still open: {f.open_label or f.label}")
            )
    seen = set(answers.steps_seen)
    unseen = [step.title for step in pack.steps if step.id not in seen]
    if unseen:
        found.append(
            OpenItem("step", f"Steps of the guide the patient has not seen: {'; '.join(unseen)}")
        )
    items = [i.id for i in pack.readiness_items]
    ready = readiness.now(discussion, values, answers, items)
    if not ready.ready:
        found.append(OpenItem("readiness", ready.words()))
    return found


def digest(items: list[OpenItem]) -> str:
    """What an acknowledgement was given for: a different list needs a new acknowledgement."""
    text = "\n".join(f"{i.kind}\t{i.text}\t{i.quote}" for i in items)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class OpenItemsNotAcknowledged(Exception):
    """Sign-off with items still open needs a second, explicit acknowledgement of them."""

    def __init__(self, items: list[OpenItem]) -> None:
        super().__init__(f"{len(items)} items open")
        self.items = items


def finalise(
    discussion: Discussion,
    pack: ContentPack,
    staff: StaffMember,
    name: str,
    role: str,
    acknowledged: str = "",
) -> None:
    """Sign the record off and freeze what was signed. With items still open, only when the
    person acknowledged exactly those (`acknowledged` is their `digest`)."""
    if not may_sign_off(staff):
        raise MayNotSignOff
    if discussion.finalised_at is not None:
        raise RecordLocked
    items = open_items(discussion, pack)
    if items and acknowledged != digest(items):
        raise OpenItemsNotAcknowledged(items)
    snapshot = signed.Snapshot(
        answers=signed.answers_now(discussion),
        values=defs.stored_values(discussion, pack),
        open_items=tuple(items),
    )
    if not claim_next_version(discussion, discussion.record_version):
        raise RecordBusy
    discussion.finalised_at = utcnow()
    discussion.finalised_by = name
    discussion.finalised_role = role
    discussion.signed_snapshot = snapshot.to_json()


STALE_AMENDMENT = (
    "Someone changed this record while you were writing your amendment: nothing of yours is "
    "saved yet. Check the entry as it reads now, then amend it again."
)


def amend(
    discussion: Discussion,
    pack: ContentPack,
    staff: StaffMember,
    field_name: str,
    after: str,
    reason: str,
    based_on: int | None = None,
) -> dict[str, str]:
    """Add an amendment beside the original; the errors, keyed "after" and "reason", name the
    field they are about. An amendment written on an older version of the record is refused
    (key "version"), so a colleague's amendment made meanwhile is never silently replaced.
    NotSignedOff before sign-off."""
    if discussion.finalised_at is None:
        raise NotSignedOff
    all_fields = defs.by_name(discussion, pack)
    definition = all_fields.get(field_name)
    if definition is None:
        return {"field": "Choose what to amend."}
    if based_on is not None and based_on != discussion.record_version:
        return {"version": STALE_AMENDMENT}
    after, reason = after.strip(), reason.strip()
    errors = {}
    before = defs.current_values(discussion, pack)[field_name]
    problem = definition.check(after)
    if problem:
        errors["after"] = problem
    elif after == before:
        errors["after"] = (
            f"{definition.label}: this is what the record says already. "
            "Change it, or go back to the record."
        )
    if not reason:
        errors["reason"] = "Reason for the amendment: say why the record is being amended."
    elif problem := defs.refusal_message(
        "Reason for the amendment", free_text.check(reason, REASON_LIMIT), reason, REASON_LIMIT
    ):
        errors["reason"] = problem
    if errors:
        return errors
    if not claim_next_version(
        discussion, discussion.record_version if based_on is None else based_on
    ):
        return {"version": STALE_AMENDMENT}
    discussion.amendments.append(
        Amendment(
            staff_id=staff.id,
            author=f"{staff.name} ({staff.role})",
            field=field_name,
            before=before,
            after=after,
            reason=reason,
        )
    )
    return {}
