"""The patient's answers in the guide as FHIR: a `Questionnaire` generated from the content pack
version they were shown, and a `QuestionnaireResponse` of their answers as the record holds them
(`signed.answers_of_record`: as signed)."""

from __future__ import annotations

import re
from typing import Any

from ..content import ContentPack
from . import fhir_codes as codes
from . import fields as defs
from .signed import PatientAnswers


def questionnaire_url(pack: ContentPack) -> str:
    return f"{codes.QUESTIONNAIRE}/{pack.id}"


def _choice(link: str, text: str, options: list[dict[str, Any]]) -> dict[str, Any]:
    return {"linkId": link, "text": text, "type": "choice", "answerOption": options}


def _vocabulary_options(system: str, vocabulary: defs.Vocabulary) -> list[dict[str, Any]]:
    return [
        {"valueCoding": codes.coding(system, c.value, c.staff)}
        for c in vocabulary.choices
        if not c.retired
    ]


def _leaning_options(pack: ContentPack) -> list[dict[str, Any]]:
    options = []
    for option_id in [o.id for o in pack.options] + ["not-sure"]:
        name = pack.option_name(option_id)
        if name:
            options.append({"valueCoding": codes.coding(codes.OPTION, option_id, name)})
    return options


def questionnaire(pack: ContentPack) -> dict[str, Any]:
    """What the guide asks, in this version of the pack, in English."""
    return {
        "resourceType": "Questionnaire",
        "url": questionnaire_url(pack),
        "version": pack.content_version,
        "name": re.sub(r"[^A-Za-z0-9]", "", pack.id.title()) + "DecisionGuide",
        "title": pack.title,
        "status": "active",
        "date": pack.published.isoformat(),
        "subjectType": ["Patient"],
        "language": "en",
        "item": questionnaire_items(pack),
    }


def questionnaire_items(pack: ContentPack) -> list[dict[str, Any]]:
    """The guide's questions, answer choices from the record's vocabularies."""
    ratings = _vocabulary_options(codes.VALUE_RATING, defs.VALUE_RATING)
    ready = _vocabulary_options(codes.READINESS, defs.READINESS)
    items: list[dict[str, Any]] = [
        {
            "linkId": "ask",
            "text": "Questions from the guide the patient wants to ask",
            "type": "group",
            "item": [
                {"linkId": f"ask-{q.id}", "text": q.text, "type": "boolean"} for q in pack.questions
            ],
        },
        {
            "linkId": "own-questions",
            "text": "The patient's own questions",
            "type": "string",
            "repeats": True,
        },
        {
            "linkId": "what-matters",
            "text": "How much each matters to the patient",
            "type": "group",
            "item": [_choice(f"rating-{s.id}", s.text, ratings) for s in pack.value_statements],
        },
        {"linkId": "values-note", "text": "Anything else that matters", "type": "text"},
        {
            "linkId": "concerns",
            "text": "Risks that matter most to the patient",
            "type": "group",
            "item": [
                {"linkId": f"concern-{r.id}", "text": r.name, "type": "boolean"} for r in pack.risks
            ],
        },
    ]
    leaning = pack.leaning_step
    if leaning is not None:
        items += [
            _choice("leaning", leaning.title, _leaning_options(pack)),
            {"linkId": "leaning-reason", "text": "Why", "type": "text"},
        ]
    items.append(
        {
            "linkId": "readiness",
            "text": "Readiness (SURE)",
            "type": "group",
            "item": [_choice(f"ready-{i.id}", i.text, ready) for i in pack.readiness_items],
        }
    )
    return items


def _boolean(link: str, value: bool) -> dict[str, Any]:
    return {"linkId": link, "answer": [{"valueBoolean": value}]}


def _coded(link: str, system: str, code: str, display: str) -> dict[str, Any]:
    return {"linkId": link, "answer": [{"valueCoding": codes.coding(system, code, display)}]}


def _group(link: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"linkId": link, "item": items}] if items else []


def answer_items(pack: ContentPack, answers: PatientAnswers) -> list[dict[str, Any]]:
    """The answers, item by item, in the questionnaire's order; unanswered choices left out."""
    asked, marked = set(answers.asked), set(answers.concerns)
    rating, ready = defs.VALUE_RATING, defs.READINESS
    items = _group("ask", [_boolean(f"ask-{q.id}", q.id in asked) for q in pack.questions])
    if answers.own_questions:
        items.append(
            {
                "linkId": "own-questions",
                "answer": [{"valueString": q.text} for q in answers.own_questions],
            }
        )
    items += _group(
        "what-matters",
        [
            _coded(f"rating-{s.id}", codes.VALUE_RATING, v, rating.staff(v))
            for s in pack.value_statements
            if (v := answers.ratings.get(s.id, ""))
        ],
    )
    if answers.values_note:
        items.append({"linkId": "values-note", "answer": [{"valueString": answers.values_note}]})
    items += _group("concerns", [_boolean(f"concern-{r.id}", r.id in marked) for r in pack.risks])
    name = pack.option_name(answers.leaning) if answers.leaning else None
    if name:
        items.append(_coded("leaning", codes.OPTION, answers.leaning, name))
    if answers.leaning_reason and pack.leaning_step is not None:
        items.append(
            {"linkId": "leaning-reason", "answer": [{"valueString": answers.leaning_reason}]}
        )
    items += _group(
        "readiness",
        [
            _coded(f"ready-{i.id}", codes.READINESS, v, ready.staff(v))
            for i in pack.readiness_items
            if (v := answers.readiness.get(i.id, ""))
        ],
    )
    return items


def response(
    pack: ContentPack, answers: PatientAnswers, patient: str, authored: str
) -> dict[str, Any]:
    """The patient's answers as the record holds them."""
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire_url(pack)}|{pack.content_version}",
        "status": "completed",
        "subject": {"reference": patient},
        "source": {"reference": patient},
        "authored": authored,
        "language": answers.language,
        "item": answer_items(pack, answers),
    }
