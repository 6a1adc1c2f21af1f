"""What a step of the walkthrough accepts from the patient, and keeping it.

No request in here: the view reads the form and says how it was sent; these functions check the
answers, keep every valid one (even when another on the same page is refused, so nothing the
patient gave is lost) and return what was refused, with a message for the patient. The request
commits what they add (web/transactions).
"""

from __future__ import annotations

from dataclasses import replace

from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from .. import discussions
from ..content import ContentPack, Step
from ..i18n import _
from ..models import Discussion, PatientQuestion
from ..steps import kind_of
from ..web import free_text
from ..web.free_text import Refusal


def text_problem(text: str, limit: int) -> Markup | None:
    """Why a piece of the patient's text cannot be stored as typed, in their language, or None."""
    refusal = free_text.check(text, limit)
    if refusal is None:
        return None
    if refusal is Refusal.TOO_LONG:
        return too_long(len(text), limit)
    if refusal is Refusal.BIDI:
        # Translators: shown under a text box when what was typed holds
        # invisible characters (Unicode bidi controls) that would make the
        # words show in a different order.
        return _(
            "This contains hidden characters that change the order in which words are shown. "
            "Please type it again without them."
        )
    if refusal is Refusal.NUMBERS:
        # Translators: shown under a text box when an invisible direction mark (used in
        # right-to-left writing) sits between the groups of a number, e.g. inside
        # "943 476 5919", where it would show the groups in reverse order.
        return _(
            "This has a hidden mark between numbers that would show them in a different order. "
            "Please type the numbers again without it."
        )
    if refusal is Refusal.INVISIBLE:
        # Translators: shown under a text box when what was typed has only
        # spaces or invisible characters, so nothing could be shown.
        return _("There are no letters or numbers in this. Please type your words again.")
    return _("This contains characters that cannot be saved. Please type it again without them.")


def too_long(count: int, limit: int) -> Markup:
    return _(
        "This is %(count)s characters long. Please shorten it to %(limit)s characters or fewer.",
        count=count,
        limit=limit,
    )


def answer_step(
    discussion: Discussion,
    pack: ContentPack,
    step: Step,
    form: MultiDict[str, str],
    *,
    language: str,
    still_typing: bool,
) -> dict[str, Markup]:
    """Keep what the patient answered on this step; return what was refused, by field name.

    `still_typing` is true for an autosave and a language switch: a question in the box is kept as
    a draft, not yet added to the patient's questions.
    """
    kind = kind_of(step)
    stored = discussions.walkthrough_answers(discussion)
    given = kind.shown(step, pack, form, stored)
    errors: dict[str, Markup] = {}
    for name, limit in kind.texts:
        text = getattr(given, name).strip()
        if problem := text_problem(text, limit):
            errors[name] = problem
            text = getattr(stored, name)
        given = replace(given, **{name: text})
    discussions.keep_answers(discussion, stored, given)
    if kind.takes_new_questions and "new_question" not in errors:
        problem = take_new_question(discussion, given.new_question, form, language, still_typing)
        if problem:
            errors["new_question"] = problem
    return errors


def take_new_question(
    discussion: Discussion, text: str, form: MultiDict[str, str], language: str, still_typing: bool
) -> Markup | None:
    if still_typing:
        # Not yet added by the patient: keep it in the box, in any language.
        discussion.draft_question = text
    elif text:
        discussions.add_question(discussion, text, language)
    elif form.get("action") == "add":
        return _("Write your question in the box before you add it.")
    return None


def reword_question(question: PatientQuestion, typed: str, language: str) -> Markup | None:
    """Change one of the patient's own questions; return why not, or None when changed."""
    text = typed.strip()
    if not text:
        return _("Write your question in the box, or go back to keep it as it was.")
    if problem := text_problem(text, discussions.QUESTION_MAX_CHARS):
        return problem
    question.text = text
    question.language = language
    return None


def remove_question(discussion: Discussion, question: PatientQuestion) -> None:
    discussion.patient_questions.remove(question)


def switch_language(discussion: Discussion, language: str) -> None:
    """The patient reads on in another language; every answer stays as it is."""
    discussion.language = language
