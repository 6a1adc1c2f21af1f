"""One commit per request, and the record's rules in the domain.

A request's changes are written together when it ends in an answer, and not at all when it ends
in a server error: no answer half saved, no audit entry for an action that did not happen. Only
the request boundary and the `flask` commands commit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from companion import content
from companion.models import AuditEvent, Discussion, StaffMember, db
from companion.patient import pages as patient_pages
from companion.record import entries
from tests.support.database import make_app
from tests.support.staff import (
    CLINICIAN,
    NURSE,
    add_staff_with_authenticator,
    sign_in,
    start_discussion,
)
from tests.support.walkthrough import PatientLink

PACKAGE = Path(__file__).resolve().parents[1] / "companion"


def test_a_request_that_fails_half_way_keeps_nothing_of_it(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(database, PROPAGATE_EXCEPTIONS=False)
    patient = app.test_client()
    link = PatientLink.from_url(patient.post("/en/start", data={"language": "en"}).location)
    values = link.step(type="values")

    def fail_after_saving(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the page could not be drawn")

    # The answers are taken in, then the page that follows fails.
    monkeypatch.setattr(patient_pages, "redirect", fail_after_saving)
    failed = patient.post(values, data={"values_note": "Home by Friday", "concern": "bleeding"})
    assert failed.status_code == 500
    with app.app_context():
        discussion = db.session.scalars(select(Discussion)).one()
        assert discussion.values_note == "" and not discussion.risk_concerns

    monkeypatch.undo()
    saved = patient.post(values, data={"values_note": "Home by Friday", "concern": "bleeding"})
    assert saved.status_code == 302
    with app.app_context():
        discussion = db.session.scalars(select(Discussion)).one()
        assert discussion.values_note == "Home by Friday"
        assert [c.risk_id for c in discussion.risk_concerns] == ["bleeding"]


def test_an_action_that_fails_leaves_no_audit_entry_saying_it_happened(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(database, PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        add_staff_with_authenticator(CLINICIAN[0], "clinician", CLINICIAN[1], "Dr Ada Clinician")
    client = app.test_client()
    sign_in(client, *CLINICIAN)
    discussion_id = start_discussion(client, "en")

    def broken_export(*args: object) -> str:
        raise RuntimeError("export failed")

    monkeypatch.setattr("companion.record.export.export", broken_export)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert client.get(f"/staff/discussions/{discussion_id}/export.json").status_code == 500
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
        assert len(actions) == before and "export" not in actions


def test_refused_answers_are_kept_with_the_valid_ones(app: Flask) -> None:
    patient = app.test_client()
    link = PatientLink.from_url(patient.post("/en/start", data={"language": "en"}).location)
    refused = patient.post(
        link.step(type="values"), data={"values_note": "x" * 5000, "rating-family": "a-lot"}
    )
    assert refused.status_code == 400
    with app.app_context():
        discussion = db.session.scalars(select(Discussion)).one()
        assert {r.statement_id: r.rating for r in discussion.value_ratings} == {"family": "a-lot"}


def test_only_clinicians_and_admins_sign_off_and_amendments_come_after(database: str) -> None:
    app = make_app(database)
    with app.app_context():
        add_staff_with_authenticator(NURSE[0], "nurse", NURSE[1], "Sam Nurse")
        add_staff_with_authenticator(CLINICIAN[0], "clinician", CLINICIAN[1], "Dr Ada Clinician")
    client = app.test_client()
    sign_in(client, *NURSE)
    discussion_id = start_discussion(client, "en")
    with app.app_context():
        nurse, doctor = (
            db.session.scalars(select(StaffMember).where(StaffMember.email == who[0])).one()
            for who in (NURSE, CLINICIAN)
        )
        assert not entries.may_sign_off(nurse) and entries.may_sign_off(doctor)
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        pack = content.pack(discussion.procedure)
        with pytest.raises(entries.NotSignedOff):
            entries.amend(discussion, pack, doctor, "next_steps", "Tuesday", "Theatre moved")
        with pytest.raises(entries.MayNotSignOff):
            entries.finalise(discussion, pack, nurse, nurse.name, nurse.role)
        with pytest.raises(entries.OpenItemsNotAcknowledged) as refused:
            entries.finalise(discussion, pack, doctor, doctor.name, doctor.role)
        everything_open = entries.digest(refused.value.items)
        entries.finalise(discussion, pack, doctor, doctor.name, doctor.role, everything_open)
        assert entries.amend(discussion, pack, doctor, "next_steps", "Tuesday", "Moved") == {}
        assert [a.after for a in discussion.amendments] == ["Tuesday"]


def commits_outside_the_request_boundary() -> list[str]:
    """Every `….session.commit()` in the package that is neither the request boundary nor the
    end of a `flask` command (a function under a click command decorator)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "transactions.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        commands: set[ast.AST] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                "command" in ast.unparse(d) for d in node.decorator_list
            ):
                commands.update(ast.walk(node))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func).endswith("session.commit")
                and node not in commands
            ):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def test_only_the_request_and_the_commands_commit() -> None:
    assert commits_outside_the_request_boundary() == []
