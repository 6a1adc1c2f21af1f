"""The consent-discussion record: what staff recorded, saved safely, signed off and amended.

Two people may have the same record open. Every save carries the record version it was based on;
a save based on an older version is not applied: the second person is shown both versions.
After sign-off nothing is overwritten: a change is an amendment kept beside the original, and
every output shows the value in force (`fields.current_values`) with the amendment beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ..content import ContentPack
from ..discussions import has_forbidden_characters
from ..models import Amendment, AuditEvent, Discussion, StaffMember, db, utcnow
from ..web import free_text
from . import fields as defs
from .fields import TEXT_LIMIT

# The reason for an amendment is kept in full, like any other text of the record.
REASON_LIMIT = TEXT_LIMIT
AUDIT_DETAIL_LIMIT = defs.column_limit(AuditEvent.detail)


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


def submitted_values(form: Mapping[str, Any], stored: Mapping[str, str]) -> dict[str, str]:
    """The form's value for every stored field; an unticked box sends nothing, meaning no."""
    return {name: str(form.get(name, "")).strip() for name in stored}


def save(
    discussion: Discussion, pack: ContentPack, form: Mapping[str, Any], based_on: int
) -> SaveResult:
    if discussion.finalised_at is not None:
        raise RecordLocked
    all_fields = defs.by_name(discussion, pack)
    stored = {name: f.read(discussion) for name, f in all_fields.items()}
    values = submitted_values(form, stored)
    result = SaveResult(errors=defs.check(all_fields, values))
    if based_on != discussion.record_version:
        result.conflicts = {
            name: (stored[name], values[name]) for name in stored if stored[name] != values[name]
        }
        return result
    if result.errors:
        return result
    changed = [name for name in stored if stored[name] != values[name]]
    if changed and not claim_next_version(discussion, based_on):
        # Another save was committed after this record was read: show what it saved instead.
        db.session.expire_all()
        stored = {name: f.read(discussion) for name, f in all_fields.items()}
        result.conflicts = {
            name: (stored[name], values[name]) for name in stored if stored[name] != values[name]
        }
        return result
    if changed:
        defs.apply(discussion, all_fields, {name: values[name] for name in changed})
    result.changed = changed
    return result


def claim_next_version(discussion: Discussion, based_on: int) -> bool:
    """Count this save in the database, only if no other save came first. The check and the count
    are one statement, so two saves at once cannot both pass a check made before either wrote."""
    claimed = db.session.execute(
        update(Discussion)
        .where(Discussion.id == discussion.id, Discussion.record_version == based_on)
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


def finalise(discussion: Discussion, staff: StaffMember, name: str, role: str) -> None:
    if not may_sign_off(staff):
        raise MayNotSignOff
    if discussion.finalised_at is not None:
        raise RecordLocked
    discussion.finalised_at = utcnow()
    discussion.finalised_by = name
    discussion.finalised_role = role


def amend(
    discussion: Discussion,
    pack: ContentPack,
    staff: StaffMember,
    field_name: str,
    after: str,
    reason: str,
) -> dict[str, str]:
    """Add an amendment beside the original; the errors, keyed "after" and "reason", name the
    field they are about. NotSignedOff before sign-off."""
    if discussion.finalised_at is None:
        raise NotSignedOff
    all_fields = defs.by_name(discussion, pack)
    definition = all_fields.get(field_name)
    if definition is None:
        return {"field": "Choose what to amend."}
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
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = (
            f"Reason for the amendment: this is {len(reason):,} characters long; "
            f"keep it to {REASON_LIMIT:,} or fewer."
        )
    elif has_forbidden_characters(reason):
        errors["reason"] = (
            "Reason for the amendment: this contains control characters that cannot be saved; "
            "remove them."
        )
    elif problem := free_text.STAFF_MESSAGES.get(free_text.problem(reason)):
        errors["reason"] = f"Reason for the amendment: {problem[0].lower()}{problem[1:]}"
    if errors:
        return errors
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
