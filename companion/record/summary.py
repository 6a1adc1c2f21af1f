"""A discussion as plain data: what the summary page and the PDF show, and nothing else.

The clinician's copy is built in English; the patient's copy in the patient's language, with
text staff wrote (in English) marked as English. Both come from `build()`, so the screen and the
PDF can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup

from ..content import ContentPack
from ..i18n import _, content_text, in_language, languages
from ..models import Discussion
from . import entries

STATUS_ORDER = {"needs-consultant": 0, "not-discussed": 1, "answered": 2}


@dataclass(frozen=True)
class Words:
    """Text with the language it is written in, so that it is marked up and shaped right."""

    text: str
    lang: str
    dir: str = "ltr"


@dataclass(frozen=True)
class QuestionRow:
    question: Words
    gloss: str
    answer: str
    status: str
    status_label: str
    from_guide: bool


@dataclass(frozen=True)
class RiskRow:
    name: Markup
    discussed: bool
    figure: int | None
    source: str
    matters_to_patient: bool


@dataclass(frozen=True)
class ReadinessRow:
    question: Markup
    walkthrough: str
    before: str
    after: str


@dataclass(frozen=True)
class AmendmentRow:
    field: str
    before: str
    after: str
    reason: str
    author: str
    at: dt.datetime


@dataclass
class Summary:
    copy: str
    lang: str
    dir: str
    is_demo: bool
    patient_label: str
    code: str
    procedure: Markup
    content_version: str
    sources: list[tuple[Markup, str]]
    walkthrough_language: Words
    steps_seen: list[Markup]
    steps_total: int
    started: dt.datetime
    finalised: bool
    finalised_by: str
    finalised_at: dt.datetime | None
    questions: list[QuestionRow]
    values: list[tuple[Markup, str]]
    values_note: Words | None
    concerns: list[Markup]
    risks: list[RiskRow]
    benefits: list[tuple[Markup, bool]]
    options: list[tuple[Markup, bool]]
    interpreter: str
    interpreter_language: str
    interpreter_id: str
    interpreter_warning: bool
    supporter: str
    teach_back: list[tuple[str, str]]
    teach_back_rating: str
    readiness: list[ReadinessRow]
    decision: str
    next_steps: str
    arrangements: list[tuple[str, bool]]
    amendments: list[AmendmentRow] = field(default_factory=list)
    about: list[Markup] = field(default_factory=list)
    review_due: dt.date | None = None
    published: dt.date | None = None
    # The option the patient leant towards in the walkthrough, and why (content 2.0.0 onwards).
    leaning: Markup | None = None
    leaning_reason: Words | None = None

    @property
    def title(self) -> str:
        return f"Consent discussion record {self.code}"


def patient_labels() -> dict[str, dict[str, str]]:
    """Choice labels in the reader's language, for the patient's copy."""
    return {
        "decision": {
            "go-ahead": _("You want to go ahead"),
            "more-time": _("You want more time"),
            "declined": _("You do not want the procedure"),
            "undecided": _("You have not decided yet"),
        },
        "status": {
            "answered": _("Answered"),
            "needs-consultant": _("Your consultant will answer this"),
            "not-discussed": _("Not talked about yet"),
        },
        "yesno": {"yes": _("Yes"), "no": _("No"), "": "–"},
    }


def build(
    discussion: Discussion, pack: ContentPack, copy: str, *, is_demo: bool = False
) -> Summary:
    """The summary for one copy: "clinician" (English) or "patient" (the patient's language)."""
    language = languages().get(discussion.language) or languages()["en"]
    reader = language.code if copy == "patient" else "en"
    with in_language(reader) as current:
        walkthrough_language = Words(language.name, language.code, language.dir)
        return _collect(
            discussion, pack, copy, current.code, current.dir, walkthrough_language, is_demo
        )


def _collect(
    discussion: Discussion,
    pack: ContentPack,
    copy: str,
    lang: str,
    direction: str,
    walkthrough_language: Words,
    is_demo: bool,
) -> Summary:
    labels = patient_labels() if copy == "patient" else None
    yes_no = labels["yesno"] if labels else {"yes": "Yes", "no": "No", "": "–"}
    patient_dir = (languages().get(discussion.language) or languages()["en"]).dir
    prompts = {q.id: q for q in pack.questions}

    questions = [
        QuestionRow(
            question=Words(str(content_text(prompts[m.question_id].text)), lang, direction),
            gloss="",
            answer=m.answer,
            status=m.status,
            status_label=(labels["status"] if labels else entries.QUESTION_STATUSES)[m.status],
            from_guide=True,
        )
        for m in discussion.questions_to_ask
        if m.question_id in prompts
    ]
    for own in discussion.patient_questions:
        own_dir = (languages().get(own.language) or languages()["en"]).dir
        questions.append(
            QuestionRow(
                question=Words(own.text, own.language, own_dir),
                gloss=own.gloss,
                answer=own.answer,
                status=own.status,
                status_label=(labels["status"] if labels else entries.QUESTION_STATUSES)[
                    own.status
                ],
                from_guide=False,
            )
        )
    # Unanswered first: what still needs doing is what the reader must see.
    questions.sort(key=lambda q: STATUS_ORDER.get(q.status, 1))

    items = {(i.kind, i.item_id): i for i in discussion.record_items}
    concerns = {c.risk_id for c in discussion.risk_concerns}
    ratings = {r.statement_id: r.rating for r in discussion.value_ratings}
    rating_names = (
        {
            "a-lot": _("Matters a lot"),
            "a-little": _("Matters a little"),
            "not-much": _("Does not matter much"),
            "not-sure": _("Not sure"),
        }
        if labels
        else entries.RATING_NAMES
    )
    readiness_step = pack.step_of_type("readiness")
    by_phase: dict[str, dict[str, str]] = {}
    for answer in discussion.readiness_answers:
        by_phase.setdefault(answer.phase, {})[answer.item_id] = answer.answer
    seen = {v.step_id for v in discussion.step_visits}

    def english(choice_field: str, value: str) -> str:
        return entries.CHOICES[choice_field].get(value, "") if value else ""

    leaning = pack.option_name(discussion.leaning) if discussion.leaning else None

    return Summary(
        copy=copy,
        lang=lang,
        dir=direction,
        is_demo=is_demo,
        patient_label=discussion.patient_label or "",
        code=f"{discussion.code[:4]}-{discussion.code[4:]}",
        procedure=content_text(pack.title),
        content_version=pack.content_version,
        sources=[(content_text(s.label), s.citation) for s in pack.sources],
        walkthrough_language=walkthrough_language,
        steps_seen=[content_text(s.title) for s in pack.steps if s.id in seen],
        steps_total=len(pack.steps),
        started=discussion.created_at,
        finalised=discussion.finalised_at is not None,
        finalised_by=f"{discussion.finalised_by} ({discussion.finalised_role})"
        if discussion.finalised_at
        else "",
        finalised_at=discussion.finalised_at,
        questions=questions,
        values=[
            (content_text(s.text), str(rating_names.get(ratings.get(s.id, ""), "–")))
            for s in pack.step_of_type("values").statements
        ],
        values_note=Words(discussion.values_note, discussion.language, patient_dir)
        if discussion.values_note
        else None,
        concerns=[content_text(r.name) for r in pack.risks if r.id in concerns],
        risks=[
            RiskRow(
                name=content_text(r.name),
                discussed=bool(items.get(("risk", r.id)) and items[("risk", r.id)].discussed),
                figure=items[("risk", r.id)].figure if ("risk", r.id) in items else None,
                source=items[("risk", r.id)].figure_source if ("risk", r.id) in items else "",
                matters_to_patient=r.id in concerns,
            )
            for r in pack.risks
        ],
        benefits=[
            (
                content_text(b.name),
                bool(items.get(("benefit", b.id)) and items[("benefit", b.id)].discussed),
            )
            for b in pack.benefits
        ],
        options=[
            (
                content_text(o.name),
                bool(items.get(("option", o.id)) and items[("option", o.id)].discussed),
            )
            for o in pack.options
        ],
        interpreter=english("interpreter", discussion.interpreter),
        interpreter_language=discussion.interpreter_language,
        interpreter_id=discussion.interpreter_id,
        interpreter_warning=discussion.interpreter in ("family", "child"),
        supporter=(
            f"{english('supporter_present', discussion.supporter_present)}"
            + (
                f": {discussion.supporter_relationship}"
                if discussion.supporter_relationship
                else ""
            )
        ),
        teach_back=[
            (entries.TEXTS[name], str(getattr(discussion, name)))
            for name in ("teach_back_pump", "teach_back_risks", "teach_back_say_no")
        ],
        teach_back_rating=english("teach_back_rating", discussion.teach_back_rating),
        readiness=[
            ReadinessRow(
                question=content_text(item.text),
                walkthrough=yes_no.get(by_phase.get("walkthrough", {}).get(item.id, ""), "–"),
                before=yes_no.get(by_phase.get("before", {}).get(item.id, ""), "–"),
                after=yes_no.get(by_phase.get("after", {}).get(item.id, ""), "–"),
            )
            for item in readiness_step.items
        ],
        decision=(labels["decision"] if labels else entries.CHOICES["decision"]).get(
            discussion.decision, ""
        )
        if discussion.decision
        else "",
        next_steps=discussion.next_steps,
        arrangements=[
            (label, bool(getattr(discussion, name))) for name, label in entries.FLAGS.items()
        ],
        amendments=[
            AmendmentRow(
                field=entries.field_label(a.field),
                before=a.before,
                after=a.after,
                reason=a.reason,
                author=a.author,
                at=a.at,
            )
            for a in discussion.amendments
        ],
        about=[
            content_text(pack.about[k].text)
            for k in ("made_by", "not_nice", "funding", "update_policy")
        ],
        review_due=pack.review_due,
        published=pack.published,
        leaning=content_text(leaning) if leaning else None,
        leaning_reason=Words(discussion.leaning_reason, discussion.language, patient_dir)
        if discussion.leaning_reason
        else None,
    )
