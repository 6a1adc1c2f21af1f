"""The patient's walkthrough: language, steps, own questions, values, readiness and review.

Every form posts and redirects (works without JavaScript); with JavaScript the same endpoints take
autosave posts as the patient types and answer with JSON instead of a redirect.
"""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from .. import discussions
from ..content import ContentPack, Step, packs
from ..i18n import _, current_language, languages
from ..models import Discussion
from ..web.csrf import always_allowed
from ..web.hosts import external_url
from ..web.kiosk import PATIENT_MODE, PATIENT_SEEN
from ..web.limits import code_guess_key, limiter
from . import answers

bp = Blueprint("walkthrough", __name__, url_prefix="/<lang>")

ViewResult = str | BaseResponse | tuple[str, int]


def default_pack() -> ContentPack:
    return next(iter(packs().values()))


def is_autosave() -> bool:
    return request.headers.get("X-Autosave") == "1"


@bp.get("/")
def start() -> ViewResult:
    return render_template("walkthrough/start.html", pack=default_pack())


@bp.post("/start")
def begin() -> ViewResult:
    chosen = languages().get(request.form.get("language", ""), current_language())
    procedure = request.form.get("procedure", default_pack().id)
    if procedure not in packs():
        abort(400)
    discussion = discussions.start_discussion(
        procedure, chosen.code, link_days=current_app.config["PATIENT_LINK_DAYS"]
    )
    return redirect(url_for(".step", lang=chosen.code, token=discussion.token, number=1, started=1))


@bp.route("/resume", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"], key_func=code_guess_key)
def resume() -> ViewResult:
    typed = request.form.get("code", "")
    error = None
    if request.method == "POST":
        discussion = discussions.find_by_code(typed)
        if discussion is None:
            error = _(
                "We could not find that code. Check it and try again. "
                "A code has 8 letters and numbers, like %(example)s.",
                example="ACDE-3467",
            )
        elif discussions.is_expired(discussion):
            return render_template("walkthrough/expired.html"), 410
        else:
            return redirect(url_for(".continue_discussion", token=discussion.token))
    status = 400 if error else 200
    return render_template("walkthrough/resume.html", typed=typed, error=error), status


@bp.get("/about/<procedure>")
def about(procedure: str) -> ViewResult:
    pack = packs().get(procedure) or abort(404)
    return render_template("walkthrough/about.html", pack=pack)


# Endpoints a tablet handed to a patient may show; anything else returns to their discussion.
PATIENT_MODE_ENDPOINTS = {
    "walkthrough.continue_discussion",
    "walkthrough.step",
    "walkthrough.edit_question",
    "walkthrough.remove_question",
    "walkthrough.review",
    "walkthrough.later",
    "walkthrough.about",
}


@bp.app_context_processor
def patient_mode_flag() -> dict[str, bool]:
    # Every page's layout offers "Finish and hand back" on a tablet handed to a patient.
    return {"in_patient_mode": bool(session.get(PATIENT_MODE))}


def return_the_tablet() -> BaseResponse:
    """Forget the patient on this tablet at once: only a neutral screen until staff sign in."""
    session.clear()
    session["tablet_returned"] = True
    return redirect(url_for(".handed_back"))


@bp.before_request
def keep_a_handed_over_tablet_on_its_discussion() -> BaseResponse | None:
    if session.get("tablet_returned"):
        return (
            None
            if request.endpoint == "walkthrough.handed_back"
            else redirect(url_for(".handed_back"))
        )
    locked = session.get(PATIENT_MODE)
    if not locked:
        return None
    now = time.time()
    if now - session.get(PATIENT_SEEN, now) > current_app.config["KIOSK_IDLE_SECONDS"]:
        return return_the_tablet()
    session[PATIENT_SEEN] = now
    if request.endpoint == "walkthrough.hand_back":
        return None
    token = (request.view_args or {}).get("token")
    if request.endpoint in PATIENT_MODE_ENDPOINTS and token in (None, locked):
        return None
    return redirect(url_for(".continue_discussion", token=locked))


def load_discussion(token: str) -> tuple[Discussion, ContentPack]:
    discussion = discussions.find_by_token(token)
    if discussion is None:
        abort(404)
    if discussions.is_expired(discussion):
        abort(Response(render_template("walkthrough/expired.html"), status=410))
    g.discussion = discussion
    return discussion, packs()[discussion.procedure]


@bp.post("/hand-back")
@always_allowed
def hand_back() -> BaseResponse:
    return return_the_tablet()


@bp.get("/handed-back")
def handed_back() -> ViewResult:
    return render_template("walkthrough/handed_back.html")


@bp.get("/w/<token>/")
def continue_discussion(token: str) -> ViewResult:
    discussion, pack = load_discussion(token)
    seen = {v.step_id for v in discussion.step_visits}
    for number, step in enumerate(pack.steps, start=1):
        if step.id not in seen:
            return redirect(url_for(".step", token=token, number=number))
    return redirect(url_for(".review", token=token))


def current_answers(discussion: Discussion) -> dict[str, Any]:
    return {
        "asked": {q.question_id for q in discussion.questions_to_ask},
        "ratings": {r.statement_id: r.rating for r in discussion.value_ratings},
        "concerns": {c.risk_id for c in discussion.risk_concerns},
        "readiness": {
            a.item_id: a.answer for a in discussion.readiness_answers if a.phase == "walkthrough"
        },
        "values_note": discussion.values_note,
        "new_question": discussion.draft_question,
    }


def typed_answers(step: Step, form: Any, stored: dict[str, Any]) -> dict[str, Any]:
    answers = dict(stored)
    if step.question is not None:
        others = set(stored["asked"]) - {step.question.id}
        answers["asked"] = others | ({step.question.id} if form.get("ask") == "yes" else set())
    if step.type == "values":
        answers["ratings"] = {
            s.id: form[f"rating-{s.id}"] for s in step.statements if f"rating-{s.id}" in form
        }
        answers["concerns"] = set(form.getlist("concern"))
        answers["values_note"] = form.get("values_note", stored["values_note"])
    if step.type == "readiness":
        answers["readiness"] = {
            i.id: form[f"ready-{i.id}"] for i in step.items if f"ready-{i.id}" in form
        }
    answers["new_question"] = form.get("new_question", stored["new_question"])
    return answers


@bp.route("/w/<token>/step/<int:number>", methods=["GET", "POST"])
def step(token: str, number: int) -> ViewResult:
    discussion, pack = load_discussion(token)
    if not 1 <= number <= len(pack.steps):
        abort(404)
    step = pack.steps[number - 1]
    errors: dict[str, Markup] = {}
    if request.method == "POST":
        errors = answers.answer_step(
            discussion,
            pack,
            step,
            request.form,
            language=current_language().code,
            still_typing=is_autosave() or bool(request.form.get("switch_language")),
        )
        if is_autosave():
            return jsonify(saved=not errors, errors=errors), (422 if errors else 200)  # type: ignore[return-value]
        switch_to = languages().get(request.form.get("switch_language", ""))
        if not errors:
            if switch_to is not None:
                answers.switch_language(discussion, switch_to.code)
                return redirect(url_for(".step", lang=switch_to.code, token=token, number=number))
            if request.form.get("action") == "add":
                return redirect(url_for(".step", token=token, number=number) + "#your-questions")
            if number == len(pack.steps):
                return redirect(url_for(".review", token=token))
            return redirect(url_for(".step", token=token, number=number + 1))
    discussions.record_visit(discussion, step.id)
    shown = current_answers(discussion)
    if request.form:
        # Show what was typed, not what is stored: a refused input can be corrected in place,
        # and a form that came back unsent (token expired) shows every answer as it was left.
        shown = typed_answers(step, request.form, shown)
    score = None
    if step.type == "readiness":
        score = discussions.readiness_score(discussion, tuple(i.id for i in step.items))
    return render_template(
        "walkthrough/step.html",
        pack=pack,
        discussion=discussion,
        step=step,
        number=number,
        total=len(pack.steps),
        answers=shown,
        errors=errors,
        score=score,
        just_started=request.args.get("started") == "1",
        code=discussions.format_code(discussion.code),
    ), (400 if errors else 200)


@bp.route("/w/<token>/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(token: str, question_id: int) -> ViewResult:
    discussion, pack = load_discussion(token)
    question = discussions.patient_question(discussion, question_id) or abort(404)
    number = pack.step_number(pack.step_of_type("own_questions").id)
    back = url_for(".step", token=token, number=number) + "#your-questions"
    error = None
    text = request.form.get("text", question.text)  # as typed, when a form comes back unsent
    if request.method == "POST":
        text = request.form.get("text", "").strip()
        error = answers.reword_question(question, text, current_language().code)
        if error is None:
            return redirect(back)
    return render_template(
        "walkthrough/edit_question.html", question=question, text=text, error=error, back=back
    ), (400 if error else 200)


@bp.route("/w/<token>/questions/<int:question_id>/remove", methods=["GET", "POST"])
def remove_question(token: str, question_id: int) -> ViewResult:
    discussion, pack = load_discussion(token)
    question = discussions.patient_question(discussion, question_id) or abort(404)
    number = pack.step_number(pack.step_of_type("own_questions").id)
    back = url_for(".step", token=token, number=number) + "#your-questions"
    if request.method == "POST":
        answers.remove_question(discussion, question)
        return redirect(back)
    return render_template("walkthrough/remove_question.html", question=question, back=back)


@bp.get("/w/<token>/review")
def review(token: str) -> ViewResult:
    discussion, pack = load_discussion(token)
    readiness = pack.step_of_type("readiness")
    return render_template(
        "walkthrough/review.html",
        pack=pack,
        discussion=discussion,
        answers=current_answers(discussion),
        score=discussions.readiness_score(discussion, tuple(i.id for i in readiness.items)),
        readiness=readiness,
        values=pack.step_of_type("values"),
        number_of={step.id: n for n, step in enumerate(pack.steps, start=1)},
        code=discussions.format_code(discussion.code),
    )


@bp.get("/w/<token>/later")
def later(token: str) -> ViewResult:
    discussion, _pack = load_discussion(token)
    return render_template(
        "walkthrough/later.html",
        discussion=discussion,
        code=discussions.format_code(discussion.code),
        link=external_url("walkthrough.continue_discussion", token=token),
    )
