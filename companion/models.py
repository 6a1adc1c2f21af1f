"""The stored record of a discussion: what the patient marked, wrote and answered."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from flask import current_app
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, MetaData, String, Text, UniqueConstraint, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    # Named constraints so that Alembic batch migrations work on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)


class Discussion(Base):
    """One patient's decision about one procedure: walkthrough answers and, later, the record."""

    __tablename__ = "discussion"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    procedure: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    patient_label: Mapped[str | None] = mapped_column(String(64))
    # The patient's NHS number, ten digits with a valid check digit (companion/nhs_number.py), when
    # staff gave one: shown on the clinician's copy and in the FHIR document, never to patients.
    nhs_number: Mapped[str | None] = mapped_column(String(10))
    started_by: Mapped[str] = mapped_column(String(16), default="patient")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    expires_at: Mapped[dt.datetime]
    # What else matters to the patient, and a question being typed but not yet added: both are kept
    # so that closing the tablet mid-sentence loses nothing.
    values_note: Mapped[str] = mapped_column(Text, default="")
    draft_question: Mapped[str] = mapped_column(Text, default="")
    # Where the patient is: the page they were last shown (a step's id, or "review"), so that
    # coming back lands there; when they said they had finished; when a tablet handed to them was
    # given back. Together these are the discussion's state on the staff dashboard.
    current_page: Mapped[str] = mapped_column(String(64), default="", server_default="")
    finished_at: Mapped[dt.datetime | None]
    handed_back_at: Mapped[dt.datetime | None]
    # When the patient last opened their guide on a device of their own (not a tablet handed to
    # them), to within a few minutes; and when staff last sent them their link through GOV.UK
    # Notify, and how ("text" or "email"). Never to whom: the number or address is used for that
    # one message and kept nowhere.
    patient_seen_at: Mapped[dt.datetime | None]
    link_sent_at: Mapped[dt.datetime | None]
    link_sent_how: Mapped[str] = mapped_column(String(8), default="", server_default="")
    # The content version the patient was shown: the walkthrough and the record show its text,
    # even after a newer version is published.
    content_version: Mapped[str] = mapped_column(String(16))
    # The option the patient leans towards (an option id of the pack, or "not-sure"), and why.
    leaning: Mapped[str] = mapped_column(String(64), default="")
    leaning_reason: Mapped[str] = mapped_column(Text, default="")

    # The consent-discussion record, written by staff. record_version counts saves so that two
    # people editing at once are told instead of one silently overwriting the other.
    record_version: Mapped[int] = mapped_column(default=0)
    interpreter: Mapped[str] = mapped_column(String(32), default="")
    interpreter_language: Mapped[str] = mapped_column(String(64), default="")
    interpreter_id: Mapped[str] = mapped_column(String(64), default="")
    supporter_present: Mapped[str] = mapped_column(String(8), default="")
    supporter_relationship: Mapped[str] = mapped_column(String(64), default="")
    teach_back_pump: Mapped[str] = mapped_column(Text, default="")
    teach_back_risks: Mapped[str] = mapped_column(Text, default="")
    teach_back_say_no: Mapped[str] = mapped_column(Text, default="")
    teach_back_rating: Mapped[str] = mapped_column(String(16), default="")
    decision: Mapped[str] = mapped_column(String(32), default="")
    # What the patient wants if the heart struggles during a PCI with no planned support device.
    emergency_support: Mapped[str] = mapped_column(String(32), default="", server_default="")
    emergency_support_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    written_information_given: Mapped[bool] = mapped_column(default=False)
    mdt_selected: Mapped[bool] = mapped_column(default=False)
    bcis_database: Mapped[bool] = mapped_column(default=False)
    governance_informed: Mapped[bool] = mapped_column(default=False)
    # An adverse event or device problem reported to the MHRA (Yellow Card), and its reference.
    yellow_card: Mapped[str] = mapped_column(String(16), default="", server_default="")
    yellow_card_reference: Mapped[str] = mapped_column(String(64), default="", server_default="")
    finalised_at: Mapped[dt.datetime | None]
    finalised_by: Mapped[str] = mapped_column(String(120), default="")
    finalised_role: Mapped[str] = mapped_column(String(32), default="")
    # What was signed, frozen at sign-off (JSON, see record/signed.py): every copy of a signed
    # record shows this, whatever the patient changes afterwards.
    signed_snapshot: Mapped[str | None] = mapped_column(Text)

    step_visits: Mapped[list[StepVisit]] = relationship(cascade="all, delete-orphan")
    record_items: Mapped[list[RecordItem]] = relationship(cascade="all, delete-orphan")
    amendments: Mapped[list[Amendment]] = relationship(
        cascade="all, delete-orphan", order_by="Amendment.id"
    )
    changes_after_sign_off: Mapped[list[ChangeAfterSignOff]] = relationship(
        cascade="all, delete-orphan", order_by="ChangeAfterSignOff.id"
    )
    questions_to_ask: Mapped[list[QuestionToAsk]] = relationship(cascade="all, delete-orphan")
    patient_questions: Mapped[list[PatientQuestion]] = relationship(
        cascade="all, delete-orphan", order_by="PatientQuestion.id"
    )
    value_ratings: Mapped[list[ValueRating]] = relationship(cascade="all, delete-orphan")
    risk_concerns: Mapped[list[RiskConcern]] = relationship(cascade="all, delete-orphan")
    readiness_answers: Mapped[list[ReadinessAnswer]] = relationship(cascade="all, delete-orphan")


class StepVisit(Base):
    """A walkthrough step the patient was shown and moved on from (continued, or stopped for later):
    the record shows what information was given, and a page merely opened does not count."""

    __tablename__ = "step_visit"
    __table_args__ = (UniqueConstraint("discussion_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussion.id", ondelete="CASCADE"))
    step_id: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class QuestionToAsk(Base):
    """One of the pack's questions to think about that the patient wants to ask."""

    __tablename__ = "question_to_ask"
    __table_args__ = (UniqueConstraint("discussion_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussion.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    marked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(24), default="not-discussed")


class PatientQuestion(Base):
    """A question in the patient's own words and language, with staff's gloss and answer."""

    __tablename__ = "patient_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussion.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    gloss: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(24), default="not-discussed")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ValueRating(Base):
    """How much a values statement matters to the patient."""

    __tablename__ = "value_rating"
    __table_args__ = (UniqueConstraint("discussion_id", "statement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussion.id", ondelete="CASCADE"))
    statement_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[str] = mapped_column(String(16))


class RiskConcern(Base):
    """A risk the patient says matters most to them."""

    __tablename__ = "risk_concern"
    __table_args__ = (UniqueConstraint("discussion_id", "risk_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussion.id", ondelete="CASCADE"))
    risk_id: Mapped[str] = mapped_column(String(64))


class Phase(StrEnum):
    """Where a set of readiness (SURE) answers was given: by the patient in the guide, or as
    staff recorded them before and after the discussion."""

    WALKTHROUGH = "walkthrough"
    BEFORE = "before"
    AFTER = "after"


class ReadinessAnswer(Base):
    """An answer to one readiness (SURE) item; "phase" tells the walkthrough from later checks."""

    __tablename__ = "readiness_answer"
    __table_args__ = (UniqueConstraint("discussion_id", "phase", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussion.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(16), default=Phase.WALKTHROUGH.value)
    item_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(8))
    # When this answer was last given: the record shows the latest readiness, never an older one.
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # WAL lets tablets read while another saves; the busy timeout makes a writer wait for the lock
    # instead of failing with "database is locked".
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


class RecordItem(Base):
    """A risk, benefit or option of the pack as discussed: whether, and any figure given."""

    __tablename__ = "record_item"
    __table_args__ = (UniqueConstraint("discussion_id", "kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussion.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[str] = mapped_column(String(64))
    discussed: Mapped[bool] = mapped_column(default=False)
    figure: Mapped[int | None]
    figure_source: Mapped[str] = mapped_column(String(200), default="")


class Amendment(Base):
    """A change after sign-off, kept beside the original: who, when, why, before and after."""

    __tablename__ = "amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussion.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    author: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    field: Mapped[str] = mapped_column(String(64))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class RecordEdit(Base):
    """One field of the record as one save changed it, before sign-off: what it was based on lets
    a later save that started from an older version tell its own changes from a colleague's."""

    __tablename__ = "record_edit"

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(
        ForeignKey("discussion.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    field: Mapped[str] = mapped_column(String(64))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChangeAfterSignOff(Base):
    """Something the patient changed in the guide after the record was signed off: kept beside
    the signed record, never in it, so the team is told and the signature stays true."""

    __tablename__ = "change_after_sign_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussion.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # What changed: "leaning", "leaning_reason", "asked", "own_question", "rating", "concern",
    # "values_note" or "readiness"; item names which one (a question, statement or risk id).
    kind: Mapped[str] = mapped_column(String(32))
    item: Mapped[str] = mapped_column(String(64), default="")
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16), default="")


class Sealed(TypeDecorator[str]):
    """Text kept encrypted in the database and plain in Python, with the key the app was given
    (the sealer that companion/staff/sealing.py registers)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(current_app.extensions["companion.sealer"].seal(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(current_app.extensions["companion.sealer"].unseal(value))


class Role(StrEnum):
    """What a member of staff may do: a clinician or an admin signs a record off; an admin also
    reads the audit trail. Stored as its value, so a role compares equal to its name."""

    NURSE = "nurse"
    CLINICIAN = "clinician"
    ADMIN = "admin"


class StaffMember(Base):
    """A nurse, clinician or admin who signs in to run discussions."""

    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The shared key of the authenticator app (base32), set once the person has proved a code.
    # Stored sealed (companion/staff/sealing.py): a copy of the database does not give it away.
    totp_secret: Mapped[str | None] = mapped_column(Sealed(255))
    # The last 30-second step whose code was accepted: a code is good once (RFC 6238, 5.2).
    totp_last_step: Mapped[int | None]

    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        cascade="all, delete-orphan", order_by="RecoveryCode.id"
    )


class RecoveryCode(Base):
    """A one-time code for signing in without the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_member.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[dt.datetime | None]


class StaffSession(Base):
    """A signed-in browser. Signing out or timing out ends it here, not only in the cookie."""

    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]

    staff: Mapped[StaffMember] = relationship()


class AuditEvent(Base):
    """Who did what to which discussion, and when. Never any patient free text."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    action: Mapped[str] = mapped_column(String(32))
    discussion_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion.id", ondelete="SET NULL")
    )
    detail: Mapped[str] = mapped_column(String(200), default="")
