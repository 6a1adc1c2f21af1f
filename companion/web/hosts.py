"""Which host names the app answers to, and the one address every absolute link is built from.

A request's Host header is typed by whoever sends it. Links that leave the page (the patient's
"continue later" link, the hand-over link and its QR code) are built from PUBLIC_BASE_URL when it
is set, never from the header; and a request naming a host outside TRUSTED_HOSTS is refused
before any view runs, so no redirect or page can be made to point somewhere else.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, url_for
from werkzeug.exceptions import SecurityError

from ..settings import settings


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link to give away: from PUBLIC_BASE_URL when set, else from the checked host."""
    base_url = settings().public_base_url
    if base_url:
        return str(base_url).rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def local_path(target: str | None) -> str | None:
    """The target when it is a path on this site that a Location header can carry, else None:
    a crafted form or link can neither send the reader elsewhere (`//host`, `\\host`, a scheme)
    nor break the header (a line break, NUL or other character that prints nothing)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if not target.isprintable():
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def untrusted_host(error: SecurityError) -> tuple[str, int, dict[str, str]]:
    # No template: building any link here would need the host this request cannot be trusted on.
    body = (
        '<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>Bad request</title>'
        "<p>This address is not served here.</p></html>"
    )
    return body, 400, {"Content-Type": "text/html; charset=utf-8"}


def init_app(app: Flask) -> None:
    app.config["TRUSTED_HOSTS"] = app.extensions["companion.settings"].hosts_answered()
    app.register_error_handler(SecurityError, untrusted_host)
