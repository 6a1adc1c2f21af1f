"""Static files under content-hashed URLs, so browsers can cache them for a year safely."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, current_app, url_for

ONE_YEAR = 365 * 24 * 3600


@cache
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_url(filename: str) -> str:
    static = Path(current_app.static_folder or "static")
    return url_for("static", filename=filename, v=_digest(static / filename))


def init_app(app: Flask) -> None:
    # Every template links static files through asset_url, so a changed file gets a new URL.
    # (Flask defines this key as None, so setdefault would never apply.)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = ONE_YEAR
    app.jinja_env.globals["asset_url"] = asset_url
