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
