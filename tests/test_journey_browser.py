"""The patient's journey around the walkthrough, in Chromium: coming back to the page left, a
handed-over tablet, finishing where the nurse can see it, wrong codes on a shared ward network,
and every page at 320 px and at 200% zoom in English, Urdu and Chinese with axe.

Steps are found by what they are (the URL the patient reached, a step's type), never by a
hard-coded number: new steps may be added before them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from companion.models import db
from companion.staff.accounts import add_staff
from tests.support.browser import Tablet, nurse_on_a_server, sign_in, start_as_nurse
from tests.support.database import make_app, serve, sqlite_only
from tests.support.staff import CLINICIAN, NURSE
from tests.support.walkthrough import PatientLink

pytestmark = [pytest.mark.browser, sqlite_only]
SHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"
NARROW = {"width": 320, "height": 640}
# 200% zoom on a tablet held upright: half its width in CSS pixels, drawn twice as fine.
ZOOMED = {"width": 384, "height": 512}


@pytest.fixture
def served(database: str) -> Iterator[tuple[Flask, str]]:
    with nurse_on_a_server(database, DASHBOARD_REFRESH_SECONDS=1) as app_and_url:
        yield app_and_url


@pytest.fixture
def clinician_server(database: str) -> Iterator[tuple[Flask, str]]:
    """A clinician who has not yet set up an authenticator, served for the browser."""
    app = make_app(database, WTF_CSRF_ENABLED=True)
    with app.app_context():
        add_staff(CLINICIAN[0], "clinician", CLINICIAN[1], "Dr Ada Clinician")
        db.session.commit()
    with serve(app) as url:
        yield app, url


def test_stop_on_step_3_resume_with_the_code_land_on_step_3_and_3_are_seen(
    browser: Browser,
    served: tuple[Flask, str],
) -> None:
    app, url = served
    patient = Tablet(browser, url, locale="en-GB")
    page = patient.page
    page.goto(url + "/en/")
    patient.start_guide()
    patient.continue_()
    patient.continue_()
    third = page.url
    caption = page.locator(".app-progress-caption").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Stop for now and continue later").click()
    code = page.locator(".app-code").inner_text().strip()
    # The later page's own links go back to the page left, not past it.
    with page.expect_navigation():
        page.get_by_role("link", name="Go back to the guide").click()
    assert page.url == third
    patient.close()

    for _ in range(2):  # again and again: never a page further
        elsewhere = Tablet(browser, url, locale="en-GB")
        elsewhere.page.goto(url + "/en/resume")
        elsewhere.page.locator("#code").fill(code)
        with elsewhere.page.expect_navigation():
            elsewhere.page.locator("main button[type=submit]").click()
        assert elsewhere.page.url == third
        expect(elsewhere.page.locator(".app-progress-caption")).to_have_text(caption)
        elsewhere.close()

    nurse = Tablet(browser, url, locale="en-GB")
    nurse.page.goto(url + "/staff/take-over")
    sign_in(nurse.page, app, NURSE)
    nurse.page.locator("#code").fill(code)
    with nurse.page.expect_navigation():
        nurse.page.locator("main button[type=submit]").click()
    seen = nurse.page.locator("dt", has_text="Steps the patient has seen").locator("xpath=..")
    expect(seen.locator("dd")).to_have_text(re.compile(r"^3 of \d+\. Not seen: Possible risks; "))
    nurse.close()


def test_a_handed_over_tablet_back_title_and_hand_back(
    browser: Browser,
    served: tuple[Flask, str],
) -> None:
    app, url = served
    tablet = Tablet(browser, url, locale="en-GB")
    page = tablet.page
    start_as_nurse(page, app, url)
    with page.expect_navigation():
        page.get_by_role("button", name="Hand over to the patient").click()
    first = page.url.split("?")[0]
    # Nothing before step 1 on a handed-over tablet: no Back; the title stays on this page.
    expect(page.locator(".nhsuk-back-link")).to_have_count(0)
    with page.expect_navigation():
        page.locator(".app-header__name").click()
    assert page.url == first
    with page.expect_navigation():
        page.locator(".app-step-actions button[value=continue]").click()
    with page.expect_navigation():
        page.locator(".app-header__name").click()
    assert page.url == first.replace("/step/1", "/step/2"), "the title returns to the page"
    # Giving the tablet back is out of the way, and asks first.
    expect(page.locator("main").get_by_text("Give the tablet back")).to_have_count(0)
    with page.expect_navigation():
        page.locator("footer").get_by_role("link", name="Give the tablet back").click()
    expect(page.locator("h1")).to_have_text("Give the tablet back to your nurse?")
    tablet.look("journey-hand-back-confirm", lang="en")
    with page.expect_navigation():
        page.get_by_role("link", name="No, go back to my guide").click()
    assert page.url == first.replace("/step/1", "/step/2")
    with page.expect_navigation():
        page.locator("footer").get_by_role("link", name="Give the tablet back").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, give the tablet back").click()
    assert page.url.endswith("/handed-back")
    tablet.close()


def test_the_nurse_sees_finished_within_seconds_without_a_reload(
    browser: Browser,
    served: tuple[Flask, str],
) -> None:
    app, url = served
    nurse = Tablet(browser, url, locale="en-GB")
    start_as_nurse(nurse.page, app, url)
    link = nurse.page.locator(".app-link-text").inner_text().strip()
    nurse.page.goto(url + "/staff/")
    state = nurse.page.locator("[data-cell=status]").first
    expect(state).to_have_text("Not started")
    nurse.page.evaluate("window.__notReloaded = true")

    patient = Tablet(browser, url, locale="en-GB")
    patient.page.goto(link)
    expect(state).to_have_text(re.compile(r"^In progress: step 1 of \d+$"))
    review = PatientLink.from_url(patient.page.url).review()
    patient.page.goto(review)
    with patient.page.expect_navigation():
        patient.page.get_by_role("button", name="I’ve finished — show my nurse").click()
    # Straight to the end, so the steps not read are named first.
    expect(patient.page.locator("h1")).to_have_text("Before you finish")
    with patient.page.expect_navigation():
        patient.page.get_by_role("button", name="Finish without reading them").click()
    expect(patient.page.locator("h1")).to_have_text("You have finished")
    patient.look("journey-finished", lang="en")

    expect(state).to_have_text(re.compile(r"^Finished \d\d \w{3} \d\d:\d\d$"), timeout=10_000)
    assert nurse.page.evaluate("window.__notReloaded") is True, "updated in place"
    patient.close()
    nurse.close()


def test_wrong_codes_in_one_browser_never_lock_out_another_on_the_ward(
    browser: Browser,
    served: tuple[Flask, str],
) -> None:
    _app, url = served
    owner = Tablet(browser, url, locale="en-GB")
    owner.page.goto(url + "/en/")
    owner.start_guide()
    code = owner.page.locator(".app-code-notice .app-code").inner_text().strip()
    owner.close()

    guesser = Tablet(browser, url, locale="en-GB")
    statuses = []
    for n in range(12):
        if guesser.page.locator("#code").count() == 0:
            guesser.page.goto(url + "/en/resume")
        guesser.page.locator("#code").fill(f"ZZZZ-{n:04d}")
        with guesser.page.expect_response(lambda r: r.request.method == "POST") as answer:
            guesser.page.locator("main button[type=submit]").click()
        statuses.append(answer.value.status)
        guesser.page.wait_for_load_state("load")
    assert statuses == [400] * 10 + [429] * 2
    guesser.look("journey-too-many-codes", lang="en")
    guesser.close()

    # Another tablet on the same network (same address) with the right code gets in at once.
    other = Tablet(browser, url, locale="en-GB")
    other.page.goto(url + "/en/resume")
    other.page.locator("#code").fill(code)
    with other.page.expect_navigation():
        other.page.locator("main button[type=submit]").click()
    assert "/step/1" in other.page.url
    other.close()


def test_the_review_page_prints_without_the_code_and_the_questions_page_prints(
    browser: Browser,
    served: tuple[Flask, str],
) -> None:
    _app, url = served
    tablet = Tablet(browser, url, locale="ur")
    page = tablet.page
    page.goto(url + "/ur/")
    link = tablet.start_guide()
    code = page.locator(".app-code-notice .app-code").inner_text().strip()
    page.goto(link.step(type="own_questions"))
    page.locator("#new_question").fill("کیا مجھے درد ہوگا؟")
    with page.expect_navigation():
        page.locator("button[name=action][value=add]").click()
    notice = page.locator("[data-notice]")
    expect(notice).to_be_focused()
    expect(notice).to_have_attribute("role", "status")
    page.goto(link.review())
    page.emulate_media(media="print")
    expect(page.locator(".app-code-card")).to_be_hidden()
    assert code not in page.locator("body").inner_text()
    page.emulate_media(media="screen")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("پرنٹ")).click()
    expect(page.locator("main")).to_contain_text("کیا مجھے درد ہوگا؟")
    page.emulate_media(media="print")
    printed = page.locator("body").inner_text()
    assert code not in printed and link.token not in printed
    page.pdf(path=str(SHOTS / "journey-ur-my-questions-printed.pdf"), format="A4")
    tablet.close()


def menu_stays_on_screen(tablet: Tablet, name: str, lang: str) -> None:
    """The language menu opens fully on screen, every name readable, and Esc closes it."""
    page = tablet.page
    page.locator(".app-language__summary").click()
    width = page.evaluate("window.innerWidth")
    for option in page.locator(".app-language__list li > *").all():
        box = option.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (
            f"{name}: {option.inner_text()} is off screen at {box}"
        )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the open menu makes the page scroll sideways"
    tablet.look(f"{name}-menu", lang=lang)
    page.keyboard.press("Escape")
    expect(page.locator(".app-language__list")).to_be_hidden()
    expect(page.locator(".app-language__summary")).to_be_focused()


@pytest.mark.parametrize(
    ("size", "viewport", "scale"), [("320", NARROW, 1), ("zoom200", ZOOMED, 2)]
)
@pytest.mark.parametrize("lang", ["en", "ur", "zh-Hans"])
def test_every_page_at_320_px_and_200_percent_zoom(
    browser: Browser,
    served: tuple[Flask, str],
    lang: str,
    size: str,
    viewport: dict[str, int],
    scale: float,
) -> None:
    _app, url = served
    tablet = Tablet(browser, url, locale=lang, viewport=viewport, scale=scale)
    page = tablet.page
    name = f"journey-{lang}-{size}"

    page.goto(url + f"/{lang}/")
    tablet.look(f"{name}-01-start", lang=lang)
    menu_stays_on_screen(tablet, f"{name}-01-start", lang)
    link = tablet.start_guide()
    tablet.look(f"{name}-02-step-1", lang=lang)
    header = page.locator(".app-header__name").bounding_box()
    assert header is not None and header["x"] >= 0 and header["x"] + header["width"] <= 400
    menu_stays_on_screen(tablet, f"{name}-02-step-1", lang)
    page.goto(link.step(type="values"))
    tablet.look(f"{name}-03-values", lang=lang)
    page.goto(link.step(type="own_questions"))
    page.locator("#new_question").fill("Question 1 2 3")
    with page.expect_navigation():
        page.locator("button[name=action][value=add]").click()
    tablet.look(f"{name}-04-own-questions", lang=lang)
    page.goto(link.step(type="readiness"))
    tablet.look(f"{name}-05-readiness", lang=lang)
    page.goto(link.review())
    tablet.look(f"{name}-06-review", lang=lang)
    with page.expect_navigation():
        page.locator("form.app-finish button").click()
    tablet.look(f"{name}-07-finished", lang=lang)
    page.goto(link.questions_to_print())
    tablet.look(f"{name}-08-my-questions", lang=lang)
    page.goto(link.later())
    tablet.look(f"{name}-09-later", lang=lang)
    page.goto(url + f"/{lang}/about/htg492")
    tablet.look(f"{name}-10-about", lang=lang)
    page.goto(url + f"/{lang}/resume")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    expect(page.locator("#code-error")).to_be_visible()
    tablet.look(f"{name}-11-resume-empty", lang=lang)
    page.goto(link.finished())
    with page.expect_navigation():
        page.locator("main form[action$='/clear'] button").click()
    tablet.look(f"{name}-12-cleared", lang=lang)
    tablet.close()


@pytest.mark.parametrize(
    ("size", "viewport", "scale"), [("320", NARROW, 1), ("zoom200", ZOOMED, 2)]
)
def test_the_signed_off_record_at_320_px_and_200_percent_zoom(
    browser: Browser,
    clinician_server: tuple[Flask, str],
    size: str,
    viewport: dict[str, int],
    scale: float,
) -> None:
    staff_app, staff_server = clinician_server
    tablet = Tablet(browser, staff_server, locale="en-GB", viewport=viewport, scale=scale)
    page = tablet.page
    page.goto(staff_server + "/staff/discussions/new")
    sign_in(page, staff_app, CLINICIAN)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.goto(page.url.removesuffix("/ready"))
    page.locator("label[for=confirm]").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign off and lock the record").click()
    # Nothing was discussed: the page lists what is open and asks for a second tick.
    page.locator("label[for=acknowledge_open]").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign off and lock the record").click()
    # Signed off, the record reads as text; any table that still scrolls sideways must be
    # reachable by keyboard (axe's scrollable-region-focusable runs in look() too).
    expect(
        page.get_by_role("heading", name="Readiness check (SURE) before and after the discussion")
    ).to_be_visible()
    for region in page.locator(".app-table-scroll").all():
        expect(region).to_have_attribute("tabindex", "0")
        region.focus()
        expect(region).to_be_focused()
    tablet.look(f"journey-record-signed-off-{size}", lang="en")
    page.goto(staff_server + "/staff/")
    tablet.look(f"journey-dashboard-{size}", lang="en")
    tablet.close()
