"""The walkthrough's pages for one discussion: its steps, the patient's own questions, the
review, finishing, the page to print and stopping for later."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from .. import discussions
from ..content import ContentPack
from ..i18n import _, current_language, languages
from ..models import Discussion, utcnow
from ..steps import OwnQuestions, kind_of, step_of
from ..web import kiosk
from ..web.hosts import external_url
from ..web.qr import qr_svg
from . import answers, progress
from .blueprint import ViewResult, bp, is_autosave
from .front_door import remember_text_size
from .tablet import give_the_tablet_back, load_discussion


@bp.get("/w/<token>/")
def continue_discussion(token: str) -> BaseResponse:
    """The patient's link: back to the page they left."""
    discussion, _pack = load_discussion(token, opening_the_link=True)
    return progress.welcome_back(discussion)


def step_parts(pack: ContentPack, number: int) -> dict[str, Markup]:
    """A step's text and sources, rendered once per (pack, content version, language, step) and
    kept for the life of the worker: they hold nothing of a patient or of a request."""
    key = (pack.id, pack.content_version, current_language().code, number)
    kept: dict[tuple[str, str, str, int], dict[str, Markup]] = current_app.extensions.setdefault(
        "companion.step_parts", {}
    )
    parts = kept.get(key)
    if parts is None:
        macros = current_app.jinja_env.get_template("walkthrough/step_parts.html").module
        step = pack.steps[number - 1]
        cited = kind_of(step).cited(pack)
        parts = kept[key] = {
            # A macro's result is already Markup: the environment autoescapes.
            "text": macros.text(pack, step),  # type: ignore[attr-defined]
            "references": macros.references(pack, step, cited),  # type: ignore[attr-defined]
        }
    return parts


def coming_from_review() -> bool:
    return request.values.get("from") == "review"


@bp.route("/w/<token>/step/<int:number>", methods=["GET", "POST"])
def step(token: str, number: int) -> ViewResult:
    discussion, pack = load_discussion(token)
    if not 1 <= number <= len(pack.steps):
        abort(404)
    progress.arrive(discussion, pack, pack.steps[number - 1].id)
    errors: dict[str, Markup] = {}
    if request.method == "POST":
        errors = answers.answer_step(
            discussion,
            pack,
            pack.steps[number - 1],
            request.form,
            language=current_language().code,
            # Not yet added by the patient: a question in the box stays there, in any language.
            still_typing=is_autosave()
            or bool(request.form.get("switch_language") or request.form.get("text_size")),
        )
        if is_autosave():
            return jsonify(saved=not errors, errors=errors), (422 if errors else 200)  # type: ignore[return-value]
        if not errors:
            return after_saving(discussion, pack, number)
    return show_step(discussion, pack, number, errors)


def after_saving(discussion: Discussion, pack: ContentPack, number: int) -> BaseResponse:
    """Where the patient's button takes them once the step's answers are kept."""
    token, form = discussion.token, request.form
    back_to: dict[str, Any] = {"from": "review"} if coming_from_review() else {}
    here = url_for(".step", token=token, number=number, **back_to)
    if (switch_to := languages().get(form.get("switch_language", ""))) is not None:
        answers.switch_language(discussion, switch_to.code)
        return redirect(
            url_for(".step", lang=switch_to.code, token=token, number=number, **back_to)
        )
    if (size := form.get("text_size")) is not None:
        return remember_text_size(redirect(here), size)
    if form.get("action") == "add":
        flash("added", "question")
        return redirect(here + "#your-questions")
    # Moving on by any button, or stopping here for now: the patient has been shown this page.
    progress.leave(discussion, pack.steps[number - 1].id)
    if form.get("action") == "later":
        return redirect(url_for(".later", token=token))
    if (go := progress.page_to_go_to(pack, form.get("go", ""))) is not None:
        return redirect(progress.url_of(token, pack, go))
    if coming_from_review() or number == len(pack.steps):
        return redirect(url_for(".review", token=token))
    return redirect(url_for(".step", token=token, number=number + 1))


def show_step(
    discussion: Discussion, pack: ContentPack, number: int, errors: dict[str, Markup]
) -> ViewResult:
    step = pack.steps[number - 1]
    kind = kind_of(step)
    stored = shown = discussions.walkthrough_answers(discussion)
    if request.form:
        # Show what was typed, not what is stored: a refused input can be corrected in place,
        # and a form that came back unsent (token expired) shows every answer as it was left.
        shown = kind.shown(step, pack, request.form, stored)
    return render_template(
        "walkthrough/step.html",
        pack=pack,
        step=step,
        kind=kind,
        parts=step_parts(pack, number),
        number=number,
        total=len(pack.steps),
        from_review=coming_from_review(),
        discussion=discussion,
        answers=shown,
        errors=errors,
        just_started=request.args.get("started") == "1",
        code=discussions.format_code(discussion.code),
        contents=progress.contents(discussion, pack, step.id),
        welcome=progress.welcomed(),
        **kind.page(step, stored, discussion),
    ), (400 if errors else 200)


def own_questions_url(token: str, pack: ContentPack) -> str:
    number = pack.step_number(step_of(pack, OwnQuestions).id)
    back_to: dict[str, Any] = {"from": "review"} if coming_from_review() else {}
    return url_for(".step", token=token, number=number, **back_to) + "#your-questions"


@bp.route("/w/<token>/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(token: str, question_id: int) -> ViewResult:
    discussion, pack = load_discussion(token)
    question = discussions.patient_question(discussion, question_id) or abort(404)
    back = own_questions_url(token, pack)
    error = None
    text = request.form.get("text", question.text)  # as typed, when a form comes back unsent
    if request.method == "POST":
        text = request.form.get("text", "").strip()
        error = answers.reword_question(question, text, current_language().code)
        if error is None:
            flash("changed", "question")
            return redirect(back)
    return render_template(
        "walkthrough/edit_question.html", question=question, text=text, error=error, back=back
    ), (400 if error else 200)


@bp.route("/w/<token>/questions/<int:question_id>/remove", methods=["GET", "POST"])
def remove_question(token: str, question_id: int) -> ViewResult:
    discussion, pack = load_discussion(token)
    question = discussions.patient_question(discussion, question_id) or abort(404)
    back = own_questions_url(token, pack)
    if request.method == "POST":
        answers.remove_question(discussion, question)
        flash("removed", "question")
        return redirect(back)
    return render_template("walkthrough/remove_question.html", question=question, back=back)


@bp.get("/w/<token>/review")
def review(token: str) -> ViewResult:
    discussion, pack = load_discussion(token)
    progress.arrive(discussion, pack, progress.REVIEW)
    readiness = pack.readiness_step
    return render_template(
        "walkthrough/review.html",
        pack=pack,
        discussion=discussion,
        answers=discussions.walkthrough_answers(discussion),
        score=discussions.readiness_score(discussion, tuple(i.id for i in readiness.items)),
        readiness=readiness,
        values=pack.values_step,
        leaning=pack.leaning_step,
        own_questions=step_of(pack, OwnQuestions),
        code=discussions.format_code(discussion.code),
        contents=progress.contents(discussion, pack, progress.REVIEW),
        welcome=progress.welcomed(),
    )


@bp.post("/w/<token>/finish")
def finish(token: str) -> BaseResponse:
    """Done: but first, any step not read yet is named, with the way to it."""
    discussion, pack = load_discussion(token)
    if progress.not_seen(discussion, pack) and request.form.get("anyway") != "yes":
        return redirect(url_for(".before_finishing", token=token))
    discussions.finish(discussion)
    return redirect(url_for(".finished", token=token))


@bp.get("/w/<token>/before-finishing")
def before_finishing(token: str) -> ViewResult:
    discussion, pack = load_discussion(token)
    unseen = progress.not_seen(discussion, pack)
    if not unseen:
        return redirect(url_for(".review", token=token))
    return render_template(
        "walkthrough/before_finishing.html", discussion=discussion, pack=pack, unseen=unseen
    )


@bp.get("/w/<token>/finished")
def finished(token: str) -> ViewResult:
    discussion, _pack = load_discussion(token)
    return render_template(
        "walkthrough/finished.html",
        discussion=discussion,
        question_count=len(discussion.questions_to_ask) + len(discussion.patient_questions),
        code=discussions.format_code(discussion.code),
    )


@bp.get("/w/<token>/my-questions")
def questions_to_print(token: str) -> ViewResult:
    """A page to print or keep: the patient's questions and what matters, no link and no code."""
    discussion, pack = load_discussion(token)
    return render_template(
        "walkthrough/questions.html",
        pack=pack,
        discussion=discussion,
        answers=discussions.walkthrough_answers(discussion),
        values=pack.values_step,
    )


@bp.get("/w/<token>/later")
def later(token: str) -> ViewResult:
    """The code and link to come back with. A tablet a nurse handed over goes back to the nurse
    with this page: once it is shown, nothing on the tablet opens the answers without the code."""
    discussion, _pack = load_discussion(token)
    link = external_url("walkthrough.continue_discussion", token=token)
    page = render_template(
        "walkthrough/later.html",
        discussion=discussion,
        code=discussions.format_code(discussion.code),
        link=link,
        qr=qr_svg(link, _("QR code of your link").striptags()),
        today=utcnow(),
        handed_over=kiosk.locked_to() == token,
    )
    if kiosk.locked_to() == token:
        give_the_tablet_back()
    return page
