"""The walkthrough in a real browser (Debian's Chromium) at tablet size, in English and Urdu.

Each page is checked with axe-core for WCAG 2.2 A/AA, every request is watched so that nothing comes
from another host, and a screenshot of each page is saved under test-results/screenshots/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import Tablet
from tests.support.database import sqlite_only
from tests.support.walkthrough import steps, with_question

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.browser, sqlite_only]


def step_caption(page: Page) -> str:
    return page.locator(".app-progress-caption").inner_text()


@pytest.mark.parametrize(
    ("lang", "other", "accept"), [("en", "ur", "en-GB"), ("ur", "en", "ur-PK")]
)
def test_whole_walkthrough_at_tablet_size(
    browser: Browser, live_server: str, lang: str, other: str, accept: str
) -> None:
    tablet = Tablet(browser, live_server, locale=accept)
    page = tablet.page

    # Language choice first, with the browser's language preselected.
    page.goto(live_server + "/")
    assert urlsplit(page.url).path == f"/{lang}/"
    expect(page.locator(f"#language-{lang}")).to_be_checked()
    tablet.look(f"{lang}-01-start", lang=lang)
    link = tablet.start_guide()

    code = page.locator(".app-code-notice .app-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    total = str(len(steps()))

    # The steps before "what matters" one after another, marking two questions to ask.
    marked = with_question()[:2]
    for number in range(1, link.number(type="values")):
        assert re.search(rf"\b{number}\b", step_caption(page)) and total in step_caption(page)
        if number in marked:
            page.locator("label[for=ask]").click()
            expect(page.locator("#ask")).to_be_checked()
        tablet.look(f"{lang}-{number + 1:02d}-step-{number}", lang=lang)
        tablet.continue_()

    # What matters: answered, then the page is reloaded before pressing any button.
    assert page.url == link.step(type="values")
    page.locator("label[for=rating-support-ready-a-lot]").click()
    page.locator("label[for=rating-family-a-little]").click()
    page.locator("label[for=concern-bleeding]").click()
    with page.expect_response(
        lambda r: (
            r.request.method == "POST" and "I look after my husband" in (r.request.post_data or "")
        )
    ) as saved:
        page.locator("#values_note").fill("I look after my husband")
    assert saved.value.ok
    saved_text = page.locator("[data-autosave-status]").get_attribute("data-saved") or ""
    expect(page.locator("[data-autosave-status]")).to_have_text(saved_text)
    page.reload()
    expect(page.locator("#rating-support-ready-a-lot")).to_be_checked()
    expect(page.locator("#rating-family-a-little")).to_be_checked()
    expect(page.locator("#concern-bleeding")).to_be_checked()
    expect(page.locator("#values_note")).to_have_value("I look after my husband")
    tablet.look(f"{lang}-09-values", lang=lang)
    tablet.continue_()

    # Own questions: add two, change one, remove one.
    assert page.url == link.step(type="own_questions")
    page.locator("#new_question").fill("Will I be awake?")
    page.locator("button[name=action][value=add]").click()
    page.locator("#new_question").fill("Can my son stay with me?")
    page.locator("button[name=action][value=add]").click()
    expect(page.locator(".app-own-question__text")).to_have_text(
        ["Will I be awake?", "Can my son stay with me?"]
    )
    page.locator(".app-own-question__actions a").nth(0).click()
    page.locator("#text").fill("Will I be awake the whole time?")
    tablet.look(f"{lang}-10-edit-question", lang=lang)
    page.locator("main button[type=submit]").click()
    page.locator(".app-own-question__actions a").nth(3).click()
    tablet.look(f"{lang}-11-remove-question", lang=lang)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".app-own-question__text")).to_have_text(
        ["Will I be awake the whole time?"]
    )

    # A question half typed, then the language is switched: everything stays.
    page.locator("#new_question").fill("How long is the recovery")
    tablet.look(f"{lang}-12-own-questions", lang=lang)
    page.locator(".app-language__summary").click()
    page.locator(f".app-language__option[value={other}]").click()
    # The switch waits for an autosave still on its way, so the page may change a moment later.
    expect(page).to_have_url(link.in_language(other).step(type="own_questions"))
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page.locator(".app-own-question__text")).to_have_text(
        ["Will I be awake the whole time?"]
    )
    expect(page.locator("#new_question")).to_have_value("How long is the recovery")
    page.goto(link.in_language(other).step(marked[0]))
    expect(page.locator("#ask")).to_be_checked()
    page.goto(link.in_language(other).step(type="values"))
    expect(page.locator("#values_note")).to_have_value("I look after my husband")
    # ... and back again.
    page.locator(".app-language__summary").click()
    page.locator(f".app-language__option[value={lang}]").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.goto(link.step(type="own_questions"))
    expect(page.locator("#new_question")).to_have_value("How long is the recovery")
    page.locator("button[name=action][value=add]").click()

    # Which way they are leaning, with a reason in their own words.
    page.goto(link.step(type="leaning"))
    page.locator("label[for=leaning-not-sure]").click()
    page.locator("#leaning_reason").fill("I want to talk to my son first")
    tablet.look(f"{lang}-13-leaning", lang=lang)
    tablet.continue_()
    assert page.url == link.step(type="readiness")

    # Readiness, then the review page.
    page.goto(link.step(type="readiness"))
    for item, answer in (
        ("sure", "no"),
        ("understand", "yes"),
        ("risk-benefit", "yes"),
        ("encouragement", "yes"),
    ):
        page.locator(f"label[for=ready-{item}-{answer}]").click()
    tablet.look(f"{lang}-13-readiness", lang=lang)
    tablet.continue_()
    assert page.url == link.after(type="readiness") == link.review()
    review = page.locator(".app-review-questions").inner_text()
    assert "Will I be awake the whole time?" in review
    assert "How long is the recovery" in review
    assert len(page.locator(".app-review-questions li").all()) == 4
    tablet.look(f"{lang}-14-review", lang=lang)

    # The about page and the continue-later page.
    page.goto(live_server + f"/{lang}/about/htg492")
    tablet.look(f"{lang}-15-about", lang=lang)
    page.goto(link.later())
    tablet.look(f"{lang}-16-later", lang=lang)
    tablet.close()

    # Resume on a fresh browser (another device) with the code.
    fresh = Tablet(browser, live_server, locale=accept)
    fresh.page.goto(live_server + f"/{lang}/resume")
    fresh.look(f"{lang}-17-resume", lang=lang)
    fresh.page.locator("#code").fill(code.lower().replace("-", " "))
    fresh.page.locator("main button[type=submit]").click()
    assert fresh.page.url == link.review()
    assert (
        "Will I be awake the whole time?"
        in fresh.page.locator(".app-review-questions").inner_text()
    )
    fresh.close()


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_works_without_javascript(browser: Browser, live_server: str, lang: str) -> None:
    tablet = Tablet(browser, live_server, locale=lang, js=False)
    page = tablet.page
    page.goto(live_server + f"/{lang}/")
    link = tablet.start_guide()
    question = next(n for n, step in enumerate(steps(), start=1) if step.question)
    page.goto(link.step(question))
    page.locator("label[for=ask]").click()
    tablet.continue_()
    assert page.url == link.step(question + 1)
    page.goto(link.step(type="own_questions"))
    page.locator("#new_question").fill("x" * 1001)
    page.locator("button[name=action][value=add]").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page.locator("#new_question")).to_have_value("x" * 1001)
    tablet.look(f"{lang}-nojs-error", lang=lang)
    page.locator("#new_question").fill("Who will look after me afterwards?")
    page.locator("button[name=action][value=add]").click()
    expect(page.locator(".app-own-question__text")).to_have_text(
        ["Who will look after me afterwards?"]
    )
    page.locator(".app-language__summary").click()
    other = "ur" if lang == "en" else "en"
    page.locator(f".app-language__option[value={other}]").click()
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page.locator(".app-own-question__text")).to_have_text(
        ["Who will look after me afterwards?"]
    )
    page.goto(link.in_language(other).step(question))
    expect(page.locator("#ask")).to_be_checked()
    # No button that would do nothing when pressed.
    expect(page.locator("[data-read-aloud]")).to_be_hidden()
    page.goto(link.in_language(other).questions_to_print())
    expect(page.locator("[data-print]")).to_be_hidden()
    tablet.close()


@pytest.mark.parametrize(
    ("name", "viewport"),
    [("landscape", {"width": 1024, "height": 768}), ("phone", {"width": 390, "height": 844})],
)
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_other_screen_sizes(
    browser: Browser, live_server: str, name: str, viewport: dict[str, int], lang: str
) -> None:
    tablet = Tablet(browser, live_server, locale=lang, viewport=viewport)
    page = tablet.page
    page.goto(live_server + f"/{lang}/")
    link = tablet.start_guide()
    tablet.look(f"{lang}-{name}-step-1", lang=lang)
    page.goto(link.step(type="values"))
    tablet.look(f"{lang}-{name}-values", lang=lang)
    tablet.close()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_text_size_control_makes_text_larger_says_so_and_is_remembered(
    browser: Browser, live_server: str, js: bool
) -> None:
    tablet = Tablet(browser, live_server, locale="en", js=js)
    page = tablet.page
    page.goto(live_server + "/en/")

    def size() -> float:
        return float(
            page.locator("main p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
        )

    before = size()
    expect(page.get_by_role("button", name="Medium")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Very large").click()
    expect(page.get_by_role("button", name="Very large")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Medium")).to_have_attribute("aria-pressed", "false")
    # Without scripts the button posts and the page is drawn again: measure only once every
    # stylesheet has arrived, or the paragraph reads its size from the page's own sheet alone.
    page.wait_for_load_state("load")
    assert size() > before * 1.2
    page.goto(live_server + "/en/resume")
    expect(page.get_by_role("button", name="Very large")).to_have_attribute("aria-pressed", "true")
    page.goto(live_server + "/en/")
    assert size() > before * 1.2
    tablet.close()


# A stand-in for the browser's speech synthesis (headless Chromium has no voices): it offers the
# voices a test names and records what it was asked to say.
FAKE_SPEECH = """
(() => {
  const voices = %s.map(lang => ({lang, name: 'Test ' + lang, default: false}));
  window.__spoken = [];
  const synth = {
    speaking: false,
    getVoices: () => voices,
    addEventListener: () => {},
    speak(u) { window.__spoken.push({text: u.text, lang: u.lang}); },
    cancel() {},
  };
  Object.defineProperty(window, 'speechSynthesis', {value: synth});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"""


@pytest.mark.parametrize(
    ("lang", "voices", "can_read"),
    [("en", ["en-GB"], True), ("ur", ["en-GB"], False), ("ur", ["ur-PK"], True)],
)
def test_read_aloud_reads_in_the_page_language_or_says_it_cannot(
    browser: Browser, live_server: str, lang: str, voices: list[str], can_read: bool
) -> None:
    tablet = Tablet(browser, live_server, locale=lang)
    page = tablet.page
    page.add_init_script(FAKE_SPEECH % json.dumps(voices))
    page.goto(live_server + f"/{lang}/")
    tablet.start_guide()
    page.wait_for_url("**/step/1?started=1")  # the first step, whatever it is
    button = page.locator("[data-read-aloud]")
    missing = page.locator("[data-read-aloud-missing]")
    # The button is there from the start either way: voices arrive after the page, and a button
    # or a message appearing then would push the page down under the reader's eyes.
    expect(button).to_be_visible()
    expect(missing).to_be_hidden()
    button.click()
    spoken = page.evaluate("window.__spoken")
    if not can_read:
        # Not silently nothing: the reader is told, in their language, and what to do instead.
        expect(missing).to_be_visible()
        expect(missing).to_contain_text("نرس")
        assert spoken == []
    else:
        expect(missing).to_be_hidden()
        assert len(spoken) == 1 and spoken[0]["lang"].startswith(lang)
        title = page.locator("h1").inner_text()
        assert spoken[0]["text"].startswith(title)
        assert page.locator("[data-read-aloud-text] p").first.inner_text()[:30] in spoken[0]["text"]
    tablet.close()


def test_unknown_language_page_is_accessible(browser: Browser, live_server: str) -> None:
    tablet = Tablet(browser, live_server, locale="fr")
    response = tablet.page.goto(live_server + "/fr/")
    assert response is not None and response.status == 404
    tablet.look("unknown-language", lang="en")
    tablet.close()


LANGUAGE_LIST = yaml.safe_load((ROOT / "translations" / "languages.yaml").read_text())
RTL_CODES = {lang["code"] for lang in LANGUAGE_LIST if lang["dir"] == "rtl"}


def english_phrases() -> list[str]:
    """Interface strings of two words or more, as they read in English with no placeholder."""
    with (ROOT / "translations" / "messages.pot").open("rb") as f:
        template = read_po(f)
    return [
        str(m.id)
        for m in template
        if m.id and isinstance(m.id, str) and "%(" not in m.id and len(m.id.split()) >= 2
    ]


def english_left_on(html: str, phrases: list[str]) -> list[str]:
    """English interface phrases on the page outside marked fallbacks and the patient's words."""
    page = BeautifulSoup(html, "html.parser")
    for tag in page.select('[lang="en"], textarea, script, .app-own-question__text, .app-code'):
        tag.decompose()
    text = " ".join(page.get_text(" ").split())
    return [phrase for phrase in phrases if phrase in text]


@pytest.mark.parametrize("language", LANGUAGE_LIST, ids=[lang["code"] for lang in LANGUAGE_LIST])
def test_each_language_walks_the_main_steps(
    browser: Browser, live_server: str, language: dict[str, str]
) -> None:
    code = language["code"]
    tablet = Tablet(browser, live_server, locale=code)
    page = tablet.page
    phrases = english_phrases()

    def look(name: str) -> None:
        tablet.look(f"lang-{code}-{name}", lang=code)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if code in RTL_CODES else "ltr")
        if code != "en":
            assert english_left_on(page.content(), phrases) == [], name

    page.goto(live_server + "/")
    assert urlsplit(page.url).path == f"/{code}/"
    look("start")
    link = tablet.start_guide()
    page.wait_for_url("**/step/1?started=1")
    look("step-1")
    page.goto(link.step(id="risks"))
    page.locator("label[for=ask]").click()
    look("step-risks")
    tablet.continue_()
    page.goto(link.step(type="values"))
    page.locator("label[for=concern-haemolysis]").click()
    look("values")
    page.goto(link.step(type="own_questions"))
    page.locator("#new_question").fill("Question in English, 1 2 3")
    page.locator("button[name=action][value=add]").click()
    expect(page.locator(".app-own-question__text")).to_have_count(1)
    look("own-questions")
    page.goto(link.review())
    look("review")
    page.goto(live_server + f"/{code}/about/htg492")
    look("about")
    tablet.close()
