"""A button pressed while an autosave is still on its way: the form is sent after that save, so
an older autosave never undoes what was just sent, nor looks like someone else's edit."""

from __future__ import annotations

import time

import pytest
from flask import Flask, request
from playwright.sync_api import Browser, expect

from tests.conftest import add_staff_with_authenticator, make_app, serve
from tests.test_browser import Tablet, browser  # noqa: F401 - the browser fixture
from tests.test_staff_browser import NURSE, start_as_nurse

pytestmark = pytest.mark.browser
SLOW = 1.5  # seconds an autosave takes here: a busy ward network


def slow_autosaves(app: Flask, *, before_saving: bool) -> None:
    def wait() -> None:
        if request.headers.get("X-Autosave") == "1":
            time.sleep(SLOW)

    if before_saving:
        app.before_request(wait)
    else:
        app.after_request(lambda response: (wait(), response)[1])


def test_a_patients_continue_is_not_undone_by_an_older_autosave(
    browser: Browser,  # noqa: F811
    database: str,
) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    slow_autosaves(app, before_saving=True)
    with serve(app) as url:
        tablet = Tablet(browser, url, locale="en-GB")
        page = tablet.page
        page.goto(url + "/en/")
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        step = page.url.split("/step/")[0] + "/step/"
        page.goto(step + "8")
        note = page.locator("#values_note")
        note.fill("Getting home")
        with page.expect_request(lambda r: r.headers.get("x-autosave") == "1"):
            pass  # the first autosave is now on its way, and slow
        note.fill("Getting home for the wedding")
        tablet.continue_()
        assert page.url.endswith("/step/9")
        page.wait_for_timeout(SLOW * 1000 + 500)  # long enough for the older save to land
        page.goto(step + "8")
        expect(note).to_have_value("Getting home for the wedding")
        tablet.close()


def test_saving_the_record_right_after_a_change_is_not_a_conflict_with_oneself(
    browser: Browser,  # noqa: F811
    database: str,
) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    with app.app_context():
        add_staff_with_authenticator(NURSE[0], "nurse", NURSE[1], "Sam Nurse")
    slow_autosaves(app, before_saving=False)
    with serve(app) as url:
        tablet = Tablet(browser, url, locale="en-GB")
        page = tablet.page
        start_as_nurse(page, app, url)
        page.goto(page.url.removesuffix("/ready"))
        with page.expect_request(lambda r: r.headers.get("x-autosave") == "1"):
            page.locator("label[for=decision-go-ahead]").click()
        page.locator("#next_steps").fill("Listed for Tuesday")
        with page.expect_navigation():
            page.get_by_role("button", name="Save the record").click()
        expect(page.locator(".app-conflict")).to_have_count(0)
        page.reload()
        expect(page.locator("#next_steps")).to_have_value("Listed for Tuesday")
        expect(page.locator("#decision-go-ahead")).to_be_checked()
        tablet.close()
