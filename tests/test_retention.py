"""Retention: old discussions purged on command, the purge audited; one record exported as data."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from companion import discussions
from companion.models import AuditEvent, Discussion, PatientQuestion, db, utcnow
from tests.support.database import make_app
from tests.support.staff import signed_in_with_discussion


def test_purge_removes_only_discussions_past_the_retention_period(database: str) -> None:
    app = make_app(database, RETENTION_DAYS=30)
    with app.app_context():
        old, recent = (discussions.start_discussion("htg492", "en", link_days=5) for _ in range(2))
        old.created_at = utcnow() - dt.timedelta(days=31)
        discussions.add_question(old, "an old question", "en")
        discussions.add_question(recent, "a recent question", "en")
        db.session.commit()
        recent_id = recent.id
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "Purged 1 discussions" in result.output
    with app.app_context():
        assert [d.id for d in db.session.scalars(select(Discussion))] == [recent_id]
        assert [q.text for q in db.session.scalars(select(PatientQuestion))] == [
            "a recent question"
        ]
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purge")).one()
        assert (
            event.detail.startswith("1 discussions started before")
            and "question" not in event.detail
        )
    again = app.test_cli_runner().invoke(args=["purge", "--days", "1"])
    assert "Purged 0 discussions" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Discussion.id))) == 1
    assert app.test_cli_runner().invoke(args=["purge", "--days", "0"]).exit_code != 0


def test_one_discussion_exports_as_json_for_the_patient_record(database: str) -> None:
    app, client, discussion_id = signed_in_with_discussion(database, "ur", "EX 1")
    with app.app_context():
        discussion = db.session.get(Discussion, int(discussion_id))
        assert discussion is not None
        discussions.add_question(discussion, "کیا درد ہوگا؟", "ur")
        db.session.commit()
    assert (
        app.test_client().get(f"/staff/discussions/{discussion_id}/export.json").status_code == 302
    )
    response = client.get(f"/staff/discussions/{discussion_id}/export.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].endswith('.json"')
    data = json.loads(response.get_data(as_text=True))
    assert data["$schema"].startswith("urn:heart-pump-decision-guide:discussion-record-export:")
    assert data["record"]["patient_label"] == "EX 1"
    assert data["patient"]["own_questions"] == [{"text": "کیا درد ہوگا؟", "language": "ur"}]
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
