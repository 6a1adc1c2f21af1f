"""A shared tablet that forgets, and progress counted however the patient moves, in Chromium.

What the tablet's history holds is what a browser recorded: every address the page went to.
After clearing, each is opened again and by Back, and none may show what the patient wrote.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import Tablet, nurse_on_a_server, sign_in, start_as_nurse
from tests.support.database import sqlite_only
from tests.support.staff import NURSE
from tests.support.walkthrough import PatientLink

pytestmark = [pytest.mark.browser, sqlite_only]
PRIVATE = "Will my dog be looked after"


@pytest.fixture
def served(database: str) -> Iterator[tuple[Flask, str]]:
    with nurse_on_a_server(database, DASHBOARD_REFRESH_SECONDS=1) as app_and_url:
        yield app_and_url


def history_of(page: Page) -> list[str]:
    """Every address the tab has been to, as the browser's history holds them."""
    visited: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: visited.append(frame.url) if frame == page.main_frame else None,
    )
    return visited


def ask_my_own_question(page: Page, link: PatientLink, server: str) -> None:
    page.goto(link.step(type="own_questions"))
    page.locator("#new_question").fill(PRIVATE)
    with page.expect_navigation():
        page.get_by_role("button", name="Add this question").click()
    expect(page.locator("main")).to_contain_text(PRIVATE)


def nothing_in_the_history_opens_the_answers(page: Page, visited: list[str], shows: str) -> None:
    opened = [address for address in dict.fromkeys(visited) if "/w/" in address]
    assert len(opened) >= 3, opened
    for address in opened:
        page.goto(address)
        assert PRIVATE not in page.content(), address
        expect(page.locator("h1")).to_have_text(shows)
    while page.evaluate("history.length") > 1 and page.go_back() is not None:
        assert PRIVATE not in page.content(), page.url


@pytest.mark.parametrize("how", ["clear", "stop on a handed-over tablet"])
def test_after_clearing_nothing_in_the_history_shows_an_answer(
    browser: Browser, served: tuple[Flask, str], how: str
) -> None:
    app, url = served
    tablet = Tablet(browser, url, locale="en-GB")
    page = tablet.page
    visited = history_of(page)
    if how == "clear":
        page.goto(url + "/en/")
        link = tablet.start_guide()
    else:
        start_as_nurse(page, app, url)
        with page.expect_navigation():
            page.get_by_role("button", name="Hand over to the patient").click()
        link = PatientLink.from_url(page.url)
    ask_my_own_question(page, link, url)
    page.goto(link.review())
    expect(page.locator("main")).to_contain_text(PRIVATE)
    if how == "clear":
        page.goto(link.finished())
        with page.expect_navigation():
            page.get_by_role("button", name="Clear this tablet").click()
    else:
        page.goto(link.step(2))
        with page.expect_navigation():
            page.get_by_role("button", name="Stop for now and continue later").click()
        expect(page.locator("main")).to_contain_text("give the tablet back to your nurse")
        code = page.locator(".app-code").first.inner_text()
        assert len(code.replace("-", "")) == 8, "the code is shown once, to write down"
    tablet.look(f"tablet-after-{how.split()[0]}", lang="en")
    # A handed-over tablet waits for the nurse; a cleared one asks for the code.
    shows = "This tablet has been cleared" if how == "clear" else "Please hand the tablet back"
    nothing_in_the_history_opens_the_answers(page, visited, shows)
    tablet.close()


def test_progress_by_any_path_and_finishing_names_the_steps_not_read(
    browser: Browser, served: tuple[Flask, str]
) -> None:
    app, url = served
    tablet = Tablet(browser, url, locale="en-GB", js=False)  # a tick must survive without JS
    page = tablet.page
    page.goto(url + "/en/")
    link = tablet.start_guide()
    steps = page.locator(".app-contents")
    # 1 -> 3 by the list of steps.
    steps.locator("summary").click()
    with page.expect_navigation():
        steps.get_by_role("button", name="Step 3: ").click()
    assert page.url.endswith(link.step(3))
    # A tick on step 3, then the guide's own link to step 6: the tick is kept.
    page.get_by_label("I want to ask about this").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Read more in step 6").click()
    assert page.url.endswith(link.step(6))
    # Back to 2 with the browser's Back, twice (6 -> 3 -> ... the history), then 2 from the list.
    page.go_back()
    assert page.url.split("?")[0].endswith(link.step(3))
    expect(page.get_by_label("I want to ask about this")).to_be_checked()
    steps = page.locator(".app-contents")
    steps.locator("summary").click()
    with page.expect_navigation():
        steps.get_by_role("button", name="Step 2: ").click()
    expect(steps).to_contain_text("All steps: 3 of 11 read")
    # Finish from step 2: the review, then "I've finished".
    page.goto(link.review())
    with page.expect_navigation():
        page.get_by_role("button", name="I’ve finished — show my nurse").click()
    expect(page.locator("h1")).to_have_text("Before you finish")
    listed = [t.strip() for t in page.locator(".app-unseen-steps li").all_inner_texts()]
    unread = [4, 5, 7, 8, 9, 10, 11]
    assert [item.split(":")[0] for item in listed] == [f"Step {n}" for n in unread]
    tablet.look("tablet-before-finishing", lang="en")
    with page.expect_navigation():
        page.get_by_role("button", name="Finish without reading them").click()
    expect(page.locator("h1")).to_have_text("You have finished")
    tablet.close()

    nurse = Tablet(browser, url, locale="en-GB")
    nurse.page.goto(url + "/staff/take-over")
    sign_in(nurse.page, app, NURSE, nurse)
    discussion = the_discussion(app)
    assert pack_question_of_step(app, 3) in discussion["asked"], "the tick on step 3 was kept"
    nurse.page.locator("#code").fill(discussion["code"])
    with nurse.page.expect_navigation():
        nurse.page.locator("main button[type=submit]").click()
    seen = nurse.page.locator("dt", has_text="Steps the patient has seen").locator("xpath=..")
    expect(seen.locator("dd")).to_have_text(
        "4 of 11. Not seen: Possible risks; If it does not work, or something goes wrong; "
        "Deciding together; What matters to you; Your own questions; "
        "Which way are you leaning?; Are you ready to decide?"
    )
    nurse.close()


def the_discussion(app: Flask) -> dict[str, object]:
    from sqlalchemy import select

    from companion.models import Discussion, db

    with app.app_context():
        found = db.session.scalars(select(Discussion)).one()
        return {"code": found.code, "asked": {q.question_id for q in found.questions_to_ask}}


def pack_question_of_step(app: Flask, number: int) -> str:
    question = app.extensions["companion.packs"]["htg492"].steps[number - 1].question
    assert question is not None
    return str(question.id)
