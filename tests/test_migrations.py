"""The Alembic migrations, on SQLite and PostgreSQL: a database holding patients' answers upgrades
without losing them, every step goes down and up again, and the models match the migrations."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from companion.models import db
from tests.support.database import ROOT

MIGRATIONS = str(ROOT / "migrations")


def unmigrated_app(database: str) -> Flask:
    return create_app(
        {"TESTING": True, "SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": database}
    )


def test_answers_given_before_an_upgrade_are_still_there_after_it(database: str) -> None:
    app = unmigrated_app(database)
    now = dt.datetime(2026, 11, 1, 9, 30)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0001")
        db.session.execute(
            text(
                "INSERT INTO discussion (id, token, code, procedure, language, started_by,"
                " created_at, updated_at, expires_at, values_note, draft_question) VALUES"
                " (1, 'tok', 'ACDE3467', 'htg492', 'ur', 'patient', :now, :now, :later,"
                " 'میرا خاندان', '')"
            ),
            {"now": now, "later": now + dt.timedelta(days=30)},
        )
        db.session.execute(
            text(
                "INSERT INTO patient_question (id, discussion_id, text, language, created_at,"
                " updated_at) VALUES (1, 1, 'کیا درد ہوگا؟', 'ur', :now, :now)"
            ),
            {"now": now},
        )
        db.session.commit()

        upgrade(directory=MIGRATIONS)
        row = db.session.execute(
            text("SELECT values_note, record_version FROM discussion WHERE id = 1")
        ).one()
        assert row == ("میرا خاندان", 0)
        # Before 0004 only version 1.0.0 was published: that is what this patient was shown.
        shown = db.session.execute(
            text("SELECT content_version, leaning, leaning_reason FROM discussion WHERE id = 1")
        ).one()
        assert tuple(shown) == ("1.0.0", "", "")
        question = db.session.execute(
            text("SELECT text, status FROM patient_question WHERE id = 1")
        ).one()
        assert question[0] == "کیا درد ہوگا؟" and question[1]
        db.session.remove()
        db.engine.dispose()


def test_every_migration_goes_down_and_up_again(database: str) -> None:
    app = unmigrated_app(database)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        downgrade(directory=MIGRATIONS, revision="base")
        upgrade(directory=MIGRATIONS)
        db.session.remove()
        db.engine.dispose()


def test_the_models_and_the_migrations_describe_the_same_tables(database: str) -> None:
    app = unmigrated_app(database)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert differences == [], "a model changed without a migration: flask db migrate"


def test_a_decision_recorded_before_options_keeps_its_meaning(database: str) -> None:
    """ "go-ahead" was recorded before the decision named the option: after the upgrade it still
    reads as a decision to go ahead, with the option not recorded, on every copy."""
    app = unmigrated_app(database)
    now = dt.datetime(2026, 11, 20, 9, 30)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0006")
        db.session.execute(
            text(
                "INSERT INTO discussion (id, token, code, procedure, language, started_by,"
                " created_at, updated_at, expires_at, values_note, draft_question,"
                " current_page, content_version, leaning, leaning_reason, record_version,"
                " interpreter, interpreter_language, interpreter_id, supporter_present,"
                " supporter_relationship, teach_back_pump, teach_back_risks, teach_back_say_no,"
                " teach_back_rating, decision, next_steps, written_information_given,"
                " mdt_selected, bcis_database, governance_informed, finalised_by,"
                " finalised_role) VALUES (1, 'tok', 'ACDE3467', 'htg492', 'en', 'staff', :now,"
                " :now, :later, '', '', '', '2.0.0', '', '', 3, '', '', '', '', '', '', '', '',"
                " '', 'go-ahead', 'List for Tuesday', false, false, false, false, '', '')"
            ),
            {"now": now, "later": now + dt.timedelta(days=30)},
        )
        db.session.commit()
        upgrade(directory=MIGRATIONS)
        from companion.content import pack_shown
        from companion.models import Discussion
        from companion.record import fields
        from companion.record.summary import build

        discussion = db.session.get(Discussion, 1)
        assert discussion is not None and discussion.emergency_support == ""
        pack = pack_shown("htg492", "2.0.0")
        with app.test_request_context("/"):
            copy = build(discussion, pack, "clinician")
        assert copy.entries["decision"].value == "Wants to go ahead (option not recorded)"
        decision = fields.by_name(discussion, pack)["decision"]
        offered = [
            v for v, _label, _a in fields.vocabulary_options(decision.vocabulary, "go-ahead")
        ]
        assert "go-ahead" in offered, "still shown where it is the value, so it is not lost"
        db.session.remove()
        db.engine.dispose()


def test_a_discussion_from_before_links_were_sent_reads_as_never_sent(database: str) -> None:
    """0009 adds when the link was sent (and how) and when the patient last opened the guide:
    a discussion already there reads "Not sent" on the dashboard, and keeps its answers."""
    app = unmigrated_app(database)
    now = dt.datetime(2026, 12, 1, 9, 30)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0008")
        db.session.execute(
            text(
                "INSERT INTO discussion (id, token, code, procedure, language, started_by,"
                " created_at, updated_at, expires_at, values_note, draft_question,"
                " current_page, content_version, leaning, leaning_reason, record_version,"
                " interpreter, interpreter_language, interpreter_id, supporter_present,"
                " supporter_relationship, teach_back_pump, teach_back_risks, teach_back_say_no,"
                " teach_back_rating, decision, next_steps, written_information_given,"
                " mdt_selected, bcis_database, governance_informed, finalised_by,"
                " finalised_role) VALUES (1, 'tok', 'ACDE3467', 'htg492', 'ur', 'staff', :now,"
                " :now, :later, 'میرا خاندان', '', 'review', '2.1.0', '', '', 0, '', '', '',"
                " '', '', '', '', '', '', '', '', false, false, false, false, '', '')"
            ),
            {"now": now, "later": now + dt.timedelta(days=30)},
        )
        db.session.commit()
        upgrade(directory=MIGRATIONS)
        row = db.session.execute(
            text(
                "SELECT link_sent_at, link_sent_how, patient_seen_at, values_note"
                " FROM discussion WHERE id = 1"
            )
        ).one()
        assert tuple(row) == (None, "", None, "میرا خاندان")
        from companion.discussions import link_words
        from companion.models import Discussion

        discussion = db.session.get(Discussion, 1)
        assert discussion is not None and link_words(discussion) == "Not sent"
        db.session.remove()
        db.engine.dispose()
