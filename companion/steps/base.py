"""What every kind of walkthrough step is asked; `kinds.py` holds the kinds themselves."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict

from ..content import ContentPack, Step
from ..discussions import WalkthroughAnswers
from ..models import Discussion

Form = MultiDict[str, str]

# The content a step may carry beyond its paragraphs and question, by field name.
KIND_FIELDS = ("statements", "items", "ready", "not_ready", "not_sure")


class HowMany(Enum):
    ANY = "any"
    EXACTLY_ONE = "exactly one"
    AT_MOST_ONE = "at most one"


class StepKind:
    """A kind of step. Subclasses set the class attributes and override what differs."""

    name: ClassVar[str]
    how_many: ClassVar[HowMany] = HowMany.ANY
    # Content fields (of KIND_FIELDS) this kind needs; it takes no others.
    needs: ClassVar[tuple[str, ...]] = ()
    needs_option_rows: ClassVar[bool] = False
    # The template part that draws the step's own form fields, if it has any.
    form: ClassVar[str | None] = None
    # The options table needs the page's full width.
    full_width: ClassVar[bool] = False
    # Free-text answers this kind takes: (field name, most characters kept).
    texts: ClassVar[tuple[tuple[str, int], ...]] = ()
    # Whether the patient adds their own questions here.
    takes_new_questions: ClassVar[bool] = False

    def content_problems(self, step: Step) -> list[str]:
        problems = [f"{f}: is missing" for f in self.needs if not getattr(step, f)]
        problems += [
            f"{f}: a {self.name} step takes no {f}"
            for f in KIND_FIELDS
            if f not in self.needs and getattr(step, f)
        ]
        return problems

    def shown(
        self, step: Step, pack: ContentPack, form: Form, stored: WalkthroughAnswers
    ) -> WalkthroughAnswers:
        """The answers as the patient left them on this page: what the form holds, over what is
        stored. Only values the step offers are taken; free text is checked by the caller."""
        answers = stored
        if step.question is not None:
            others = stored.asked - {step.question.id}
            ticked = {step.question.id} if form.get("ask") == "yes" else set()
            answers = replace(answers, asked=others | ticked)
        return self.read(step, pack, form, answers)

    def read(
        self, step: Step, pack: ContentPack, form: Form, answers: WalkthroughAnswers
    ) -> WalkthroughAnswers:
        return answers

    def cited(self, pack: ContentPack) -> list[str]:
        """Sources the step's own part cites, beyond its paragraphs and question."""
        return []

    def page(
        self, step: Step, stored: WalkthroughAnswers, discussion: Discussion
    ) -> dict[str, Any]:
        """What the step's form part needs beyond the answers."""
        return {}
