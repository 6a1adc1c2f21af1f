"""The patient's blueprint, shared by the modules that add its pages."""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.wrappers import Response as BaseResponse

from ..record.fields import VALUE_RATING

bp = Blueprint("walkthrough", __name__, url_prefix="/<lang>")
# The patient's ratings read by the step, the review and the questions page as the record does.
bp.record_once(lambda state: state.app.jinja_env.globals.update(value_rating=VALUE_RATING))

ViewResult = str | BaseResponse | tuple[str, int]


def is_autosave() -> bool:
    return request.headers.get("X-Autosave") == "1"
