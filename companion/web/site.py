"""Pages outside any language: the front door, and error pages in the reader's language."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from ..i18n import best_language

bp = Blueprint("site", __name__)


@bp.get("/")
def front_door() -> Response:
    return redirect(url_for("walkthrough.start", lang=best_language().code))


@bp.app_errorhandler(404)
def not_found(error: HTTPException) -> tuple[str, int]:
    unknown = g.get("unknown_language")
    return render_template("errors/not_found.html", unknown_language=unknown), 404


@bp.app_errorhandler(429)
def too_many(error: HTTPException) -> tuple[str, int]:
    return render_template("errors/too_many.html"), 429


@bp.app_errorhandler(400)
def bad_request(error: HTTPException) -> tuple[str, int]:
    # The description is English and technical; the page explains in the reader's language.
    return render_template("errors/bad_request.html"), 400


@bp.app_errorhandler(413)
def too_large(error: HTTPException) -> tuple[str, int]:
    # A short page that repeats nothing of what was sent, in the reader's language.
    return render_template("errors/too_large.html"), 413
