"""The patient's "continue later" page in Chromium at tablet size with axe, in English and Urdu:
a QR code of their link, and "Print a slip", which prints only a dated slip (code, link, the date
they stop working), never an answer.
"""

from __future__ import annotations

import pytest
from babel.dates import format_date
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from companion.models import Discussion, db
from tests.support.browser import KEEP_SCREENSHOTS, SHOTS, Tablet
from tests.support.database import make_app, serve, sqlite_only

pytestmark = [pytest.mark.browser, sqlite_only]


@pytest.mark.parametrize(("lang", "locale"), [("en", "en_GB"), ("ur", "ur")])
def test_the_later_page_has_a_qr_code_and_prints_only_a_dated_slip(
    browser: Browser, database: str, lang: str, locale: str
) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    with serve(app) as url:
        patient = Tablet(browser, url, locale=lang)
        page = patient.page
        page.goto(f"{url}/{lang}/")
        link = patient.start_guide()
        question = "Zebulon asks: will the pump hurt?"
        page.goto(link.step(type="own_questions"))
        page.locator("#new_question").fill(question)
        with page.expect_navigation():
            page.locator("button[name=action][value=add]").click()
        page.goto(link.later())
        expect(page.locator(".app-slip .app-qr svg")).to_be_visible()
        expect(page.locator("[data-print]")).to_be_visible()
        expect(page.locator(".nhsuk-warning-callout")).to_be_visible()
        patient.look(f"later-{lang}", lang=lang)

        with app.app_context():
            discussion = db.session.scalars(select(Discussion)).one()
            code = f"{discussion.code[:4]}-{discussion.code[4:]}"
            stops = format_date(discussion.expires_at.date(), "long", locale=locale)
        page.emulate_media(media="print")
        printed = page.locator("body").inner_text()
        for expected in (code, link.token, stops):
            assert expected in printed, f"{expected!r} is on the slip"
        expect(page.locator(".app-slip .app-qr svg")).to_be_visible()
        expect(page.locator(".app-slip .app-print-only").first).to_be_visible()
        for hidden in ("h1", "[data-print]", ".nhsuk-warning-callout", "header", "footer"):
            expect(page.locator(hidden)).to_be_hidden()
        assert question not in printed, "no answer is ever on the slip"
        if KEEP_SCREENSHOTS:
            page.pdf(path=str(SHOTS / f"later-{lang}-slip.pdf"), format="A4")
        patient.close()
