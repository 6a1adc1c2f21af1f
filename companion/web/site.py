"""Pages outside any language: the front door, and error pages in the reader's language.

An error page speaks the language of the page it replaces: the language in the URL, where the
URL has one, even when the URL did not match a route.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from ..i18n import best_language, languages
from ..models import db
from .layout import site
from .limits import everyone_key

bp = Blueprint("site", __name__)

# When even the error page cannot be drawn: plain words, no template, no database.
LAST_RESORT = (
    '<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with the guide</title></head><body><main>"
    "<h1>Sorry, there is a problem with the guide</h1>"
    "<p>Answers you saved before this are not lost. Please try again in a few minutes.</p>"
    "<p>If this keeps happening, ask your nurse or doctor for help.</p></main></body></html>"
)


@bp.get("/")
def front_door() -> Response:
    """The guide's front door in the browser's language (a feature gives it: web/layout.py)."""
    return redirect(site().front_door(best_language().code) or abort(404))


def speak_the_language_of_the_url() -> None:
    """Where routing failed before the URL's language was read, read it from the path."""
    if g.get("language") is None:
        code = request.path.split("/")[1] if request.path.count("/") > 1 else ""
        if code in languages():
            g.language = languages()[code]


@bp.app_errorhandler(404)
def not_found(error: HTTPException) -> tuple[str, int]:
    unknown = g.get("unknown_language")
    if not unknown:
        speak_the_language_of_the_url()
    return render_template("errors/not_found.html", unknown_language=unknown), 404


@bp.app_errorhandler(405)
def method_not_allowed(error: HTTPException) -> tuple[str, int]:
    speak_the_language_of_the_url()
    return render_template("errors/method_not_allowed.html"), 405


@bp.app_errorhandler(429)
def too_many(error: HTTPException) -> tuple[str, int]:
    speak_the_language_of_the_url()
    # Slowed for everyone (the budget of wrong codes is spent), not for what this device did.
    slowed = getattr(getattr(error, "limit", None), "key_func", None) is everyone_key
    return render_template("errors/too_many.html", slowed=slowed), 429


@bp.app_errorhandler(400)
def bad_request(error: HTTPException) -> tuple[str, int]:
    # The description is English and technical; the page explains in the reader's language.
    speak_the_language_of_the_url()
    return render_template("errors/bad_request.html"), 400


@bp.app_errorhandler(413)
def too_large(error: HTTPException) -> tuple[str, int]:
    # A short page that repeats nothing of what was sent, in the reader's language.
    speak_the_language_of_the_url()
    return render_template("errors/too_large.html"), 413


@bp.app_errorhandler(InternalServerError)
def server_error(error: InternalServerError) -> tuple[str, int]:
    """An exception no view handled: a kind page, no internals; what the request changed is
    rolled back (web/transactions) and the exception logged without its message (web/logs)."""
    db.session.rollback()  # the page may need the database, which may be mid-failure
    try:
        speak_the_language_of_the_url()
        page = render_template("errors/server_error.html", reference=g.get("request_id", ""))
    except Exception:  # whatever broke the view may break its error page too
        return LAST_RESORT, 500
    return page, 500
