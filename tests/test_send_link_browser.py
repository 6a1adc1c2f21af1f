"""Sending the patient's link, in Chromium at tablet size with axe: the nurse checks the number
with the patient before it goes, a failure says what to do and keeps the number, and the
dashboard shows, without a reload, when the patient opens the guide.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import Tablet, nurse_on_a_server, sign_in
from tests.support.database import sqlite_only
from tests.support.notify import StandInNotify, notify_config, serve
from tests.support.staff import NURSE

pytestmark = [pytest.mark.browser, sqlite_only]


@pytest.fixture
def notify() -> Iterator[StandInNotify]:
    stand_in = StandInNotify()
    with serve(stand_in):
        yield stand_in


def start_in(page: Page, app: Flask, url: str, language: str) -> None:
    page.goto(url + "/staff/discussions/new")
    sign_in(page, app, NURSE)
    page.locator("#language").select_option(language)
    page.locator("#patient_label").fill("AB 123")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def press(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_the_nurse_checks_the_number_with_the_patient_and_can_try_a_failed_send_again(
    browser: Browser, database: str, notify: StandInNotify
) -> None:
    with nurse_on_a_server(database, **notify_config(notify.base_url)) as (app, url):
        nurse = Tablet(browser, url, locale="en-GB")
        page = nurse.page
        start_in(page, app, url, "ur")
        nurse.look("send-link-1-ready", lang="en")
        page.locator("#text-recipient").fill("07700 90012")
        press(page, "Continue to send by text")
        expect(page.locator(".nhsuk-error-summary")).to_be_focused()
        expect(page.locator("#text-recipient")).to_have_value("07700 90012")
        nurse.look("send-link-2-refused", lang="en")

        page.locator("#text-recipient").fill("07700 900123")
        press(page, "Continue to send by text")
        expect(page.locator("[data-read-back]")).to_have_text("07700 900123")
        expect(page.locator(".app-message-preview")).to_have_attribute("dir", "rtl")
        nurse.look("send-link-3-check", lang="en")
        assert notify.attempts == 0

        notify.fail_with(500, ("Exception", "Internal server error"))
        press(page, "The patient has checked it: send the link")
        summary = page.locator(".nhsuk-error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("GOV.UK Notify had a problem of its own")
        expect(page.locator("[data-read-back]")).to_have_text("07700 900123")
        nurse.look("send-link-4-failed", lang="en")

        press(page, "Try again: send the link")
        banner = page.locator("#link-sent")
        expect(banner).to_be_focused()
        expect(banner).to_contain_text("The link went by text message at")
        nurse.look("send-link-5-sent", lang="en")
        assert [r.body["phone_number"] for r in notify.received] == ["+447700900123"]
        nurse.close()


def test_without_notify_the_ready_page_offers_the_qr_code_and_the_hand_over(
    browser: Browser, database: str
) -> None:
    with nurse_on_a_server(database) as (app, url):
        nurse = Tablet(browser, url, locale="en-GB")
        start_in(nurse.page, app, url, "ur")
        expect(nurse.page.locator(".app-qr svg")).to_be_visible()
        expect(nurse.page.locator("#send-link")).to_have_count(0)
        nurse.look("send-link-0-without-notify", lang="en")
        nurse.close()


def test_the_dashboard_shows_the_link_opened_without_a_reload(
    browser: Browser, database: str, notify: StandInNotify
) -> None:
    config = notify_config(notify.base_url, DASHBOARD_REFRESH_SECONDS=1)
    with nurse_on_a_server(database, **config) as (app, url):
        nurse = Tablet(browser, url, locale="en-GB")
        page = nurse.page
        start_in(page, app, url, "en")
        link = page.locator(".app-link-text").inner_text().strip()
        page.locator("#text-recipient").fill("07700 900123")
        press(page, "Continue to send by text")
        press(page, "The patient has checked it: send the link")
        page.goto(url + "/staff/")
        cell = page.locator("[data-cell=link]").first
        expect(cell).to_have_text(re.compile(r"^By text \d\d \w{3} \d\d:\d\d — not opened yet$"))
        nurse.look("send-link-6-dashboard", lang="en")
        page.evaluate("window.__notReloaded = true")

        patient = Tablet(browser, url, locale="en-GB")
        patient.page.goto(link)
        expect(cell).to_have_text(re.compile(r"— opened since$"), timeout=10_000)
        assert page.evaluate("window.__notReloaded") is True, "updated in place"
        patient.close()
        nurse.close()
