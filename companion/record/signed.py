"""What a signed record holds, frozen, and what the patient changed after it was signed.

A clinician signs what the record shows at that moment: the patient's answers in the guide, what
staff recorded, and what was still open. All of it is kept as it was (`Snapshot`), so every copy,
PDF and export of a signed record shows exactly what was signed. The patient may still change
their mind afterwards; each change is kept beside the signed record as a `ChangeAfterSignOff`
with its time, never in it, and the team is told.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from ..models import ChangeAfterSignOff, Discussion, Phase, utcnow


@dataclass(frozen=True)
class OwnQuestion:
    """A question in the patient's own words, with the id the record's fields are named by."""

    id: int | None
    text: str
    language: str


@dataclass(frozen=True)
class PatientAnswers:
    """Everything the patient gave in the guide, as plain data."""

    asked: tuple[str, ...] = ()
    own_questions: tuple[OwnQuestion, ...] = ()
    ratings: Mapping[str, str] = field(default_factory=dict)
    concerns: tuple[str, ...] = ()
    readiness: Mapping[str, str] = field(default_factory=dict)
    # When the latest readiness answer in the guide was given (ISO 8601, UTC), or "".
    readiness_at: str = ""
    values_note: str = ""
    leaning: str = ""
    leaning_reason: str = ""
    steps_seen: tuple[str, ...] = ()
    language: str = "en"


def answers_now(discussion: Discussion) -> PatientAnswers:
    """The patient's answers as they stand in the database now."""
    in_guide = [a for a in discussion.readiness_answers if a.phase == Phase.WALKTHROUGH]
    latest = max((a.answered_at for a in in_guide if a.answered_at), default=None)
    return PatientAnswers(
        asked=tuple(m.question_id for m in discussion.questions_to_ask),
        own_questions=tuple(
            OwnQuestion(q.id, q.text, q.language) for q in discussion.patient_questions
        ),
        ratings={r.statement_id: r.rating for r in discussion.value_ratings},
        concerns=tuple(sorted(c.risk_id for c in discussion.risk_concerns)),
        readiness={a.item_id: a.answer for a in in_guide},
        readiness_at=latest.isoformat() if latest else "",
        values_note=discussion.values_note or "",
        leaning=discussion.leaning or "",
        leaning_reason=discussion.leaning_reason or "",
        steps_seen=tuple(v.step_id for v in discussion.step_visits),
        language=discussion.language,
    )


# Each kind of open item, as staff name it where records are counted (the governance view).
OPEN_ITEM_KINDS = {
    "decision": "No decision recorded",
    "question": "A question not answered",
    "risk": "A risk not discussed",
    "arrangement": "A NICE arrangement still open",
    "step": "Steps of the guide not seen",
    "readiness": "Readiness not all yes",
}


@dataclass(frozen=True)
class OpenItem:
    """Something still open when the record was signed: its kind, what it is in English, and
    any words of the patient's it quotes (a question of theirs), with their language."""

    kind: str
    text: str
    quote: str = ""
    lang: str = ""


@dataclass(frozen=True)
class Snapshot:
    """What was signed: the patient's answers, every field of the record as stored, and what was
    still open, acknowledged by the person who signed."""

    answers: PatientAnswers
    values: Mapping[str, str]
    open_items: tuple[OpenItem, ...] = ()

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        data = json.loads(text)
        answers = dict(data["answers"])
        answers["own_questions"] = tuple(OwnQuestion(**q) for q in answers["own_questions"])
        for name in ("asked", "concerns", "steps_seen"):
            answers[name] = tuple(answers[name])
        return cls(
            answers=PatientAnswers(**answers),
            values=data["values"],
            open_items=tuple(OpenItem(**item) for item in data.get("open_items", [])),
        )


def snapshot_of(discussion: Discussion) -> Snapshot | None:
    """What was signed, or None for a draft (and for a record signed before snapshots were kept,
    until the patient's first change freezes it)."""
    if discussion.finalised_at is None or not discussion.signed_snapshot:
        return None
    return _parsed(discussion.signed_snapshot)


@lru_cache(maxsize=64)
def _parsed(text: str) -> Snapshot:
    # A page reads the snapshot for every field it shows; parse each signed record once.
    return Snapshot.from_json(text)


def answers_of_record(discussion: Discussion) -> PatientAnswers:
    """The patient's answers as the record shows them: as signed, or as they stand in a draft."""
    snapshot = snapshot_of(discussion)
    return snapshot.answers if snapshot is not None else answers_now(discussion)


# Each kind of change the patient can make in the guide after sign-off, as staff name it.
CHANGE_KINDS = {
    "leaning": "Changed which way they lean",
    "leaning_reason": "Changed their reason for that leaning",
    "values_note": "Changed what else matters to them",
    "asked": "Changed a guide question to ask",
    "own_question": "Added or changed a question of their own",
    "rating": "Changed how much something matters",
    "concern": "Changed a risk that matters most",
    "readiness": "Changed a readiness answer",
}


@dataclass(frozen=True)
class Change:
    kind: str
    item: str
    before: str
    after: str
    language: str = ""


def _keyed(answers: PatientAnswers) -> dict[tuple[str, str], tuple[str, str]]:
    """Each answer by (kind, item), with the language of any words in it."""
    lang = answers.language
    found: dict[tuple[str, str], tuple[str, str]] = {
        ("leaning", ""): (answers.leaning, ""),
        ("leaning_reason", ""): (answers.leaning_reason, lang),
        ("values_note", ""): (answers.values_note, lang),
    }
    found |= {("asked", q): ("yes", "") for q in answers.asked}
    found |= {("concern", r): ("yes", "") for r in answers.concerns}
    found |= {("rating", s): (v, "") for s, v in answers.ratings.items()}
    found |= {("readiness", i): (v, "") for i, v in answers.readiness.items()}
    found |= {("own_question", str(q.id)): (q.text, q.language) for q in answers.own_questions}
    return found


def differences(before: PatientAnswers, after: PatientAnswers) -> Iterator[Change]:
    """What changed between two states of the patient's answers, one change a thing."""
    old, new = _keyed(before), _keyed(after)
    for key in [*old, *(k for k in new if k not in old)]:
        was, now = old.get(key, ("", "")), new.get(key, ("", ""))
        if was[0] != now[0]:
            yield Change(key[0], key[1], was[0], now[0], now[1] or was[1])


def keep_changes(discussion: Discussion, before: PatientAnswers) -> list[Change]:
    """Keep, beside a signed record, what the patient changed since `before`."""
    found = list(differences(before, answers_now(discussion)))
    now = utcnow()
    for change in found:
        discussion.changes_after_sign_off.append(
            ChangeAfterSignOff(
                at=now,
                kind=change.kind,
                item=change.item,
                before=change.before,
                after=change.after,
                language=change.language,
            )
        )
    return found


def when(at: dt.datetime) -> str:
    return f"{at:%d %b %Y %H:%M} UTC"
