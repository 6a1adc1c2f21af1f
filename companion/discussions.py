"""Starting, finding and recording a discussion: every answer is written when it is given.

These add to the database session; the request that gave the answer commits it (web/transactions).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CompoundSelect, bindparam, literal_column, select, union_all

from .content import pack
from .models import (
    Discussion,
    PatientQuestion,
    Phase,
    QuestionToAsk,
    ReadinessAnswer,
    RiskConcern,
    StepVisit,
    ValueRating,
    db,
    utcnow,
)

# Read aloud over a phone or across a ward without confusion: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8
QUESTION_MAX_CHARS = 1000
VALUES_NOTE_MAX_CHARS = 2000
LEANING_REASON_MAX_CHARS = 2000
READINESS_ANSWERS = ("yes", "no")


TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def new_token() -> str:
    # 192 random bits: a patient link cannot be guessed.
    return secrets.token_urlsafe(24)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_code(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def start_discussion(
    procedure: str,
    language: str,
    *,
    link_days: int,
    started_by: str = "patient",
    patient_label: str | None = None,
    nhs_number: str | None = None,
) -> Discussion:
    while True:
        code = new_code()
        if db.session.scalar(select(Discussion.id).where(Discussion.code == code)) is None:
            break
    discussion = Discussion(
        token=new_token(),
        code=code,
        procedure=procedure,
        content_version=pack(procedure).content_version,
        language=language,
        patient_label=patient_label,
        nhs_number=nhs_number,
        started_by=started_by,
        expires_at=utcnow() + dt.timedelta(days=link_days),
    )
    db.session.add(discussion)
    db.session.flush()  # its id, for the pages that follow
    return discussion


def find_by_token(token: str) -> Discussion | None:
    # Only what new_token() makes can match; anything else (a NUL, which PostgreSQL refuses even
    # to compare) is not looked up at all.
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    return db.session.scalar(select(Discussion).where(Discussion.token == token))


def find_by_code(typed: str) -> Discussion | None:
    code = normalise_code(typed)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(select(Discussion).where(Discussion.code == code))


# The four kinds of walkthrough answer in one statement, built once: a row is (kind, id, value).
_WALKTHROUGH_ANSWERS: CompoundSelect[Any] = union_all(
    select(literal_column("'asked'"), QuestionToAsk.question_id, literal_column("''")).where(
        QuestionToAsk.discussion_id == bindparam("discussion")
    ),
    select(literal_column("'rating'"), ValueRating.statement_id, ValueRating.rating).where(
        ValueRating.discussion_id == bindparam("discussion")
    ),
    select(literal_column("'concern'"), RiskConcern.risk_id, literal_column("''")).where(
        RiskConcern.discussion_id == bindparam("discussion")
    ),
    select(literal_column("'ready'"), ReadinessAnswer.item_id, ReadinessAnswer.answer).where(
        ReadinessAnswer.discussion_id == bindparam("discussion"),
        ReadinessAnswer.phase == Phase.WALKTHROUGH,
    ),
)


@dataclass(frozen=True)
class WalkthroughAnswers:
    """Everything the patient has answered in the walkthrough, as the steps and review read it."""

    asked: frozenset[str] = frozenset()
    ratings: Mapping[str, str] = field(default_factory=dict)
    concerns: frozenset[str] = frozenset()
    readiness: Mapping[str, str] = field(default_factory=dict)
    values_note: str = ""
    new_question: str = ""
    leaning: str = ""
    leaning_reason: str = ""


def walkthrough_answers(discussion: Discussion) -> WalkthroughAnswers:
    """The patient's walkthrough answers in one query rather than one per kind of answer."""
    rows = db.session.execute(_WALKTHROUGH_ANSWERS, {"discussion": discussion.id}).all()
    by_kind: dict[str, dict[str, str]] = {"asked": {}, "rating": {}, "concern": {}, "ready": {}}
    for what, key, value in rows:
        by_kind[what][key] = value
    return WalkthroughAnswers(
        asked=frozenset(by_kind["asked"]),
        ratings=by_kind["rating"],
        concerns=frozenset(by_kind["concern"]),
        readiness=by_kind["ready"],
        values_note=discussion.values_note,
        new_question=discussion.draft_question,
        leaning=discussion.leaning,
        leaning_reason=discussion.leaning_reason,
    )


def keep_answers(
    discussion: Discussion, before: WalkthroughAnswers, after: WalkthroughAnswers
) -> None:
    """Write what changed from one set of walkthrough answers to the next."""
    for question_id in sorted(before.asked ^ after.asked):
        mark_question(discussion, question_id, question_id in after.asked)
    for statement_id, rating in after.ratings.items():
        if before.ratings.get(statement_id) != rating:
            rate_value(discussion, statement_id, rating)
    if before.concerns != after.concerns:
        set_risk_concerns(discussion, set(after.concerns))
    for item_id, answer in after.readiness.items():
        if before.readiness.get(item_id) != answer:
            answer_readiness(discussion, item_id, answer)
    for name in ("values_note", "leaning", "leaning_reason"):
        if getattr(before, name) != getattr(after, name):
            setattr(discussion, name, getattr(after, name))


def is_expired(discussion: Discussion) -> bool:
    return discussion.expires_at <= utcnow()


# The page after the last step, where the patient checks their answers and says they are done.
REVIEW_PAGE = "review"


def record_visit(discussion: Discussion, step_id: str) -> None:
    """The patient was shown this step and moved on from it: it counts as seen."""
    if not any(v.step_id == step_id for v in discussion.step_visits):
        discussion.step_visits.append(StepVisit(step_id=step_id))


def show_page(discussion: Discussion, page: str) -> None:
    """Remember the page the patient is on, so that coming back lands on it."""
    if discussion.current_page != page:
        discussion.current_page = page


# Writing patient_seen_at on every page would make every page a database write; the dashboard
# needs only "opened since the link was sent", which this keeps exact.
SEEN_EVERY = dt.timedelta(minutes=5)


def patient_opened(discussion: Discussion) -> None:
    """The patient opened a page of their guide on a device of their own."""
    now = utcnow()
    seen = discussion.patient_seen_at
    sent = discussion.link_sent_at
    if seen is None or now - seen >= SEEN_EVERY or (sent is not None and seen <= sent):
        discussion.patient_seen_at = now


def finish(discussion: Discussion) -> None:
    """The patient says they have finished: the staff dashboard shows it, with the time."""
    discussion.finished_at = utcnow()
    discussion.current_page = REVIEW_PAGE


def progress_words(discussion: Discussion, step_ids: list[str]) -> str:
    """Where the patient is, in words for the staff dashboard: the one definition of its states."""
    if discussion.finalised_at is not None:
        if discussion.changes_after_sign_off:
            # The team must hear of a change of mind after the record was signed.
            return "Signed off; changed by the patient after sign-off"
        return "Signed off"
    finished = discussion.finished_at and f"Finished {discussion.finished_at:%d %b %H:%M}"
    if discussion.handed_back_at is not None:
        when = f"{discussion.handed_back_at:%d %b %H:%M}"
        return f"{finished}, handed back {when}" if finished else f"Handed back {when}"
    if finished:
        return finished
    if discussion.current_page == REVIEW_PAGE:
        return "In progress: checking their answers"
    if discussion.current_page in step_ids:
        number = step_ids.index(discussion.current_page) + 1
        return f"In progress: step {number} of {len(step_ids)}"
    return "Not started"


def link_words(discussion: Discussion) -> str:
    """Whether the patient's link was sent, how and when, and whether they have opened their
    guide since, in words for the staff dashboard."""
    sent = discussion.link_sent_at
    if sent is None:
        return "Not sent"
    how = "text" if discussion.link_sent_how == "text" else "email"
    seen = discussion.patient_seen_at
    since = "opened since" if seen is not None and seen > sent else "not opened yet"
    return f"By {how} {sent:%d %b %H:%M} — {since}"


def mark_question(discussion: Discussion, question_id: str, wanted: bool) -> None:
    existing = next((q for q in discussion.questions_to_ask if q.question_id == question_id), None)
    if wanted and existing is None:
        discussion.questions_to_ask.append(QuestionToAsk(question_id=question_id))
    elif not wanted and existing is not None:
        discussion.questions_to_ask.remove(existing)


def rate_value(discussion: Discussion, statement_id: str, rating: str | None) -> None:
    existing = next((r for r in discussion.value_ratings if r.statement_id == statement_id), None)
    if rating is None:
        if existing is not None:
            discussion.value_ratings.remove(existing)
    elif existing is None:
        discussion.value_ratings.append(ValueRating(statement_id=statement_id, rating=rating))
    else:
        existing.rating = rating


def set_risk_concerns(discussion: Discussion, risk_ids: set[str]) -> None:
    for concern in list(discussion.risk_concerns):
        if concern.risk_id not in risk_ids:
            discussion.risk_concerns.remove(concern)
    held = {c.risk_id for c in discussion.risk_concerns}
    for risk_id in sorted(risk_ids - held):
        discussion.risk_concerns.append(RiskConcern(risk_id=risk_id))


def answer_readiness(
    discussion: Discussion, item_id: str, answer: str | None, phase: str = Phase.WALKTHROUGH
) -> None:
    existing = next(
        (a for a in discussion.readiness_answers if a.item_id == item_id and a.phase == phase), None
    )
    if answer is None:
        if existing is not None:
            discussion.readiness_answers.remove(existing)
    elif existing is None:
        discussion.readiness_answers.append(
            ReadinessAnswer(item_id=item_id, answer=answer, phase=phase)
        )
    else:
        existing.answer = answer


def add_question(discussion: Discussion, text: str, language: str) -> PatientQuestion:
    question = PatientQuestion(text=text, language=language)
    discussion.patient_questions.append(question)
    discussion.draft_question = ""
    return question


def patient_question(discussion: Discussion, question_id: int) -> PatientQuestion | None:
    return next((q for q in discussion.patient_questions if q.id == question_id), None)


def readiness_score(
    discussion: Discussion, item_ids: tuple[str, ...], phase: str = Phase.WALKTHROUGH
) -> int | None:
    """SURE score (yes = 1), or None until every item is answered."""
    answers = {a.item_id: a.answer for a in discussion.readiness_answers if a.phase == phase}
    return score_of(answers, item_ids)


def score_of(answers: dict[str, str], item_ids: tuple[str, ...]) -> int | None:
    """SURE score of answers already loaded (item id -> "yes"/"no"), or None until all given."""
    if any(item_id not in answers for item_id in item_ids):
        return None
    return sum(answers[item_id] == "yes" for item_id in item_ids)
