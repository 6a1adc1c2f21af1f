"""The address outside any language: the front door, in the browser's language.

Which page that is belongs to a feature (web/layout.py); with none, there is no front door.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect
from werkzeug.wrappers import Response

from ..i18n import best_language
from .layout import site

bp = Blueprint("site", __name__)


@bp.get("/")
def front_door() -> Response:
    return redirect(site().front_door(best_language().code) or abort(404))
