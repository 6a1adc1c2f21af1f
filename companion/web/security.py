"""Response headers and cookie settings that keep patients' words on this site and this screen.

Every page gets a strict Content-Security-Policy (scripts only from here, the one inline script
by nonce; no inline style; no plugins, no framing, no <base>), no-referrer, nosniff and a
Permissions-Policy; every page that is not a static file gets Cache-Control: no-store, so the
browser keeps no copy of a patient's answers and Back cannot show a previous patient's page.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, g, request

from ..settings import settings

PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )


def csp_nonce() -> str:
    nonce: str | None = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Permissions-Policy"] = PERMISSIONS
    headers["X-Frame-Options"] = "DENY"
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    if response_is_https_only():
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def response_is_https_only() -> bool:
    return settings().production


def template_values() -> dict[str, Any]:
    # base.html's one inline script carries it.
    return {"cspNonce": csp_nonce()}


def init_app(app: Flask) -> None:
    production = app.extensions["companion.settings"].production
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        # Outside development the app is only ever reached over TLS (see README, Production).
        SESSION_COOKIE_SECURE=production,
    )
    app.after_request(add_headers)
    app.context_processor(template_values)
