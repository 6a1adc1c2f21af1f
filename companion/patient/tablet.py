"""The tablet: which discussion this browser may show, a tablet handed over by a nurse, giving it
back, and clearing it (see web/kiosk for the tablet that forgets)."""

from __future__ import annotations

from flask import Response, abort, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from .. import discussions
from ..content import ContentPack, pack_shown
from ..models import Discussion, utcnow
from ..record import after_sign_off
from ..settings import settings
from ..web import kiosk
from ..web.csrf import always_allowed
from .blueprint import ViewResult, bp

# Endpoints a tablet handed to a patient may show; anything else returns to their discussion.
PATIENT_MODE_ENDPOINTS = {
    "walkthrough.continue_discussion",
    "walkthrough.step",
    "walkthrough.edit_question",
    "walkthrough.remove_question",
    "walkthrough.review",
    "walkthrough.finish",
    "walkthrough.before_finishing",
    "walkthrough.finished",
    "walkthrough.questions_to_print",
    "walkthrough.later",
    "walkthrough.about",
    "walkthrough.text_size",
}


def give_the_tablet_back() -> None:
    """Forget the patient on this tablet at once: only a neutral screen until staff sign in."""
    discussion = discussions.find_by_token(kiosk.locked_to() or "")
    if discussion is not None:
        discussion.handed_back_at = utcnow()  # committed with this request
    kiosk.forget_every_discussion()
    session["tablet_returned"] = True


def return_the_tablet() -> BaseResponse:
    give_the_tablet_back()
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
    locked = kiosk.locked_to()
    if not locked:
        return None
    if not kiosk.still_attended(settings().kiosk_idle_seconds):
        return return_the_tablet()
    if request.endpoint == "walkthrough.hand_back":
        return None
    if request.endpoint in PATIENT_MODE_ENDPOINTS and token in (None, locked):
        return None
    return redirect(url_for(".continue_discussion", token=locked))


def load_discussion(
    token: str, *, opening_the_link: bool = False
) -> tuple[Discussion, ContentPack]:
    """The discussion this page is about, if this browser may show it.

    Its address alone is not enough (it stays in the tablet's history): the browser must hold
    the discussion, or be opening the patient's link, which it may unless it let go of that
    discussion before; then only the code opens it again."""
    discussion = discussions.find_by_token(token)
    if discussion is None:
        abort(404)
    if discussions.is_expired(discussion):
        abort(Response(render_template("walkthrough/expired.html"), status=410))
    if not kiosk.holds(token):
        if not opening_the_link or kiosk.was_let_go(token):
            # Said where it was asked, not by a redirect: the history gains no new entry.
            abort(Response(render_template("walkthrough/cleared.html"), status=403))
        kiosk.hold(token)
    g.discussion = discussion
    if not kiosk.locked_to():  # a tablet staff handed over is not the patient's own
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
    locked = kiosk.locked_to()
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


@bp.post("/w/<token>/clear")
def clear(token: str) -> BaseResponse:
    """A patient who started on a shared tablet: this browser forgets their discussion. The
    answers stay saved; the code opens them again."""
    load_discussion(token)
    kiosk.forget_every_discussion()
    return redirect(url_for(".cleared"))


@bp.get("/cleared")
def cleared() -> ViewResult:
    return render_template("walkthrough/cleared.html")
