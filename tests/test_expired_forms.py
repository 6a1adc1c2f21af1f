"""A page left open past its security token's lifetime: nothing typed is lost, nothing unchecked is
saved, and the person is told in their own language what to do."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from playwright.sync_api import Browser, expect

from companion.models import Discussion, db
from tests.support.browser import Tablet
from tests.support.database import make_app, production_app
from tests.support.pages import PageClient, check_page, text_of, textarea_value
from tests.support.staff import NURSE, add_staff_with_authenticator, authenticator_code
from tests.support.walkthrough import PatientLink

NOTICE_UR = "آپ کے جوابات ابھی محفوظ نہیں ہوئے"


@pytest.fixture
def app(database: str) -> Flask:
    return make_app(database, WTF_CSRF_ENABLED=True)


@pytest.fixture
def next_morning(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Move the token clock 13 hours on: every token issued before now has expired."""
    real = TimestampSigner.get_timestamp

    def later(self: TimestampSigner) -> int:
        return real(self) + 13 * 3600

    def start() -> None:
        monkeypatch.setattr(TimestampSigner, "get_timestamp", later)

    yield start


def token_on(page: BeautifulSoup, form_selector: str = "main form[method=post]") -> str:
    form = page.select_one(form_selector)
    assert form is not None
    field = form.select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def start_in(client: FlaskClient, lang: str) -> PatientLink:
    pages = PageClient(client)
    token = token_on(pages.get(f"/{lang}/", lang=lang))
    location = pages.post(f"/{lang}/start", {"language": lang, "csrf_token": token})
    assert isinstance(location, str)
    return PatientLink.from_url(location)


def test_a_patients_answers_come_back_unsaved_and_can_then_be_saved(
    app: Flask, next_morning: Callable[[], None]
) -> None:
    client = app.test_client()
    pages = PageClient(client)
    link = start_in(client, "ur")
    page = pages.get(link.step(type="values"), lang="ur")
    typed = {
        "csrf_token": token_on(page),
        "rating-support-ready": "a-lot",
        "concern": ["bleeding"],
        "values_note": "میری پوتی کی شادی <b>اگلے</b> مہینے ہے",
    }
    next_morning()
    response = client.post(link.step(type="values"), data=typed)
    assert response.status_code == 400
    page = check_page(response.get_data(as_text=True), "ur")
    assert NOTICE_UR in text_of(page, "[role=alert]")
    assert page.select_one("#rating-support-ready-a-lot").has_attr("checked")
    assert page.select_one("#concern-bleeding").has_attr("checked")
    assert textarea_value(page.select_one("textarea#values_note")) == typed["values_note"]
    assert "<b>" not in str(page.select_one("textarea#values_note"))
    with app.app_context():
        discussion = db.session.scalar(db.select(Discussion))
        assert discussion is not None
        assert discussion.values_note == "" and not discussion.value_ratings, "nothing unchecked"

    again = client.post(link.step(type="values"), data={**typed, "csrf_token": token_on(page)})
    assert again.status_code == 302 and again.headers["Location"] == link.after(type="values")
    with app.app_context():
        discussion = db.session.scalar(db.select(Discussion))
        assert discussion is not None and discussion.values_note == typed["values_note"]
        assert [c.risk_id for c in discussion.risk_concerns] == ["bleeding"]


def test_a_question_being_written_is_kept(app: Flask, next_morning: Callable[[], None]) -> None:
    client = app.test_client()
    link = start_in(client, "en")
    page = PageClient(client).get(link.step(type="own_questions"), lang="en")
    next_morning()
    response = client.post(
        link.step(type="own_questions"),
        data={"csrf_token": token_on(page), "new_question": "Can my son stay with me?"},
    )
    page = check_page(response.get_data(as_text=True), "en")
    assert response.status_code == 400
    assert "Your answers have not been saved yet" in text_of(page, "[role=alert]")
    assert textarea_value(page.select_one("textarea#new_question")) == "Can my son stay with me?"


def test_autosave_takes_a_fresh_token_and_saves(
    app: Flask, next_morning: Callable[[], None]
) -> None:
    client = app.test_client()
    link = start_in(client, "en")
    stale = token_on(PageClient(client).get(link.step(type="values"), lang="en"))
    next_morning()
    headers = {"X-Autosave": "1"}
    refused = client.post(
        link.step(type="values"),
        data={"csrf_token": stale, "values_note": "Home by Friday"},
        headers=headers,
    )
    assert refused.status_code == 400
    body = refused.get_json()
    assert body["saved"] is False and body["expired"] is True
    saved = client.post(
        link.step(type="values"),
        data={"csrf_token": body["csrf_token"], "values_note": "Home by Friday"},
        headers=headers,
    )
    assert saved.status_code == 200 and saved.get_json()["saved"] is True


def test_leaving_always_works_without_a_token(app: Flask) -> None:
    client = app.test_client()
    link = start_in(client, "en")
    with client.session_transaction() as session:
        session["patient_mode"] = link.token
    handed = client.post("/en/hand-back", data={})
    assert handed.status_code == 302 and handed.headers["Location"].endswith("/handed-back")
    assert client.get(link.first()).headers["Location"].endswith("/handed-back")


def test_staff_typing_is_kept_and_stays_based_on_its_version(
    app: Flask, next_morning: Callable[[], None]
) -> None:
    with app.app_context():
        add_staff_with_authenticator(NURSE[0], "nurse", NURSE[1], "Sam")
    client = app.test_client()
    pages = PageClient(client)
    page = pages.get("/staff/sign-in", lang="en")
    client.post(
        "/staff/sign-in",
        data={
            "email": "nurse@example.org",
            "password": "correct-battery-horse-9",
            "csrf_token": token_on(page),
        },
    )
    page = pages.get("/staff/two-step/code", lang="en")
    code = authenticator_code(app, "nurse@example.org")
    client.post("/staff/two-step/code", data={"code": code, "csrf_token": token_on(page)})
    page = pages.get("/staff/discussions/new", lang="en")
    created = client.post(
        "/staff/discussions/new",
        data={"procedure": "htg492", "language": "bn", "csrf_token": token_on(page)},
    )
    record_url = created.headers["Location"].removesuffix("/ready")
    page = pages.get(record_url, lang="en")
    form = page.select_one("form[data-autosave]")
    assert form is not None
    version = str(form.select_one("input[name=version]")["value"])

    next_morning()
    typed = {
        "csrf_token": token_on(page, "form[data-autosave]"),
        "version": version,
        "next_steps": "Ring the ward on Monday",
        "decision": "planned-pump",
    }
    response = client.post(record_url, data=typed)
    assert response.status_code == 400
    page = check_page(response.get_data(as_text=True), "en")
    assert "Your answers have not been saved yet" in text_of(page, "[role=alert]")
    assert textarea_value(page.select_one("textarea#next_steps")) == "Ring the ward on Monday"
    assert page.select_one("#decision-planned-pump").has_attr("checked")
    assert page.select_one("form[data-autosave] input[name=version]")["value"] == version
    with app.app_context():
        discussion = db.session.scalar(db.select(Discussion))
        assert discussion is not None and discussion.next_steps == ""

    # Signing in again after a night away keeps the email address typed.
    client.post("/staff/sign-out", data={})
    page = pages.get("/staff/sign-in", lang="en")
    stale = token_on(page)
    response = client.post(
        "/staff/sign-in",
        data={"email": "nurse@example.org", "password": "x", "csrf_token": stale[:-2] + "xx"},
    )
    page = check_page(response.get_data(as_text=True), "en")
    assert page.select_one("#email")["value"] == "nurse@example.org"
    assert not page.select_one("#password").get("value")


def test_a_form_with_nothing_to_show_again_explains_and_offers_a_way_back(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/cy/start", data={"language": "cy"})
    assert response.status_code == 400
    page = check_page(response.get_data(as_text=True), "cy")
    link = page.select_one("main a")
    assert link is not None and link["href"] == "/cy/"
    assert not re.search(r"Bad Request|CSRF", page.get_text())
    assert page.select_one("#form-not-saved") is None, "no form here to press again"


@pytest.mark.browser
@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_in_the_browser_a_page_left_overnight_keeps_what_was_typed(
    browser: Browser,
    live_server: str,
    next_morning: Callable[[], None],
    js: bool,
) -> None:
    tablet = Tablet(browser, live_server, locale="ur-PK", js=js)
    page = tablet.page
    page.goto(live_server + "/ur/")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.goto(PatientLink.from_url(page.url).step(type="own_questions"))
    next_morning()
    page.locator("#new_question").fill("کیا میری بیٹی میرے ساتھ رہ سکتی ہے؟")
    if js:
        # Autosave meets the expired token, takes the new one and saves the draft anyway.
        status = page.locator("[data-autosave-status]")
        expect(status).to_have_text(status.get_attribute("data-saved") or "", timeout=10_000)
        page.reload()
        expect(page.locator("#new_question")).to_have_value("کیا میری بیٹی میرے ساتھ رہ سکتی ہے؟")
        return tablet.close()
    with page.expect_navigation():
        page.locator("button[name=action][value=add]").click()
    expect(page.locator("[role=alert]")).to_contain_text(NOTICE_UR)
    expect(page.locator("#new_question")).to_have_value("کیا میری بیٹی میرے ساتھ رہ سکتی ہے؟")
    tablet.look("expired-form-kept-ur", lang="ur")
    with page.expect_navigation():
        page.locator("button[name=action][value=add]").click()
    expect(page.locator(".app-own-question__text")).to_have_text(
        ["کیا میری بیٹی میرے ساتھ رہ سکتی ہے؟"]
    )
    tablet.close()


def test_forms_work_over_https_in_production_without_a_referer(database: str) -> None:
    # Browsers send no Referer here (Referrer-Policy: no-referrer): the token alone must do.
    app = production_app(database, WTF_CSRF_ENABLED=True, PUBLIC_BASE_URL="https://guide.example")
    client = app.test_client()
    pages = PageClient(client)
    page = pages.get("/en/", lang="en", base_url="https://guide.example")
    response = client.post(
        "/en/start",
        data={"language": "en", "csrf_token": token_on(page)},
        base_url="https://guide.example",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.headers["Location"] == PatientLink.from_url(response.headers["Location"]).step(
        1, started="1"
    )
