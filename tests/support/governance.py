"""Discussions in several months and states, made through the app's own record code, for the
governance view's tests: what each month should count is written beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Flask

from companion import content, discussions
from companion.models import ChangeAfterSignOff, Discussion, StaffMember, db
from companion.record import entries
from companion.staff.accounts import find_staff

# Words that must never reach the governance view: each is typed into a record below.
PRIVATE = ("GV-LABEL", "Quintessa's own question", "Reason Zephyrine", "9434765919")


@dataclass(frozen=True)
class Made:
    month: str
    decision: str = ""
    interpreter: str = ""
    signed: bool = True
    finished: bool = True
    language: str = "en"
    amend_decision_to: str = ""
    changed_after: bool = False


# January: 7 started, 6 signed off (5 a planned pump, 1 not to have PCI), 1 a draft.
# February: 5 started in Polish, 3 signed off (a family member interpreted), 2 drafts.
# March: none. April: 5 started, all signed off with a professional interpreter by phone, one
# decision amended, one changed by the patient after sign-off.
MADE = (
    *(Made("2026-01", "planned-pump", "none-needed") for _ in range(5)),
    Made("2026-01", "no-pci", "none-needed"),
    Made("2026-01", signed=False, finished=False),
    *(Made("2026-02", "planned-pump", "family", language="pl") for _ in range(3)),
    *(Made("2026-02", signed=False, language="pl") for _ in range(2)),
    Made("2026-04", "planned-pump", "phone", amend_decision_to="more-time"),
    Made("2026-04", "planned-pump", "phone", changed_after=True),
    *(Made("2026-04", "balloon-pump", "phone") for _ in range(3)),
)


def make_discussions(app: Flask, signer_email: str) -> None:
    """Every discussion in MADE, signed off by this clinician where it says so."""
    with app.app_context():
        signer = find_staff(signer_email)
        assert signer is not None
        for number, made in enumerate(MADE):
            make_one(made, signer, number)
        db.session.commit()


def make_one(made: Made, signer: StaffMember, number: int) -> None:
    started = dt.datetime.fromisoformat(f"{made.month}-03T10:00") + dt.timedelta(hours=number)
    discussion = discussions.start_discussion(
        "htg492",
        made.language,
        link_days=30,
        started_by="staff",
        patient_label=f"{PRIVATE[0]}-{number}",
        nhs_number=PRIVATE[3],
    )
    discussions.add_question(discussion, PRIVATE[1], made.language)
    discussion.created_at = started
    if made.finished:
        discussion.finished_at = started + dt.timedelta(hours=1)
    if not made.signed:
        return
    pack = content.pack_shown(discussion.procedure, discussion.content_version)
    form = {"decision": made.decision, "interpreter": made.interpreter}
    assert not entries.save(discussion, pack, form, discussion.record_version).errors
    items = entries.open_items(discussion, pack)
    entries.finalise(discussion, pack, signer, signer.name, signer.role, entries.digest(items))
    discussion.finalised_at = started + dt.timedelta(days=2)
    if made.amend_decision_to:
        errors = entries.amend(
            discussion, pack, signer, "decision", made.amend_decision_to, PRIVATE[2]
        )
        assert not errors, errors
    if made.changed_after:
        discussion.changes_after_sign_off.append(
            ChangeAfterSignOff(kind="leaning", item="", before="", after="no-pci")
        )
    db.session.flush()
    assert isinstance(discussion, Discussion)
