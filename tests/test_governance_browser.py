"""The governance view in Chromium: at tablet size, at 200% zoom and in print, checked with axe,
its charts drawn without a script and readable beside their tables."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.support.browser import Tablet, sign_in
from tests.support.database import make_app, serve, sqlite_only
from tests.support.governance import make_discussions
from tests.support.staff import CLINICIAN, add_staff_with_authenticator

pytestmark = pytest.mark.browser


@sqlite_only
def test_the_governance_view_reads_at_tablet_size_at_200_percent_and_in_print(
    browser: Browser, database: str
) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    with app.app_context():
        add_staff_with_authenticator(CLINICIAN[0], "clinician", CLINICIAN[1], "Dr Ada")
    make_discussions(app, CLINICIAN[0])
    with serve(app) as server:
        tablet = Tablet(browser, server, locale="en-GB")
        page = tablet.page
        page.goto(server + "/staff/governance")
        sign_in(page, app, CLINICIAN)
        page.locator("#from").fill("2026-01")
        page.locator("#to").fill("2026-06")
        page.locator("label[for=by-quarter]").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Show the figures").click()
        charts = page.locator("svg.app-chart")
        expect(charts.first).to_be_visible()
        assert charts.count() >= 10
        assert (
            page.get_by_role("img", name="Decisions by option: Jan 2026 to Jun 2026").count() == 1
        )
        tablet.look("governance-01-tablet", lang="en")
        page.locator("#from").fill("2026-13")
        with page.expect_navigation():
            page.get_by_role("button", name="Show the figures").click()
        expect(page.locator(".nhsuk-error-summary")).to_contain_text("From: enter a month")
        expect(page.locator("#from")).to_have_value("2026-13")
        tablet.look("governance-02-bad-month", lang="en")
        cookies = tablet.context.cookies()
        tablet.close()

        zoomed = Tablet(
            browser, server, locale="en-GB", viewport={"width": 384, "height": 512}, scale=2
        )
        zoomed.context.add_cookies(cookies)
        zoomed.page.goto(server + "/staff/governance?from=2026-01&to=2026-06&by=month")
        expect(zoomed.page.locator("svg.app-chart").first).to_be_visible()
        zoomed.look("governance-03-zoom-200", lang="en")
        # Zoomed, a chart keeps its text large: it is wider than the screen, in a box that
        # scrolls sideways and takes the keyboard focus, rather than shrunk to fit.
        chart_box = zoomed.page.locator(".app-chart-box").first
        width = zoomed.page.locator("svg.app-chart").first.bounding_box()
        assert width is not None and width["width"] >= 36 * 16
        chart_box.focus()
        expect(chart_box).to_be_focused()
        zoomed.page.emulate_media(media="print")
        box = zoomed.page.locator("svg.app-chart").first.bounding_box()
        assert box is not None and box["width"] > 300, "a chart is drawn full width in print"
        expect(zoomed.page.locator(".app-governance-form")).to_be_hidden()
        zoomed.close()
