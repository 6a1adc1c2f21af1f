"""The kinds of walkthrough step. A new kind is a class here, registered in KINDS, with its form
part in templates/walkthrough/kinds/."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

from flask import get_flashed_messages

from .. import discussions
from ..content import NOT_SURE, ContentPack, Prompt, Step
from ..discussions import WalkthroughAnswers
from ..models import Discussion
from ..record.fields import VALUE_RATING
from .base import Form, HowMany, StepKind


def chosen(
    form: Form,
    prefix: str,
    prompts: tuple[Prompt, ...],
    allowed: Collection[str],
    given: Mapping[str, str],
) -> dict[str, str]:
    """One choice per prompt (radios named prefix-<id>) over those given before; a value the
    step does not offer is not taken."""
    answers = dict(given)
    for prompt in prompts:
        if form.get(f"{prefix}-{prompt.id}") in allowed:
            answers[prompt.id] = form[f"{prefix}-{prompt.id}"]
    return answers


class Information(StepKind):
    """Text to read, perhaps with one of NICE's questions to think about."""

    name = "information"


class Comparison(StepKind):
    """The options side by side, with the studies' figures as icon arrays."""

    name = "comparison"
    how_many = HowMany.AT_MOST_ONE
    needs_option_rows = True
    form = "walkthrough/kinds/comparison.html"
    full_width = True

    def cited(self, pack: ContentPack) -> list[str]:
        rows = [row.source for option in pack.options for row in option.rows.values()]
        return [o.source for o in pack.options] + [f.source for f in pack.figures] + rows


class Values(StepKind):
    """How much each thing matters, which risks worry the patient, and anything else."""

    name = "values"
    how_many = HowMany.EXACTLY_ONE
    needs = ("statements",)
    form = "walkthrough/kinds/values.html"
    texts = (("values_note", discussions.VALUES_NOTE_MAX_CHARS),)

    def read(
        self, step: Step, pack: ContentPack, form: Form, answers: WalkthroughAnswers
    ) -> WalkthroughAnswers:
        return replace(
            answers,
            ratings=chosen(form, "rating", step.statements, VALUE_RATING.values, answers.ratings),
            concerns=frozenset(form.getlist("concern")) & {risk.id for risk in pack.risks},
            values_note=form.get("values_note", answers.values_note),
        )


class OwnQuestions(StepKind):
    """The patient's own questions: add, change, remove."""

    name = "own_questions"
    how_many = HowMany.EXACTLY_ONE
    form = "walkthrough/kinds/own_questions.html"
    texts = (("new_question", discussions.QUESTION_MAX_CHARS),)
    takes_new_questions = True

    def read(
        self, step: Step, pack: ContentPack, form: Form, answers: WalkthroughAnswers
    ) -> WalkthroughAnswers:
        return replace(answers, new_question=form.get("new_question", answers.new_question))

    def page(
        self, step: Step, stored: WalkthroughAnswers, discussion: Discussion
    ) -> dict[str, Any]:
        notices = get_flashed_messages(category_filter=["question"])
        return {"notice": notices[-1] if notices else None}


class Leaning(StepKind):
    """Which option the patient leans towards today, and why."""

    name = "leaning"
    how_many = HowMany.AT_MOST_ONE
    needs = ("not_sure",)
    form = "walkthrough/kinds/leaning.html"
    texts = (("leaning_reason", discussions.LEANING_REASON_MAX_CHARS),)

    def read(
        self, step: Step, pack: ContentPack, form: Form, answers: WalkthroughAnswers
    ) -> WalkthroughAnswers:
        leaning = form.get("leaning", answers.leaning)
        return replace(
            answers,
            leaning=leaning if pack.option_name(leaning) is not None else answers.leaning,
            leaning_reason=form.get("leaning_reason", answers.leaning_reason),
        )

    def page(
        self, step: Step, stored: WalkthroughAnswers, discussion: Discussion
    ) -> dict[str, Any]:
        return {"not_sure": NOT_SURE}


class Readiness(StepKind):
    """The four SURE questions: is the patient ready to decide?"""

    name = "readiness"
    how_many = HowMany.EXACTLY_ONE
    needs = ("items", "ready", "not_ready")
    form = "walkthrough/kinds/readiness.html"

    def read(
        self, step: Step, pack: ContentPack, form: Form, answers: WalkthroughAnswers
    ) -> WalkthroughAnswers:
        allowed = discussions.READINESS_ANSWERS
        return replace(
            answers, readiness=chosen(form, "ready", step.items, allowed, answers.readiness)
        )

    def page(
        self, step: Step, stored: WalkthroughAnswers, discussion: Discussion
    ) -> dict[str, Any]:
        return {
            "score": discussions.score_of(dict(stored.readiness), tuple(i.id for i in step.items))
        }


KINDS: dict[str, StepKind] = {
    kind.name: kind
    for kind in (Information(), Comparison(), Values(), OwnQuestions(), Leaning(), Readiness())
}
