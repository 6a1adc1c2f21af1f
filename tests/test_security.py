"""Headers and cookies on every route: what keeps patients' words on this site and screen."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.database import PUBLIC_BASE_URL, production_app
from tests.support.staff import signed_in_with_discussion
from tests.support.walkthrough import PatientLink


@pytest.fixture
def signed_in(database: str) -> tuple[Flask, FlaskClient, dict[str, str]]:
    # An admin, so the walk reaches the audit trail too.
    app, client, discussion_id = signed_in_with_discussion(database, "ur", "S1", role="admin")
    patient = app.test_client()
    link = PatientLink.from_url(
        patient.post("/en/start", data={"language": "en"}).headers["Location"]
    )
    token = link.token
    patient.post(link.step(type="own_questions"), data={"new_question": "q", "action": "add"})
    values = {
        "lang": "en",
        "token": token,
        "number": "3",
        "question_id": "1",
        "procedure": "htg492",
        "discussion_id": str(discussion_id),
    }
    return app, client, values


def every_get_url(app: Flask, values: dict[str, str]) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(\w+:)?{name}>", values[name], url)
        urls.append(url)
    return urls


def test_every_page_sends_the_security_headers_and_no_store(
    signed_in: tuple[Flask, FlaskClient, dict[str, str]],
) -> None:
    app, client, values = signed_in
    urls = every_get_url(app, values)
    assert len(urls) >= 19
    for url in urls:
        response = client.get(url)
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "style-src 'self'",
        ):
            assert directive in csp, (url, directive)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "no-referrer", url
        assert "camera=()" in headers["Permissions-Policy"], url
        assert headers["Cache-Control"] == "no-store", url
        assert "Strict-Transport-Security" not in headers, "no HSTS in development"
        if response.mimetype != "text/html":
            continue
        body = response.get_data(as_text=True)
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        for script in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", body):
            assert f'nonce="{nonce}"' in script, f"inline script without this page's nonce on {url}"
        assert ' style="' not in body, f"inline style on {url}"


def test_the_nonce_changes_with_every_response(client: FlaskClient) -> None:
    first = client.get("/en/").headers["Content-Security-Policy"]
    second = client.get("/en/").headers["Content-Security-Policy"]
    assert first != second


def test_static_files_stay_cacheable(client: FlaskClient) -> None:
    page = client.get("/en/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.css\?v=\w+)"', page).group(1)
    assert "no-store" not in client.get(css).headers.get("Cache-Control", "")


def test_session_cookie_is_strict_and_http_only(client: FlaskClient) -> None:
    response = client.get("/en/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie


def test_a_patients_pages_set_only_their_own_session_cookie(client: FlaskClient) -> None:
    """A patient is never treated as a staff session: no cookie-clearing header, and a page seen
    again leaves the session as it was (nothing rewritten on every page)."""
    first = client.get("/en/")
    assert [c.split("=", 1)[0] for c in first.headers.getlist("Set-Cookie")] == ["session"]
    token = re.search(r'name="csrf_token" value="([^"]+)"', first.get_data(as_text=True))
    assert token
    started = client.post("/en/start", data={"language": "en", "csrf_token": token[1]})
    link = PatientLink.from_url(started.headers["Location"])
    values = link.step(type="values")
    for address in (link.step(1), values, values, link.review()):
        response = client.get(address)
        assert response.status_code == 200
        assert response.headers.getlist("Set-Cookie") == [], address


def test_production_adds_hsts_and_secure_cookies(database: str) -> None:
    app = production_app(database)
    response = app.test_client().get("/en/", base_url=PUBLIC_BASE_URL)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"]
