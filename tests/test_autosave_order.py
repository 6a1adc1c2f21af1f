"""A button pressed while an autosave is still on its way: the form is sent after that save, so
an older autosave never undoes what was just sent, nor looks like someone else's edit."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask, request
from playwright.sync_api import Browser, expect

from tests.support.browser import Tablet, start_as_nurse
from tests.support.database import make_app, serve
from tests.support.staff import NURSE, add_staff_with_authenticator
from tests.support.waiting import eventually
from tests.support.walkthrough import PatientLink

pytestmark = pytest.mark.browser
SLOW = 1.5  # seconds an autosave takes here: a busy ward network


class SlowAutosaves:
    """Autosaves that take SLOW seconds on the server, before or after saving; counts those
    finished so that a test can wait for the last one to land."""

    def __init__(self, app: Flask, *, before_saving: bool) -> None:
        self.started = 0
        self.finished = 0
        self.lock = threading.Lock()

        def is_autosave() -> bool:
            return request.headers.get("X-Autosave") == "1"

        def begin() -> None:
            if is_autosave():
                with self.lock:
                    self.started += 1
                if before_saving:
                    # The slow network is what is under test, so this one wait is deliberate.
                    time.sleep(SLOW)

        def end(response: object) -> object:
            if is_autosave() and not before_saving:
                time.sleep(SLOW)  # deliberate, as above: the answer is slow to come back
            return response

        def count(_error: BaseException | None) -> None:
            if is_autosave():
                with self.lock:
                    self.finished += 1

        app.before_request(begin)
        app.after_request(end)
        app.teardown_request(count)

    def all_landed(self) -> bool:
        with self.lock:
            return self.started > 0 and self.finished == self.started


def test_a_patients_continue_is_not_undone_by_an_older_autosave(
    browser: Browser,
    database: str,
) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    slow = SlowAutosaves(app, before_saving=True)
    with serve(app) as url:
        tablet = Tablet(browser, url, locale="en-GB")
        page = tablet.page
        page.goto(url + "/en/")
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        link = PatientLink.from_url(
            page.url,
        )
        page.goto(link.step(type="values"))
        note = page.locator("#values_note")
        note.fill("Getting home")
        with page.expect_request(lambda r: r.headers.get("x-autosave") == "1"):
            pass  # the first autosave is now on its way, and slow
        note.fill("Getting home for the wedding")
        tablet.continue_()
        assert page.url == link.after(type="values")
        eventually(slow.all_landed, within=SLOW * 10, what="the older autosave to land")
        page.goto(link.step(type="values"))
        expect(note).to_have_value("Getting home for the wedding")
        tablet.close()


def test_saving_the_record_right_after_a_change_is_not_a_conflict_with_oneself(
    browser: Browser,
    database: str,
) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    with app.app_context():
        add_staff_with_authenticator(NURSE[0], "nurse", NURSE[1], "Sam Nurse")
    SlowAutosaves(app, before_saving=False)
    with serve(app) as url:
        tablet = Tablet(browser, url, locale="en-GB")
        page = tablet.page
        start_as_nurse(page, app, url)
        page.goto(page.url.removesuffix("/ready"))
        with page.expect_request(lambda r: r.headers.get("x-autosave") == "1"):
            page.locator("label[for=decision-planned-pump]").click()
        page.locator("#next_steps").fill("Listed for Tuesday")
        with page.expect_navigation():
            page.get_by_role("button", name="Save the record").click()
        expect(page.locator(".app-conflict")).to_have_count(0)
        page.reload()
        expect(page.locator("#next_steps")).to_have_value("Listed for Tuesday")
        expect(page.locator("#decision-planned-pump")).to_be_checked()
        tablet.close()
