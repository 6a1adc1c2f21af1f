"""The patient's walkthrough: language, steps, own questions, values, readiness and review.

Every form posts and redirects (works without JavaScript); with JavaScript the same endpoints take
autosave posts as the patient types and answer with JSON instead of a redirect.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    get_flashed_messages,
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
from ..content import NOT_SURE, ContentPack, Step, pack_shown, packs, versions_of
from ..i18n import _, current_language, languages
from ..models import Discussion, utcnow
from ..record import after_sign_off
from ..record.fields import VALUE_RATING
from ..settings import settings
from ..web import limits
from ..web.csrf import always_allowed
from ..web.hosts import external_url, local_path
from ..web.kiosk import PATIENT_MODE, PATIENT_SEEN
from ..web.limits import (
    RESUME_PER_ADDRESS,
    RESUME_PER_BROWSER,
    RESUME_PER_CODE,
    RESUME_WHEN_SPENT,
    budget_left,
    everyone_key,
    limiter,
    resume_address_key,
    resume_browser_key,
    resume_code_key,
    wrong_code,
)
from ..web.qr import qr_svg
from . import answers

bp = Blueprint("walkthrough", __name__, url_prefix="/<lang>")
# The patient's ratings read by the step, the review and the questions page as the record does.
bp.record_once(lambda state: state.app.jinja_env.globals.update(value_rating=VALUE_RATING))

ViewResult = str | BaseResponse | tuple[str, int]


def only_pack() -> ContentPack | None:
    """The one published guide, or None when there are several to choose from: a second pack
    never takes over the front door because its folder sorts first."""
    published = list(packs().values())
    return published[0] if len(published) == 1 else None


def is_autosave() -> bool:
    return request.headers.get("X-Autosave") == "1"


@bp.get("/")
def start() -> ViewResult:
    """The front door: the guide itself, or with several guides, the decisions to choose from."""
    single = only_pack()
    if single is None:
        return render_template("walkthrough/choose.html", packs=list(packs().values()))
    return render_template("walkthrough/start.html", pack=single)


@bp.get("/guide/<procedure>")
def start_procedure(procedure: str) -> ViewResult:
    """One guide's start page, reached from the list of decisions."""
    return render_template("walkthrough/start.html", pack=packs().get(procedure) or abort(404))


@bp.post("/start")
def begin() -> ViewResult:
    chosen = languages().get(request.form.get("language", ""), current_language())
    single = only_pack()
    procedure = request.form.get("procedure") or (single.id if single else "")
    if procedure not in packs():
        abort(400)
    discussion = discussions.start_discussion(
        procedure, chosen.code, link_days=settings().patient_link_days
    )
    return redirect(url_for(".step", lang=chosen.code, token=discussion.token, number=1, started=1))


@bp.route("/resume", methods=["GET", "POST"])
@limiter.limit(
    RESUME_PER_BROWSER, methods=["POST"], key_func=resume_browser_key, deduct_when=wrong_code
)
@limiter.limit(RESUME_PER_CODE, methods=["POST"], key_func=resume_code_key, deduct_when=wrong_code)
@limiter.limit(
    RESUME_PER_ADDRESS, methods=["POST"], key_func=resume_address_key, deduct_when=wrong_code
)
@limiter.limit(RESUME_WHEN_SPENT, methods=["POST"], key_func=everyone_key, exempt_when=budget_left)
def resume() -> ViewResult:
    typed = request.form.get("code", "")
    error = None
    if request.method == "POST":
        discussion = discussions.find_by_code(typed)
        if not discussions.normalise_code(typed):
            error = _("Enter your code.")
        elif discussion is None:
            error = _(
                "We could not find that code. Check it and try again. "
                "A code has 8 letters and numbers, like %(example)s.",
                example="ACDE-3467",
            )
        elif discussions.is_expired(discussion):
            limits.count_wrong_code()
            return render_template("walkthrough/expired.html"), 410
        else:
            # The code opens the answers again on a browser that cleared them before.
            cleared = session.get(CLEARED, [])
            if token_mark(discussion.token) in cleared:
                session[CLEARED] = [m for m in cleared if m != token_mark(discussion.token)]
            return redirect(url_for(".continue_discussion", token=discussion.token))
    if error:
        limits.count_wrong_code()
    status = 400 if error else 200
    return render_template("walkthrough/resume.html", typed=typed, error=error), status


# Text sizes, by the value kept in the reader's cookie and set on <html> (see app.css).
TEXT_SIZE_COOKIE = "text_size"


def text_size_choices() -> list[tuple[str, Markup]]:
    return [
        # Translators: the four text sizes a reader can choose, from smallest to largest.
        ("-1", _("Small")),
        ("0", _("Medium")),
        ("1", _("Large")),
        ("2", _("Very large")),
    ]


def current_text_size() -> str:
    size = request.cookies.get(TEXT_SIZE_COOKIE, "0")
    return size if size in ("-1", "0", "1", "2") else "0"


def remember_text_size(response: BaseResponse, size: str) -> BaseResponse:
    if size in ("-1", "0", "1", "2"):
        response.set_cookie(
            TEXT_SIZE_COOKIE, size, max_age=365 * 24 * 3600, samesite="Lax", httponly=False
        )
    return response


@bp.post("/text-size")
def text_size() -> BaseResponse:
    """Without JavaScript: the chosen size, remembered in a cookie, then the same page again."""
    response = redirect(local_path(request.form.get("next")) or url_for(".start"))
    return remember_text_size(response, request.form.get("text_size", ""))


@bp.get("/about/<procedure>")
def about(procedure: str) -> ViewResult:
    pack = packs().get(procedure) or abort(404)
    # From a discussion's pages: about the version that patient is reading.
    version = request.args.get("version")
    if version is not None:
        pack = versions_of(procedure).get(version) or abort(404)
    return render_template(
        "walkthrough/about.html",
        pack=pack,
        retention_days=settings().retention_days,
    )


# Endpoints a tablet handed to a patient may show; anything else returns to their discussion.
PATIENT_MODE_ENDPOINTS = {
    "walkthrough.continue_discussion",
    "walkthrough.step",
    "walkthrough.edit_question",
    "walkthrough.remove_question",
    "walkthrough.review",
    "walkthrough.finish",
    "walkthrough.finished",
    "walkthrough.questions_to_print",
    "walkthrough.later",
    "walkthrough.about",
    "walkthrough.text_size",
}

# Discussions this browser was cleared of (a patient on a shared tablet pressed "Clear this
# tablet"): a digest of each link's token, never the token itself, which would reopen it.
CLEARED = "cleared"


def token_mark(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:24]


@bp.app_context_processor
def patient_mode_flag() -> dict[str, Any]:
    # A tablet handed to a patient offers "Give the tablet back", and its header title leads back
    # to the page the patient is on rather than to the start of a new guide.
    locked = session.get(PATIENT_MODE)
    return {
        "in_patient_mode": bool(locked),
        "patient_home_url": url_for("walkthrough.continue_discussion", token=locked)
        if locked
        else None,
        "text_size": current_text_size(),
        "kiosk_idle_seconds": settings().kiosk_idle_seconds,
        "text_size_choices": text_size_choices,
        # The guide the footer's "About this information" is about where a page names none.
        "only_procedure": single.id if (single := only_pack()) else "",
    }


def return_the_tablet() -> BaseResponse:
    """Forget the patient on this tablet at once: only a neutral screen until staff sign in."""
    discussion = discussions.find_by_token(session.get(PATIENT_MODE) or "")
    if discussion is not None:
        discussion.handed_back_at = utcnow()  # committed with this request
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
    token = (request.view_args or {}).get("token")
    if token and token_mark(token) in session.get(CLEARED, []):
        return redirect(url_for(".cleared"))
    locked = session.get(PATIENT_MODE)
    if not locked:
        return None
    now = time.time()
    if now - session.get(PATIENT_SEEN, now) > settings().kiosk_idle_seconds:
        return return_the_tablet()
    session[PATIENT_SEEN] = now
    if request.endpoint == "walkthrough.hand_back":
        return None
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
    if not session.get(PATIENT_MODE):  # a tablet staff handed over is not the patient's own
        discussions.patient_opened(discussion)
    pack = pack_shown(discussion.procedure, discussion.content_version)
    if request.method == "POST":
        g.answers_before_this_request = after_sign_off.watch(discussion, pack)
    return discussion, pack


@bp.after_request
def keep_changes_after_sign_off(response: BaseResponse) -> BaseResponse:
    """A change the patient made to a signed record is kept beside it, not in it (committed with
    the request, which runs after this)."""
    before = g.pop("answers_before_this_request", None)
    if before is not None and response.status_code < 500:
        after_sign_off.keep(g.discussion, before)
    return response


@bp.route("/hand-back", methods=["GET", "POST"])
@always_allowed
def hand_back() -> ViewResult:
    """Asks first, saying what happens; only the confirming button gives the tablet back."""
    locked = session.get(PATIENT_MODE)
    if request.method == "POST":
        return return_the_tablet()
    if not locked:
        return redirect(url_for(".start"))
    return render_template(
        "walkthrough/hand_back.html",
        guide_url=url_for(".continue_discussion", token=locked),
    )


@bp.get("/handed-back")
def handed_back() -> ViewResult:
    return render_template("walkthrough/handed_back.html")


@bp.get("/w/<token>/")
def continue_discussion(token: str) -> ViewResult:
    """Back to the page the patient left: the step they were on, or their answers."""
    discussion, pack = load_discussion(token)
    if discussion.current_page == discussions.REVIEW_PAGE:
        return redirect(url_for(".review", token=token))
    step_ids = [step.id for step in pack.steps]
    number = (
        step_ids.index(discussion.current_page) + 1 if discussion.current_page in step_ids else 1
    )
    return redirect(url_for(".step", token=token, number=number))


def current_answers(discussion: Discussion) -> dict[str, Any]:
    return discussions.walkthrough_answers(discussion)


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
    if step.type == "leaning":
        answers["leaning"] = form.get("leaning", stored["leaning"])
        answers["leaning_reason"] = form.get("leaning_reason", stored["leaning_reason"])
    if step.type == "readiness":
        answers["readiness"] = {
            i.id: form[f"ready-{i.id}"] for i in step.items if f"ready-{i.id}" in form
        }
    answers["new_question"] = form.get("new_question", stored["new_question"])
    return answers


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
        parts = kept[key] = {
            # A macro's result is already Markup: the environment autoescapes.
            "text": macros.text(pack, step),  # type: ignore[attr-defined]
            "references": macros.references(pack, step),  # type: ignore[attr-defined]
        }
    return parts


def coming_from_review() -> bool:
    return request.values.get("from") == "review"


@bp.route("/w/<token>/step/<int:number>", methods=["GET", "POST"])
def step(token: str, number: int) -> ViewResult:
    discussion, pack = load_discussion(token)
    if not 1 <= number <= len(pack.steps):
        abort(404)
    step = pack.steps[number - 1]
    from_review = coming_from_review()
    back_to: dict[str, Any] = {"from": "review"} if from_review else {}
    errors: dict[str, Markup] = {}
    if request.method == "POST":
        errors = answers.answer_step(
            discussion,
            pack,
            step,
            request.form,
            language=current_language().code,
            # Not yet added by the patient: a question in the box stays there, in any language.
            still_typing=is_autosave()
            or bool(request.form.get("switch_language") or request.form.get("text_size")),
        )
        if is_autosave():
            return jsonify(saved=not errors, errors=errors), (422 if errors else 200)  # type: ignore[return-value]
        switch_to = languages().get(request.form.get("switch_language", ""))
        size = request.form.get("text_size")
        action = request.form.get("action")
        if not errors:
            if switch_to is not None:
                answers.switch_language(discussion, switch_to.code)
                return redirect(
                    url_for(".step", lang=switch_to.code, token=token, number=number, **back_to)
                )
            if size is not None:
                here = redirect(url_for(".step", token=token, number=number, **back_to))
                return remember_text_size(here, size)
            if action == "add":
                flash("added", "question")
                return redirect(
                    url_for(".step", token=token, number=number, **back_to) + "#your-questions"
                )
            # Moving on, or stopping here for now: the patient has been shown this page.
            discussions.record_visit(discussion, step.id)
            if action == "later":
                return redirect(url_for(".later", token=token))
            if from_review or number == len(pack.steps):
                return redirect(url_for(".review", token=token))
            return redirect(url_for(".step", token=token, number=number + 1))
    discussions.show_page(discussion, step.id)
    stored = shown = current_answers(discussion)
    if request.form:
        # Show what was typed, not what is stored: a refused input can be corrected in place,
        # and a form that came back unsent (token expired) shows every answer as it was left.
        shown = typed_answers(step, request.form, shown)
    score = None
    if step.type == "readiness":
        score = discussions.score_of(stored["readiness"], tuple(i.id for i in step.items))
    notices = get_flashed_messages(category_filter=["question"])
    just_started = request.args.get("started") == "1"
    context: dict[str, Any] = dict(
        pack=pack,
        step=step,
        parts=step_parts(pack, number),
        number=number,
        total=len(pack.steps),
        score=score,
        from_review=from_review,
        number_of={s.id: n for n, s in enumerate(pack.steps, start=1)},
        not_sure=NOT_SURE,
    )
    return render_template(
        "walkthrough/step.html",
        **context,
        discussion=discussion,
        answers=shown,
        errors=errors,
        just_started=just_started,
        code=discussions.format_code(discussion.code),
        notice=notices[-1] if notices and step.type == "own_questions" else None,
    ), (400 if errors else 200)


def own_questions_url(token: str, pack: ContentPack) -> str:
    number = pack.step_number(pack.step_of_type("own_questions").id)
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
    discussions.show_page(discussion, discussions.REVIEW_PAGE)
    readiness = pack.step_of_type("readiness")
    return render_template(
        "walkthrough/review.html",
        pack=pack,
        discussion=discussion,
        answers=current_answers(discussion),
        score=discussions.readiness_score(discussion, tuple(i.id for i in readiness.items)),
        readiness=readiness,
        values=pack.step_of_type("values"),
        leaning=next((s for s in pack.steps if s.type == "leaning"), None),
        not_sure=NOT_SURE,
        number_of={step.id: n for n, step in enumerate(pack.steps, start=1)},
        code=discussions.format_code(discussion.code),
    )


@bp.post("/w/<token>/finish")
def finish(token: str) -> BaseResponse:
    discussion, _pack = load_discussion(token)
    discussions.finish(discussion)
    return redirect(url_for(".finished", token=token))


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
        answers=current_answers(discussion),
        values=pack.step_of_type("values"),
    )


@bp.post("/w/<token>/clear")
def clear(token: str) -> BaseResponse:
    """A patient who started on a shared tablet: this browser forgets their discussion. The
    answers stay saved; the code opens them again."""
    load_discussion(token)
    cleared = [m for m in session.get(CLEARED, []) if m != token_mark(token)]
    session.clear()
    session[CLEARED] = [*cleared, token_mark(token)][-20:]
    return redirect(url_for(".cleared"))


@bp.get("/cleared")
def cleared() -> ViewResult:
    return render_template("walkthrough/cleared.html")


@bp.get("/w/<token>/later")
def later(token: str) -> ViewResult:
    discussion, _pack = load_discussion(token)
    link = external_url("walkthrough.continue_discussion", token=token)
    return render_template(
        "walkthrough/later.html",
        discussion=discussion,
        code=discussions.format_code(discussion.code),
        link=link,
        qr=qr_svg(link, _("QR code of your link").striptags()),
        today=utcnow(),
    )
