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
    language = languages().get(discussion.language) or languages()["en"]
    values = defs.current_values(discussion, pack)
    ratings = {r.statement_id: r.rating for r in discussion.value_ratings}
    walkthrough = {
        a.item_id: a.answer for a in discussion.readiness_answers if a.phase == "walkthrough"
    }
    prompts = {q.id: q.text for q in pack.questions}
    seen = {v.step_id for v in discussion.step_visits}
    return {
        "$schema": schema_id(),
        "record": {
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
            "signed_off": {
                "by": discussion.finalised_by,
                "role": discussion.finalised_role,
                "at": _when(discussion.finalised_at),
            }
            if discussion.finalised_at is not None
            else None,
            "steps_viewed": [s.id for s in pack.steps if s.id in seen],
            "steps_total": len(pack.steps),
        },
        "patient": {
            "guide_questions": [
                {"id": m.question_id, "text": prompts.get(m.question_id, m.question_id)}
                for m in discussion.questions_to_ask
            ],
            "own_questions": [
                {"text": q.text, "language": q.language} for q in discussion.patient_questions
            ],
            "what_matters": [
                {
                    "statement": s.text,
                    "rating": ratings.get(s.id, ""),
                    "rating_label": defs.VALUE_RATING.staff(ratings.get(s.id, "")),
                }
                for s in pack.step_of_type("values").statements
            ],
            "what_matters_note": discussion.values_note,
            "leaning": {
                "option": discussion.leaning,
                "option_name": pack.option_name(discussion.leaning) or "",
                "reason": discussion.leaning_reason,
            }
            if discussion.leaning
            else None,
            "risks_marked": [c.risk_id for c in discussion.risk_concerns],
            "readiness_in_guide": [
                {
                    "question": item.text,
                    "answer": walkthrough.get(item.id, ""),
                    "answer_label": defs.READINESS.staff(walkthrough.get(item.id, "")),
                }
                for item in pack.step_of_type("readiness").items
            ],
        },
        "entries": [_entry(f, values[f.name], discussion) for f in defs.fields(discussion, pack)],
    }


def export(discussion: Discussion, pack: ContentPack) -> str:
    return json.dumps(data(discussion, pack), ensure_ascii=False, indent=2)
