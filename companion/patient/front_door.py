"""The front door: choosing a guide, starting it, coming back with a code, the text size and the
About page."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from .. import discussions
from ..content import ContentPack, packs, versions_of
from ..i18n import _, current_language, languages
from ..settings import settings
from ..web import kiosk, layout, limits
from ..web.hosts import local_path
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
from . import progress
from .blueprint import ViewResult, bp


def only_pack() -> ContentPack | None:
    """The one published guide, or None when there are several to choose from: a second pack
    never takes over the front door because its folder sorts first."""
    published = list(packs().values())
    return published[0] if len(published) == 1 else None


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
    kiosk.hold(discussion.token)
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
            # The code opens the answers again, even on a browser that let go of them before.
            kiosk.hold(discussion.token)
            return progress.welcome_back(discussion)
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


@bp.context_processor
def patient_mode_flag() -> dict[str, Any]:
    return {"in_patient_mode": bool(kiosk.locked_to())}


# What the shared layout shows of the walkthrough (companion/web/layout.py). A tablet handed to a
# patient offers "Give the tablet back", leaves by itself when left alone, and its header title
# leads back to the page the patient is on rather than to the start of a new guide.


def tablet_home() -> str | None:
    locked = kiosk.locked_to()
    return url_for("walkthrough.continue_discussion", token=locked) if locked else None


def about_url(procedure: str, version: str | None) -> str:
    return url_for("walkthrough.about", procedure=procedure, version=version)


def footer_links(procedure: str | None, version: str | None) -> list[layout.Link]:
    # The guide "About this information" is about, where a page names none: the only one.
    about = procedure or (single.id if (single := only_pack()) else None)
    links = [layout.Link(_("About this information"), about_url(about, version))] if about else []
    if kiosk.locked_to():
        links.append(layout.Link(_("Give the tablet back"), url_for("walkthrough.hand_back")))
    else:
        links.append(layout.Link(_("Continue with a code"), url_for("walkthrough.resume")))
    return links


def text_sizes() -> layout.TextSizes:
    action = url_for("walkthrough.text_size")
    return layout.TextSizes(action, text_size_choices(), current_text_size())


def idle_exit() -> layout.IdleExit | None:
    if not kiosk.locked_to():
        return None
    return layout.IdleExit(url_for("walkthrough.hand_back"), settings().kiosk_idle_seconds)


def start_again() -> str:
    """Where a form whose page cannot be shown again leads: the patient's discussion, if the page
    was one of its pages, else the start (url_for puts the request's language back in)."""
    token = (request.view_args or {}).get("token")
    if token:
        return url_for("walkthrough.continue_discussion", token=token)
    return url_for("walkthrough.start")


bp.record_once(
    lambda state: layout.register(
        state,
        front_door=lambda lang: url_for("walkthrough.start", lang=lang),
        home=tablet_home,
        about=about_url,
        text_sizes=text_sizes,
        idle_exit=idle_exit,
        footer=footer_links,
        start_again=start_again,
    )
)
