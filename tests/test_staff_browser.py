"""The staff journey in Chromium at tablet size: start, hand over, take back, record, sign off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from companion.models import Discussion, db
from companion.staff.accounts import add_staff
from tests.support.browser import Tablet, nurse_on_a_server, sign_in, start_as_nurse
from tests.support.database import make_app, serve, sqlite_only
from tests.support.staff import CLINICIAN, NURSE, add_staff_with_authenticator
from tests.support.walkthrough import PatientLink

pytestmark = pytest.mark.browser


@pytest.fixture
def staff_app(database: str) -> Flask:
    """A nurse who has an authenticator app already, and a clinician who has not."""
    app = make_app(database, WTF_CSRF_ENABLED=True)
    with app.app_context():
        add_staff_with_authenticator(NURSE[0], "nurse", NURSE[1], "Sam Nurse")
        add_staff(CLINICIAN[0], "clinician", CLINICIAN[1], "Dr Ada Clinician")
        db.session.commit()
    return app


@pytest.fixture
def staff_server(staff_app: Flask) -> Iterator[str]:
    with serve(staff_app) as url:
        yield url


def test_nurse_patient_and_clinician_at_tablet_size(
    browser: Browser,
    staff_app: Flask,
    staff_server: str,
) -> None:
    tablet = Tablet(browser, staff_server, locale="en-GB")
    page = tablet.page

    page.goto(staff_server + "/staff/")
    tablet.look("staff-01-sign-in", lang="en")
    sign_in(page, staff_app, NURSE)
    tablet.look("staff-02-dashboard-empty", lang="en")
    page.locator("main a.nhsuk-button").click()
    page.locator("#language").select_option("bn")
    page.locator("#patient_label").fill("RX 42")
    tablet.look("staff-03-start", lang="en")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    expect(page.locator(".app-qr svg")).to_be_visible()
    tablet.look("staff-04-ready", lang="en")
    with page.expect_navigation():
        page.get_by_role("button", name="Hand over to the patient").click()

    # The patient, in Bengali.
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    link = PatientLink.from_url(page.url)
    page.goto(link.step(id="what-happens"))
    page.locator("label[for=ask]").click()
    tablet.continue_()
    page.goto(link.step(type="own_questions"))
    page.locator("#new_question").fill("এটা কি ব্যথা করবে?")
    page.locator("button[name=action][value=add]").click()
    expect(page.locator(".app-own-question__text")).to_have_text(["এটা কি ব্যথা করবে?"])
    tablet.look("staff-05-patient-question", lang="bn")

    # Leaving patient mode needs a staff sign-in.
    page.goto(staff_server + "/staff/")
    expect(page.locator("main")).to_contain_text("This tablet was handed to a patient")
    tablet.look("staff-06-take-back", lang="en")
    sign_in(page, staff_app, NURSE)
    expect(page.locator(".app-dashboard")).to_contain_text("RX 42")
    expect(page.locator(".app-dashboard")).to_contain_text("2 (2 not answered)")
    tablet.look("staff-07-dashboard", lang="en")
    page.get_by_role("link", name="RX 42").click()

    # The nurse records answers, a figure, the interpreter and the decision.
    expect(page.locator(".app-patient-words").first).to_have_attribute("lang", "bn")
    question = page.locator("[id$='-gloss']").first.get_attribute("id") or ""
    key = question.removesuffix("-gloss")
    page.locator(f"#{key}-gloss").fill("Will it hurt?")
    page.locator(f"#{key}-answer").fill("The area is numbed with local anaesthetic.")
    page.locator(f"label[for={key}-status-answered]").click()
    page.locator("label[for=risk-bleeding-discussed]").click()
    page.locator("#risk-bleeding-figure").fill("3")
    page.locator("#risk-bleeding-source").fill("Hospital audit 2025")
    page.locator("label[for=interpreter-phone]").click()
    page.locator("#interpreter_language").fill("Bengali")
    page.locator("#interpreter_id").fill("LL-4471")
    page.locator("label[for=decision-planned-pump]").click()
    page.locator("#next_steps").fill("Listed for Tuesday")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the record").click()
    expect(page.locator("#icons-bleeding-caption")).to_have_text(
        "3 in 100 people: Bleeding (source: Hospital audit 2025)"
    )
    hit_path = (
        page.locator("figure.app-icon-array path.app-icon-array__hit").first.get_attribute("d")
        or ""
    )
    assert hit_path.count("M") == 3 * 2
    tablet.look("staff-08-record", lang="en")
    shots = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"
    page.locator(".app-record-risk").nth(1).screenshot(
        path=str(shots / "staff-08a-record-risk.png")
    )
    page.locator(".app-record-question").nth(1).screenshot(
        path=str(shots / "staff-08b-record-question.png")
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()

    # A clinician signs off; an amendment then sits beside the original.
    sign_in(page, staff_app, CLINICIAN, tablet)
    page.get_by_role("link", name="RX 42").click()
    # Signing off without ticking the box says so and puts the reader on the box.
    page.locator("#next_steps").fill("Listed for Tuesday, fasting from midnight")
    with page.expect_navigation():
        page.get_by_role("button", name="Save, sign off and lock the record").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Tick the box to confirm")
    expect(page.locator("#confirm")).to_be_focused()
    expect(page.locator("main")).to_contain_text("Your changes are saved")
    tablet.look("staff-09-sign-off-not-ticked", lang="en")
    page.locator("label[for=confirm]").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save, sign off and lock the record").click()
    # Much is still open: the page lists it, and signing off with it open needs a second tick.
    expect(page.locator(".app-open-items")).to_contain_text(
        "Risk not discussed: Damage to red blood cells (haemolysis)"
    )
    expect(page.locator("#acknowledge_open")).to_be_focused()
    tablet.look("staff-09b-sign-off-open-items", lang="en")
    page.locator("label[for=acknowledge_open]").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save, sign off and lock the record").click()
    expect(page.locator("#open-at-sign-off")).to_contain_text("items open")
    expect(page.locator(".app-record-meta")).to_contain_text(
        "Signed off by Dr Ada Clinician (clinician)"
    )
    expect(page.locator('[data-field="next_steps"]')).to_have_text(
        "Listed for Tuesday, fasting from midnight"
    )
    # An amendment is made with the field's own control, and sits beside the original.
    page.locator("#field").select_option("decision")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    page.locator("label[for=decision-more-time]").click()
    page.locator("#reason").fill("Wants to talk to family first")
    tablet.look("staff-10-amend-decision", lang="en")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the amendment").click()
    expect(page.locator('.app-recorded[data-field="decision"]')).to_have_text("Wants more time")
    expect(page.locator('[data-amended="decision"]')).to_contain_text(
        "Go ahead: PCI with a planned heart pump"
    )
    tablet.look("staff-11-signed-off-amended", lang="en")
    page.screenshot(path=str(shots / "staff-11a-top.png"), full_page=True)
    page.locator(".app-amendment-list").screenshot(path=str(shots / "staff-11b-amendments.png"))
    tablet.close()


@sqlite_only
def test_staff_are_warned_before_time_out_and_can_stay(browser: Browser, database: str) -> None:
    # With a two-minute limit the warning is due at once.
    with nurse_on_a_server(database, STAFF_IDLE_MINUTES=2) as (app, url):
        tablet = Tablet(browser, url, locale="en-GB")
        page = tablet.page
        page.goto(url + "/staff/take-over")
        sign_in(page, app, NURSE)
        warning = page.locator("[data-session-warning]")
        expect(warning).to_be_visible()
        expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
        tablet.look("staff-10-timeout-warning", lang="en")
        with page.expect_response("**/staff/session/extend") as extended:
            page.get_by_role("button", name="Stay signed in").click()
        assert extended.value.ok
        tablet.close()


@sqlite_only
def test_the_summary_prints_from_the_browser_without_the_staff_screens(
    browser: Browser,
    staff_app: Flask,
    staff_server: str,
) -> None:
    tablet = Tablet(browser, staff_server, locale="en-GB")
    page = tablet.page
    page.goto(staff_server + "/staff/")
    sign_in(page, staff_app, CLINICIAN)
    page.goto(staff_server + "/staff/discussions/new")
    page.locator("#language").select_option("ar")
    page.locator("#patient_label").fill("PR 7")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    discussion_url = page.url.removesuffix("/ready")
    page.goto(discussion_url + "/summary?copy=patient")
    tablet.look("staff-11-summary-patient", lang="en")
    expect(page.locator("article.record-screen")).to_have_attribute("lang", "ar")
    page.emulate_media(media="print")
    for chrome in (".app-header", ".app-summary-actions", ".app-footer", ".nhsuk-back-link"):
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator("article.record-screen h1")).to_be_visible()
    shots = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"
    page.pdf(path=str(shots / "staff-12-summary-printed.pdf"), format="A4")
    tablet.close()


@sqlite_only
def test_an_idle_handed_over_tablet_returns_itself(browser: Browser, database: str) -> None:
    with nurse_on_a_server(database, KIOSK_IDLE_SECONDS=3) as (app, url):
        tablet = Tablet(browser, url, locale="en-GB")
        page = tablet.page
        start_as_nurse(page, app, url)
        with page.expect_navigation():
            page.get_by_role("button", name="Hand over to the patient").click()
        expect(page.get_by_role("link", name="Give the tablet back")).to_be_visible()
        page.wait_for_url("**/handed-back", timeout=10_000)
        tablet.look("kiosk-handed-back", lang="en")
        page.go_back()
        page.wait_for_load_state("load")
        assert page.url.endswith("/handed-back"), "Back does not show the patient's page"
        tablet.close()


@sqlite_only
def test_a_colleagues_entry_survives_a_stale_page_that_autosaves(
    browser: Browser, staff_app: Flask, staff_server: str
) -> None:
    """Clinician B has the record open; clinician A saves Next steps; B types in the same box on
    the stale page. B's autosave is refused and B is shown both versions: A's entry stays unless
    B chooses, knowingly, to replace it."""
    with staff_app.app_context():
        add_staff_with_authenticator(
            "second@example.org", "clinician", "yet-another-phrase-31", "Dr Ben Second"
        )
    a_tablet = Tablet(browser, staff_server, locale="en-GB")
    b_tablet = Tablet(browser, staff_server, locale="en-GB")
    a, b = a_tablet.page, b_tablet.page
    a.goto(staff_server + "/staff/discussions/new")
    sign_in(a, staff_app, NURSE)
    with a.expect_navigation():
        a.locator("main button[type=submit]").click()
    record = a.url.removesuffix("/ready")
    b.goto(record)
    sign_in(b, staff_app, ("second@example.org", "yet-another-phrase-31"))
    b.goto(record)
    a.goto(record)
    a.locator("#next_steps").fill("Consultant to phone patient Monday")
    with a.expect_navigation():
        a.get_by_role("button", name="Save the record").click()
    expect(a.locator("main")).to_contain_text("Saved.")

    # B, on the page opened before A saved, types in the same box; autosave sends it.
    with b.expect_navigation():
        b.locator("#next_steps").fill("Echo first, then decide")
    choice = b.locator("#keep-next_steps")
    expect(choice).to_contain_text("Theirs, saved by Sam Nurse")
    expect(choice).to_contain_text("Consultant to phone patient Monday")
    expect(choice).to_contain_text("Yours: Echo first, then decide")
    b_tablet.look("staff-15-conflict-choose", lang="en")
    assert stored_next_steps(staff_app) == "Consultant to phone patient Monday"

    # Pressing Save again, as people do, saves nothing: it asks which version stands.
    with b.expect_navigation():
        b.get_by_role("button", name="Save the record").click()
    expect(b.locator(".app-conflict")).to_contain_text("choose which version stands")
    assert stored_next_steps(staff_app) == "Consultant to phone patient Monday"
    b.locator("label[for=keep-next_steps-theirs]").click()
    with b.expect_navigation():
        b.get_by_role("button", name="Save the record").click()
    expect(b.locator("main")).to_contain_text("Saved.")
    assert stored_next_steps(staff_app) == "Consultant to phone patient Monday"
    a_tablet.close()
    b_tablet.close()


def stored_next_steps(app: Flask) -> str:
    with app.app_context():
        discussion = db.session.scalars(select(Discussion)).one()
        return discussion.next_steps
