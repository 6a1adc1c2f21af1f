"""The record as data, for filing in the patient's own health record.

Built from the record's field definitions, not from what a screen shows: every field with its
stored code and its label, the value in force, and each amendment with what it was. The format is
described by `export.schema.json` beside this file; its "$id" carries the format's version, and a
change to the format is a new version there.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

from ..content import ContentPack
from ..i18n import english_name, languages
from ..models import Discussion
from . import fields as defs
from . import signed

SCHEMA_FILE = Path(__file__).with_name("export.schema.json")


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def schema_id() -> str:
    return str(schema()["$id"])


def _when(at: dt.datetime | dt.date | None) -> str | None:
    return at.isoformat() if at is not None else None


def _entry(definition: defs.Field, value: str, discussion: Discussion) -> dict[str, Any]:
    history = defs.changes(discussion).get(definition.name, [])
    return {
        "field": definition.name,
        "section": definition.section,
        "label": definition.label,
        "about": definition.about or None,
        "value": value,
        "value_label": definition.staff_value(value),
        "amendments": [
            {
                "before": a.before,
                "before_label": definition.staff_value(a.before),
                "after": a.after,
                "after_label": definition.staff_value(a.after),
                "reason": a.reason,
                "by": a.author,
                "at": _when(a.at),
            }
            for a in history
        ],
    }


def data(discussion: Discussion, pack: ContentPack) -> dict[str, Any]:
    """The record as plain data, in the shape export.schema.json describes."""
    values = defs.current_values(discussion, pack)
    # As signed (or, in a draft, as they stand): later changes are listed on their own.
    answers = signed.answers_of_record(discussion)
    return {
        "$schema": schema_id(),
        "record": _record(discussion, pack, answers),
        "patient": _patient(pack, answers),
        "entries": [_entry(f, values[f.name], discussion) for f in defs.fields(discussion, pack)],
        "changes_after_sign_off": [
            {
                "at": _when(c.at),
                "kind": c.kind,
                "item": c.item,
                "before": c.before,
                "after": c.after,
                "language": c.language,
            }
            for c in discussion.changes_after_sign_off
        ],
    }


def _record(
    discussion: Discussion, pack: ContentPack, answers: signed.PatientAnswers
) -> dict[str, Any]:
    """What the record is of: its code, the guide and language, its sign-off, the steps seen."""
    language = languages().get(discussion.language) or languages()["en"]
    seen = set(answers.steps_seen)
    return {
        "code": f"{discussion.code[:4]}-{discussion.code[4:]}",
        "patient_label": discussion.patient_label or None,
        "procedure": {
            "id": pack.id,
            "title": pack.title,
            "content_version": pack.content_version,
            "published": _when(pack.published),
            "review_due": _when(pack.review_due),
        },
        "language": {
            "code": language.code,
            "english_name": english_name(language),
            "own_name": language.name,
        },
        "started_at": _when(discussion.created_at),
        "signed_off": _signed_off(discussion),
        "steps_viewed": [s.id for s in pack.steps if s.id in seen],
        "steps_total": len(pack.steps),
    }


def _signed_off(discussion: Discussion) -> dict[str, Any] | None:
    if discussion.finalised_at is None:
        return None
    snapshot = signed.snapshot_of(discussion)
    return {
        "by": discussion.finalised_by,
        "role": discussion.finalised_role,
        "at": _when(discussion.finalised_at),
        "open_items": [
            {"kind": i.kind, "text": i.text, "quote": i.quote, "quote_language": i.lang}
            for i in (snapshot.open_items if snapshot is not None else ())
        ],
    }


def _patient(pack: ContentPack, answers: signed.PatientAnswers) -> dict[str, Any]:
    """The patient's answers in the guide."""
    ratings, walkthrough = answers.ratings, answers.readiness
    prompts = {q.id: q.text for q in pack.questions}
    return {
        "guide_questions": [{"id": m, "text": prompts.get(m, m)} for m in answers.asked],
        "own_questions": [{"text": q.text, "language": q.language} for q in answers.own_questions],
        "what_matters": [
            {
                "statement": s.text,
                "rating": ratings.get(s.id, ""),
                "rating_label": defs.VALUE_RATING.staff(ratings.get(s.id, "")),
            }
            for s in pack.value_statements
        ],
        "what_matters_note": answers.values_note,
        "leaning": {
            "option": answers.leaning,
            "option_name": pack.option_name(answers.leaning) or "",
            "reason": answers.leaning_reason,
        }
        if answers.leaning
        else None,
        "risks_marked": list(answers.concerns),
        "readiness_in_guide": [
            {
                "question": item.text,
                "answer": walkthrough.get(item.id, ""),
                "answer_label": defs.READINESS.staff(walkthrough.get(item.id, "")),
            }
            for item in pack.readiness_items
        ],
    }


def export(discussion: Discussion, pack: ContentPack) -> str:
    return json.dumps(data(discussion, pack), ensure_ascii=False, indent=2)
