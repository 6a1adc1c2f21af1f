"""Every error page is drawn by the foundations alone: with no feature blueprint registered
(app.create_foundations), and with every feature; with the heart pump guide, and with a second
guide whose folder sorts first. Each is a whole page (one h1, lang and dir, nothing missing) in
the language of its URL. A page's own script (autosave) gets the error as JSON instead.

A blueprint of the test's own fails on purpose in each way a request can fail.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Blueprint, Flask, abort, request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import add_features, create_foundations
from tests.support.content import with_a_second_guide
from tests.support.database import SECRET_KEY
from tests.support.pages import check_page, text_of

failing = Blueprint("failing", __name__, url_prefix="/<lang>/failing")


@failing.get("/<int:code>")
def fail(code: int) -> str:
    abort(code)


@failing.get("/crash")
def crash() -> str:
    raise RuntimeError("a view that breaks")


@failing.post("/form")
def form() -> str:
    """Only posted to (no page to show again when its token has expired); reads the form."""
    return request.form.get("anything", "")


def app_with(features: bool, content: Path | None) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        # As in production: a broken view gets the error page, and forms need their token.
        "PROPAGATE_EXCEPTIONS": False,
        "WTF_CSRF_ENABLED": True,
    }
    if content is not None:
        config["CONTENT_DIR"] = str(content)
    app = create_foundations(config)
    if features:
        add_features(app)
    app.register_blueprint(failing)
    return app


Send = Callable[[FlaskClient, str], TestResponse]
# Each way of failing: its status, how to send it in a language, and its page's English heading.
FAILURES: list[tuple[str, int, Send, str]] = [
    ("bad request", 400, lambda c, lang: c.get(f"/{lang}/failing/400"), "Something went wrong"),
    ("a role refused", 403, lambda c, lang: c.get(f"/{lang}/failing/403"), "You cannot open"),
    ("no such page", 404, lambda c, lang: c.get(f"/{lang}/no-such-page"), "Page not found"),
    ("wrong method", 405, lambda c, lang: c.get(f"/{lang}/failing/form"), "Something went wrong"),
    (
        "too large",
        413,
        lambda c, lang: c.post(f"/{lang}/failing/form", data={"anything": "x" * 3_000_000}),
        "That was too much to send",
    ),
    ("too many", 429, lambda c, lang: c.get(f"/{lang}/failing/429"), "Please wait a moment"),
    ("a broken view", 500, lambda c, lang: c.get(f"/{lang}/failing/crash"), "Sorry, there is"),
    # Sent without its token, from a page that cannot be shown again.
    ("form expired", 400, lambda c, lang: c.post(f"/{lang}/failing/form"), "This page timed out"),
]


@pytest.mark.parametrize("features", [False, True], ids=["foundations only", "with features"])
@pytest.mark.parametrize("second_guide", [False, True], ids=["one guide", "a second guide"])
def test_every_error_page_is_whole_in_the_language_of_its_url(
    tmp_path: Path, features: bool, second_guide: bool
) -> None:
    app = app_with(features, with_a_second_guide(tmp_path) if second_guide else None)
    client = app.test_client()
    for failure, status, send, english in FAILURES:
        for lang in ("en", "ur"):
            response = send(client, lang)
            assert response.status_code == status, (failure, lang)
            page = check_page(response.get_data(as_text=True), lang)
            heading = text_of(page, "h1")
            # Only staff pages refuse a role, and staff pages are in English.
            assert (english in heading) == (lang == "en" or status == 403), (failure, heading)
            if not features:
                assert page.select("main a") == [], "no feature gave a page to go on to"


def test_the_way_on_is_the_front_door_a_feature_gave(tmp_path: Path) -> None:
    client = app_with(True, None).test_client()
    page = check_page(client.get("/ur/no-such-page").get_data(as_text=True), "ur")
    assert [a["href"] for a in page.select("main a")] == ["/ur/"]
    assert page.select_one("header a.app-header__name")["href"] == "/ur/"
    bare = app_with(False, None).test_client()
    page = check_page(bare.get("/ur/no-such-page").get_data(as_text=True), "ur")
    assert page.select_one("header a") is None, "no front door to lead to"
    assert bare.get("/").status_code == 404


def test_a_language_the_guide_is_not_in_lists_those_it_is(tmp_path: Path) -> None:
    for features, links in ((True, True), (False, False)):
        client = app_with(features, None).test_client()
        response = client.get("/xx/failing/400", headers={"Accept-Language": "en"})
        assert response.status_code == 404
        page = check_page(response.get_data(as_text=True), "en")
        assert text_of(page, "h1") == "This language is not available"
        choices = page.select(".app-language-choices li")
        assert len(choices) > 10 and choices[0].get_text(strip=True) == "English"
        assert bool(page.select(".app-language-choices a")) is links


@pytest.mark.parametrize("features", [False, True], ids=["foundations only", "with features"])
def test_a_pages_own_script_gets_the_error_as_json(features: bool) -> None:
    client = app_with(features, None).test_client()
    autosave = {"X-Autosave": "1"}
    for path, status in (("/en/failing/400", 400), ("/en/no-such-page", 404)):
        response = client.get(path, headers=autosave)
        assert response.status_code == status
        assert response.get_json() == {"saved": False, "status": status}
    crashed = client.get("/en/failing/crash", headers=autosave)
    assert crashed.status_code == 500 and crashed.get_json() == {"saved": False, "status": 500}
    expired = client.post("/en/failing/form", headers=autosave)
    assert expired.status_code == 400
    assert expired.get_json()["expired"] is True and expired.get_json()["csrf_token"]
