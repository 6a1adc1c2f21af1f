"""The walkthrough as a patient uses it, page by page, without JavaScript."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import segno
import yaml
from babel.dates import format_date
from flask import Flask
from sqlalchemy import select

from companion.models import Discussion, PatientQuestion, db
from companion.record.fields import VALUE_RATING
from companion.record.summary import build
from tests.support.pages import PageClient, text_of, textarea_value
from tests.support.walkthrough import PatientLink, numbers_of, pack, steps, url

TOTAL_STEPS = len(steps())
LANGUAGES = yaml.safe_load(
    (Path(__file__).parent.parent / "translations" / "languages.yaml").read_text()
)


def start(pages: PageClient, lang: str = "en") -> PatientLink:
    """Start a walkthrough from the home page; it opens on the first step."""
    location = pages.post(
        url("walkthrough.begin", lang=lang), {"language": lang, "procedure": "htg492"}
    )
    assert isinstance(location, str)
    link = PatientLink.from_url(location)
    assert location == link.step(1, started="1"), location
    return link


def steps_seen(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Discussion)).one().step_visits)


def discussion(app: Flask) -> Discussion:
    with app.app_context():
        found = db.session.scalars(select(Discussion)).one()
        db.session.expunge(found)
        return found


def test_front_door_follows_the_browsers_language(pages: PageClient) -> None:
    response = pages.client.get("/", headers={"Accept-Language": "ur-PK, en;q=0.5"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/ur/"
    response = pages.client.get("/", headers={"Accept-Language": "fr, de"})
    assert response.headers["Location"] == "/en/"
    response = pages.client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert response.headers["Location"] == "/zh-Hans/"
    response = pages.client.get("/", headers={"Accept-Language": "pt-BR, pa-IN;q=0.5"})
    assert response.headers["Location"] == "/pt/"


def test_start_page_offers_languages_named_in_themselves(pages: PageClient) -> None:
    page = pages.get("/ur/", lang="ur")
    urdu = page.select_one("#language-ur")
    assert urdu is not None and urdu.has_attr("checked")
    label = page.select_one("label[for=language-ur]")
    assert label is not None
    assert label.get_text(strip=True) == "اردو" and label["lang"] == "ur" and label["dir"] == "rtl"
    assert page.select_one("label[for=language-en]").get_text(strip=True) == "English"


def test_starting_gives_a_readable_code_and_step_1(pages: PageClient, app: Flask) -> None:
    link = start(pages)
    page = pages.get(link.step(1, started="1"))
    code = text_of(page, ".app-code-notice .app-code")
    assert re.fullmatch(r"[ACDEFGHJKMNPQRTUVWXY34679]{4}-[ACDEFGHJKMNPQRTUVWXY34679]{4}", code)
    assert text_of(page, ".app-progress-caption") == f"Step 1 of {TOTAL_STEPS}"
    assert discussion(app).code == code.replace("-", "")


def test_each_information_step_ends_with_its_question_to_think_about(pages: PageClient) -> None:
    link = start(pages)
    seen = []
    # The information steps, and the options side by side, which ends with the fifth question.
    for number in sorted(numbers_of("information") + numbers_of("comparison")):
        page = pages.get(link.step(number))
        assert text_of(page, ".app-progress-caption") == f"Step {number} of {TOTAL_STEPS}"
        assert page.select("[data-source]"), "every paragraph names its source"
        card = page.select_one(".app-question-card__text")
        if card:
            seen.append(card.get_text(strip=True))
            assert (
                page.select_one("label[for=ask]").get_text(strip=True) == "I want to ask about this"
            )
    assert seen[0] == "What does the procedure involve?"
    assert len(seen) == 5


def test_marking_a_question_is_kept_and_can_be_undone(pages: PageClient, app: Flask) -> None:
    link = start(pages)
    assert pages.post(link.step(id="what-happens"), {"ask": "yes"}) == link.step(id="benefits")
    assert pages.get(link.step(id="what-happens")).select_one("#ask").has_attr("checked")
    review = pages.get(link.review())
    assert "What does the procedure involve?" in text_of(review, ".app-review-questions")
    pages.post(link.step(id="what-happens"), {})
    assert not pages.get(link.step(id="what-happens")).select_one("#ask").has_attr("checked")


def test_own_questions_can_be_added_changed_and_removed(pages: PageClient, app: Flask) -> None:
    link = start(pages)
    step = link.step(type="own_questions")
    assert pages.post(step, {"new_question": "Will I be awake?", "action": "add"}) == link.step(
        type="own_questions", anchor="your-questions"
    )
    pages.post(step, {"new_question": "Can my daughter stay with me?", "action": "add"})
    page = pages.get(step)
    texts = [p.get_text(strip=True) for p in page.select(".app-own-question__text")]
    assert texts == ["Will I be awake?", "Can my daughter stay with me?"]

    edit = page.select_one(".app-own-question__actions a")["href"]
    form = pages.get(edit)
    assert textarea_value(form.select_one("textarea#text")) == "Will I be awake?"
    pages.post(edit, {"text": "Will I be awake during it?"})
    remove = pages.get(step).select(".app-own-question__actions a")[3]["href"]
    confirm = pages.get(remove)
    assert "Can my daughter stay with me?" in text_of(confirm, "main")
    pages.post(remove, {})
    texts = [p.get_text(strip=True) for p in pages.get(step).select(".app-own-question__text")]
    assert texts == ["Will I be awake during it?"]


def test_continuing_with_text_in_the_box_adds_it_rather_than_losing_it(pages: PageClient) -> None:
    link = start(pages)
    assert pages.post(
        link.step(type="own_questions"), {"new_question": "How long will I stay?"}
    ) == link.after(type="own_questions")
    texts = [
        p.get_text(strip=True)
        for p in pages.get(link.step(type="own_questions")).select(".app-own-question__text")
    ]
    assert texts == ["How long will I stay?"]


def test_a_too_long_question_is_refused_and_kept_as_typed(pages: PageClient, app: Flask) -> None:
    link = start(pages)
    typed = "Why? " * 250
    page = pages.post(
        link.step(type="own_questions"), {"new_question": typed, "action": "add"}, status=400
    )
    assert "1249 characters long" in text_of(page, ".nhsuk-error-summary")
    assert "1000 characters or fewer" in text_of(page, "#new_question-error")
    assert textarea_value(page.select_one("textarea#new_question")) == typed
    assert page.select_one(".nhsuk-error-summary a")["href"] == "#new_question"
    with app.app_context():
        assert db.session.scalars(select(PatientQuestion)).all() == []


def test_an_empty_question_gets_a_clear_message(pages: PageClient) -> None:
    link = start(pages)
    page = pages.post(
        link.step(type="own_questions"), {"new_question": "   ", "action": "add"}, status=400
    )
    assert "Write your question in the box" in text_of(page, "#new_question-error")


def test_values_are_kept_even_when_another_field_is_refused(pages: PageClient) -> None:
    link = start(pages)
    form = {
        "rating-support-ready": "a-lot",
        "rating-no-device": "not-sure",
        "concern": ["bleeding", "haemolysis", "not-a-risk"],
        "values_note": "x" * 2001,
    }
    page = pages.post(link.step(type="values"), form, status=400)
    assert page.select_one("#rating-support-ready-a-lot").has_attr("checked")
    assert page.select_one("#concern-bleeding").has_attr("checked")
    assert textarea_value(page.select_one("textarea#values_note")) == "x" * 2001
    form["values_note"] = "Getting home for my grandson's wedding"
    assert pages.post(link.step(type="values"), form) == link.after(type="values")
    page = pages.get(link.step(type="values"))
    assert page.select_one("#rating-no-device-not-sure").has_attr("checked")
    assert page.select_one("#concern-haemolysis").has_attr("checked")
    assert not page.select_one("#concern-vascular-damage").has_attr("checked")
    assert (
        textarea_value(page.select_one("textarea#values_note"))
        == "Getting home for my grandson's wedding"
    )


def test_readiness_check_says_whether_more_support_is_needed(pages: PageClient) -> None:
    link = start(pages)
    items = ["sure", "understand", "risk-benefit", "encouragement"]
    pages.post(link.step(type="readiness"), {f"ready-{i}": "yes" for i in items})
    page = pages.get(link.step(type="readiness"))
    assert "yes to all four" in text_of(page, "[role=status]")
    location = pages.post(
        link.step(type="readiness"), {**{f"ready-{i}": "yes" for i in items}, "ready-sure": "no"}
    )
    assert location == link.after(type="readiness")
    review = pages.get(location)
    assert "need more support" in text_of(review, "main")


def test_review_page_shows_everything_with_ways_to_change_it(pages: PageClient) -> None:
    link = start(pages)
    pages.post(link.step(id="risks"), {"ask": "yes"})
    pages.post(
        link.step(type="values"),
        {"rating-family": "a-lot", "concern": ["bleeding"], "values_note": "My dog"},
    )
    pages.post(link.step(type="own_questions"), {"new_question": "Is it painful?", "action": "add"})
    page = pages.get(link.review())
    questions = text_of(page, ".app-review-questions")
    assert "What are the risks or side effects? How likely are they?" in questions
    assert "Is it painful?" in questions
    main = text_of(page, "main")
    assert (
        "Having my family involved in the decision, even if it takes longer to decide Matters a lot"
        in main
    )
    assert "Bleeding" in main and "My dog" in main
    links = [a["href"] for a in page.select("main a")]
    for step_type in ("own_questions", "values", "readiness"):
        assert link.step(type=step_type, **FROM_REVIEW) in links, step_type


def test_each_rating_reads_the_same_on_every_page_and_the_patients_record(
    app: Flask, pages: PageClient
) -> None:
    """Urdu, each statement rated differently: the step's ticked label, the review page, the page
    of questions to keep and the patient's copy of the record all say the same words."""
    link = start(pages, "ur")
    values = pack().values_step
    choices = [choice.value for choice in VALUE_RATING.choices]
    rated = {s.id: choices[n % len(choices)] for n, s in enumerate(values.statements)}
    pages.post(link.step(type="values"), {f"rating-{s}": r for s, r in rated.items()})

    step = pages.get(link.step(type="values"), lang="ur")
    on_step = [text_of(step, f"label[for=rating-{s}-{r}]") for s, r in rated.items()]
    statements = {
        legend.get_text(" ", strip=True)
        for s in rated
        if (legend := step.select_one(f"fieldset:has(input[name=rating-{s}]) legend"))
    }
    assert len(statements) == len(rated)
    with app.test_request_context("/ur/"):
        stored = db.session.scalars(select(Discussion)).one()
        on_record = [rating for _text, rating in build(stored, pack(), "patient").values]
    assert len(set(on_step)) == len(set(choices[: len(rated)]))
    assert not set(on_step) & {c.staff for c in VALUE_RATING.choices}, "in Urdu, not English"
    assert [str(r) for r in on_record] == on_step
    for address in (link.review(), link.questions_to_print()):
        page = pages.get(address, lang="ur")
        shown = [
            text_of(row, "dd")
            for row in page.select(".nhsuk-summary-list__row")
            if row.dt and row.dt.get_text(" ", strip=True) in statements
        ]
        assert shown == on_step, address


# The review page's "Change" links say where they came from, so the step returns there.
FROM_REVIEW = {"from": "review"}


def test_a_change_from_the_review_page_returns_to_it(pages: PageClient) -> None:
    link = start(pages)
    values = link.step(type="values", **FROM_REVIEW)
    page = pages.get(values)
    assert page.select_one(".app-back a")["href"] == link.review()
    assert text_of(page, ".app-step-actions button") == "Check your answers"
    assert pages.post(values, {"from": "review", "values_note": "Dog"}) == link.review()
    # Adding, changing and removing a question on the way keep the way back, and are announced.
    own = link.step(type="own_questions", **FROM_REVIEW)
    added = pages.post(own, {"new_question": "Why?", "action": "add", "from": "review"})
    assert added == link.step(type="own_questions", anchor="your-questions", **FROM_REVIEW)
    page = pages.get(own)
    assert "Your question has been added." in text_of(page, "[role=status]")
    edit = page.select_one(".app-own-question__actions a")["href"]
    assert edit.endswith("?from=review")
    assert pages.post(edit, {"text": "Why now?"}) == added
    page = pages.get(own)
    assert "Your question has been changed." in text_of(page, "[role=status]")
    remove = page.select(".app-own-question__actions a")[1]["href"]
    pages.post(remove, {})
    assert "Your question has been removed." in text_of(pages.get(own), "[role=status]")
    assert not pages.get(own).select("[data-notice]"), "said once"


def test_a_page_counts_as_seen_only_once_the_patient_moves_on(
    pages: PageClient, app: Flask
) -> None:
    link = start(pages)
    first, second, third, *_ = numbers_of("information")
    pages.get(link.step(first))
    pages.post(link.step(first), {"action": "continue"})
    pages.get(link.step(second))
    pages.post(link.step(second), {"action": "continue"})
    pages.get(link.step(third))
    assert steps_seen(app) == 2, "step 3 is open, not yet read"
    # Coming back, however often, lands on the page left and counts nothing more.
    for _ in range(3):
        assert pages.client.get(link.continue_discussion()).headers["Location"] == link.step(third)
        pages.get(link.step(third))
    assert steps_seen(app) == 2
    # Stopping for now on step 3 saves it and counts it: the patient read it and left.
    assert pages.post(link.step(third), {"action": "later"}) == link.later()
    assert steps_seen(app) == 3
    assert pages.client.get(link.continue_discussion()).headers["Location"] == link.step(third)


def test_coming_back_after_the_last_step_opens_the_answers(pages: PageClient) -> None:
    link = start(pages)
    pages.get(link.review())
    assert pages.client.get(link.continue_discussion()).headers["Location"] == link.review()


def test_resume_with_the_code_in_any_form(pages: PageClient, app: Flask) -> None:
    link = start(pages)
    pages.post(
        link.step(type="own_questions"), {"new_question": "Who will do it?", "action": "add"}
    )
    code = discussion(app).code
    typed = f" {code[:4].lower()} - {code[4:]} "
    # Straight to the page the patient was last on, not through the link: a tablet's history
    # then holds no link that could open the answers again after it is cleared.
    assert pages.post("/en/resume", {"code": typed}) == link.step(type="own_questions")


def test_a_wrong_code_is_explained_in_the_patients_language_and_kept(pages: PageClient) -> None:
    page = pages.post("/en/resume", {"code": "ZZZZ-0000"}, status=400)
    assert "We could not find that code" in text_of(page, "#code-error")
    assert page.select_one("input#code")["value"] == "ZZZZ-0000"


def test_an_empty_code_is_asked_for(pages: PageClient) -> None:
    page = pages.post("/ur/resume", {"code": "  - "}, status=400, lang="ur")
    assert "Enter your code" not in text_of(page, "#code-error"), "said in Urdu"
    page = pages.post("/en/resume", {"code": ""}, status=400)
    assert text_of(page, "#code-error") == "Error: Enter your code."


def test_the_code_after_starting_stands_apart_from_any_sentence(pages: PageClient) -> None:
    for lang in ("ur", "bn", "en"):
        page = pages.get(start(pages, lang).step(1, started="1"), lang=lang)
        code = page.select_one(".app-code-notice .app-code")
        assert code is not None and code.name == "p"
        assert code.get_text(strip=True).replace("-", "").isalnum(), "nothing glued to the code"


def test_text_size_works_without_javascript_and_is_remembered(pages: PageClient) -> None:
    link = start(pages)
    page = pages.get(link.first())
    pressed = [b.get_text(strip=True) for b in page.select("[aria-pressed=true]")]
    assert pressed == ["Medium"]
    # On a step the buttons send the answers form: what was typed is kept, then the same page.
    own = link.step(type="own_questions")
    assert pages.post(own, {"text_size": "2", "new_question": "Half a quest"}) == own
    page = pages.get(own)
    assert page.select_one("html")["data-text-size"] == "2"
    assert [b.get_text(strip=True) for b in page.select("[aria-pressed=true]")] == ["Very large"]
    assert textarea_value(page.select_one("#new_question")) == "Half a quest"
    # Elsewhere a small form of its own, back to the same page.
    about = url("walkthrough.about", lang="en", procedure="htg492")
    assert pages.post("/en/text-size", {"text_size": "-1", "next": about}) == about
    assert pages.get(about).select_one("html")["data-text-size"] == "-1"
    assert pages.post("/en/text-size", {"text_size": "0", "next": "//evil.example/"}) == "/en/"
    assert not pages.get("/en/").select_one("html").has_attr("data-text-size")


def test_autosave_keeps_a_question_being_typed(pages: PageClient, app: Flask) -> None:
    link = start(pages)
    response = pages.client.post(
        link.step(type="own_questions"),
        data={"new_question": "Half a quest"},
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 200 and response.get_json() == {"saved": True, "errors": {}}
    assert discussion(app).draft_question == "Half a quest"
    assert (
        textarea_value(
            pages.get(link.step(type="own_questions")).select_one("textarea#new_question")
        )
        == "Half a quest"
    )
    too_long = pages.client.post(
        link.step(type="own_questions"),
        data={"new_question": "x" * 1001},
        headers={"X-Autosave": "1"},
    )
    assert too_long.status_code == 422 and "new_question" in too_long.get_json()["errors"]


def test_switching_language_saves_the_page_and_keeps_every_answer(
    pages: PageClient, app: Flask
) -> None:
    link = start(pages)
    pages.post(link.step(id="what-happens"), {"ask": "yes"})
    pages.post(
        link.step(type="own_questions"), {"new_question": "Is it safe for me?", "action": "add"}
    )
    location = pages.post(
        link.step(type="own_questions"),
        {"new_question": "Typed before switching", "switch_language": "ur"},
    )
    ur_link = link.in_language("ur")
    assert location == ur_link.step(type="own_questions")
    page = pages.get(location, lang="ur")
    texts = [p.get_text(strip=True) for p in page.select(".app-own-question__text")]
    assert texts == ["Is it safe for me?"]
    assert textarea_value(page.select_one("textarea#new_question")) == "Typed before switching"
    assert page.select_one(".app-own-question__text")["lang"] == "en"
    assert (
        pages.get(ur_link.step(id="what-happens"), lang="ur").select_one("#ask").has_attr("checked")
    )
    assert discussion(app).language == "ur"


def test_urdu_pages_are_right_to_left_and_say_the_translation_is_a_draft(pages: PageClient) -> None:
    link = start(pages, "ur")
    page = pages.get(link.first(), lang="ur")
    notice = text_of(page, ".app-draft-notice")
    assert re.search(r"[\u0600-\u06FF]", notice), "the draft notice must be in Urdu"
    assert "Draft translation" not in notice
    caption = text_of(page, ".app-progress-caption")
    assert "1" in caption and str(TOTAL_STEPS) in caption and "Step" not in caption
    fallbacks = [
        t
        for t in page.select("main [lang=en]")
        if "app-own-question__text" not in t.get("class", [])
    ]
    assert fallbacks == [], "no English fallback on a complete Urdu page"


def test_english_pages_have_no_draft_notice(pages: PageClient) -> None:
    assert pages.get("/en/").select_one(".app-draft-notice") is None


def test_patient_text_is_escaped(pages: PageClient) -> None:
    link = start(pages)
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    pages.post(link.step(type="own_questions"), {"new_question": hostile, "action": "add"})
    html = pages.client.get(link.step(type="own_questions")).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    review = pages.client.get(link.review()).get_data(as_text=True)
    assert "<img src=x" not in review


def test_an_unknown_language_offers_the_supported_ones(pages: PageClient) -> None:
    page = pages.get("/xx/", status=404)
    names = [a.get_text(strip=True) for a in page.select(".app-language-choices a")]
    assert names == [lang["name"] for lang in LANGUAGES]


def test_an_unknown_link_and_an_expired_link(pages: PageClient, app: Flask) -> None:
    pages.get(PatientLink("en", "not-a-real-token").first(), status=404)
    link = start(pages)
    with app.app_context():
        found = db.session.scalars(select(Discussion)).one()
        found.expires_at = dt.datetime(2020, 1, 1)
        db.session.commit()
    page = pages.get(link.first(), status=410)
    assert "This link has expired" in text_of(page, "h1")
    assert "not lost" in text_of(page, "main")


def test_about_page_says_where_the_information_comes_from(pages: PageClient) -> None:
    page = pages.get("/en/about/htg492")
    main = text_of(page, "main")
    for needed in (
        "It is not a NICE product",
        "No organisation funded this guide",
        "without outside money",
        "not heart doctors",
        "The numbers in detail",
        "PROTECT IV",
        "28 November 2018",
        "Next review due",
        "2.1.0",
        "O'Neill WW et al. Circulation 2012",
        "CHIP-BCIS3",
        "Who this guide is for",
        "cardiogenic shock",
        "Who wrote it, and who checked it",
        "no maker of a heart pump or a balloon pump had any part in it",
        "We last searched for new studies on 4 December 2026",
        "Last search for new studies",
        "Why there are no patient stories",
        "What happens to your answers",
        "This app deletes your answers 180 days after you start",
        "reading age of about 11",
    ):
        assert needed in main, needed
    # From a discussion still on the first version, the About page is that version's.
    old = text_of(pages.get("/en/about/htg492?version=1.0.0"), "main")
    assert "1.0.0" in old and "Why there are no patient stories" not in old
    pages.get("/en/about/htg492?version=9.9.9", status=404)


def test_every_page_has_a_language_switch_that_names_languages_in_themselves(
    pages: PageClient,
) -> None:
    link = start(pages)
    for address in (
        url("walkthrough.start", lang="en"),
        url("walkthrough.resume", lang="en"),
        url("walkthrough.about", lang="en", procedure="htg492"),
        link.step(id="benefits"),
        link.review(),
    ):
        page = pages.get(address)
        options = page.select(".app-language__list li")
        assert [o.get_text(strip=True) for o in options] == [lang["name"] for lang in LANGUAGES]


@pytest.mark.parametrize("code", [lang["code"] for lang in LANGUAGES if lang["code"] != "en"])
def test_a_switch_to_any_language_mid_walkthrough_keeps_every_answer(
    pages: PageClient, code: str
) -> None:
    link = start(pages)
    pages.post(link.step(id="what-happens"), {"ask": "yes"})
    pages.post(
        link.step(type="values"),
        {"rating-no-device": "a-little", "concern": ["heart-damage"], "values_note": "Ĉu?"},
    )
    pages.post(link.step(type="own_questions"), {"new_question": "First question", "action": "add"})
    pages.post(link.step(type="readiness"), {"ready-sure": "yes", "ready-understand": "no"})
    location = pages.post(
        link.step(type="own_questions"), {"new_question": "Half typed", "switch_language": code}
    )
    there = link.in_language(code)
    assert location == there.step(type="own_questions")
    page = pages.get(location, lang=code)
    assert [p.get_text(strip=True) for p in page.select(".app-own-question__text")] == [
        "First question"
    ]
    assert textarea_value(page.select_one("textarea#new_question")) == "Half typed"
    assert (
        pages.get(there.step(id="what-happens"), lang=code).select_one("#ask").has_attr("checked")
    )
    values = pages.get(there.step(type="values"), lang=code)
    assert values.select_one("#rating-no-device-a-little").has_attr("checked")
    assert values.select_one("#concern-heart-damage").has_attr("checked")
    assert textarea_value(values.select_one("textarea#values_note")) == "Ĉu?"
    ready = pages.get(there.step(type="readiness"), lang=code)
    assert ready.select_one("#ready-sure-yes").has_attr("checked")
    assert ready.select_one("#ready-understand-no").has_attr("checked")
    back = pages.post(
        there.step(type="readiness"),
        {"ready-sure": "yes", "ready-understand": "no", "switch_language": "en"},
    )
    assert back == link.step(type="readiness")


def test_wrong_codes_from_one_browser_never_lock_out_another_on_the_same_ward(
    app: Flask,
) -> None:
    # Two browsers at one address (the test client's), as tablets on a ward network are.
    tablet, other = PageClient(app.test_client()), PageClient(app.test_client())
    link = start(other)
    code = discussion(app).code
    statuses = [
        tablet.client.post("/en/resume", data={"code": f"ZZZZ-{n:04d}"}).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]
    assert other.post("/en/resume", {"code": code}) == link.step(1)
    # One code tried again and again is stopped whichever browser, at whichever address, tries it.
    tries = [
        app.test_client().post(
            "/en/resume", data={"code": "QQQQ-4444"}, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}
        )
        for n in range(6)
    ]
    assert [t.status_code for t in tries] == [400] * 5 + [429]


def test_finishing_is_stamped_and_the_questions_print_without_the_code(
    pages: PageClient, app: Flask
) -> None:
    link = start(pages)
    pages.post(
        link.step(type="own_questions"), {"new_question": "Can I eat before?", "action": "add"}
    )
    review = pages.get(link.review())
    assert review.select_one(".app-code-card.app-no-print"), "the code is never printed"
    finish = review.select_one("form.app-finish")
    assert finish is not None and "show my nurse" in finish.get_text()
    assert finish["action"] == link.finish()
    # Steps not read yet are named first; finishing anyway is one more button.
    assert pages.post(link.finish(), {}) == link.before_finishing()
    assert pages.post(link.finish(), {"anyway": "yes"}) == link.finished()
    assert discussion(app).finished_at is not None
    done = pages.get(link.finished())
    assert "You have 1 question to ask." in text_of(done, "main")
    printable = pages.get(link.questions_to_print())
    assert "Can I eat before?" in text_of(printable, "main")
    found = discussion(app)
    words = printable.get_text(" ")
    assert found.code not in words and f"{found.code[:4]}-{found.code[4:]}" not in words
    assert found.token not in words, "no link written out on the page"


def test_a_patient_who_started_alone_can_clear_a_shared_tablet(
    pages: PageClient, app: Flask
) -> None:
    link = start(pages)
    own = link.step(type="own_questions")
    pages.post(own, {"new_question": "Private words", "action": "add"})
    done = pages.get(link.finished())
    assert done.select_one(f"main form[action='{link.clear()}'] button") is not None
    cleared = url("walkthrough.cleared", lang="en")
    assert pages.post(link.clear(), {}) == cleared
    for address in (own, link.review(), link.continue_discussion()):
        refused = pages.client.get(address, follow_redirects=True)
        assert "Private words" not in refused.get_data(as_text=True)
        assert refused.status_code == 403, address
        assert "This tablet has been cleared" in refused.get_data(as_text=True)
    # The answers are kept: the code opens them again, here too.
    code = discussion(app).code
    assert pages.post("/en/resume", {"code": code}) == own
    assert "Private words" in pages.client.get(own).get_data(as_text=True)


def test_guessing_codes_is_throttled_with_a_kind_page_in_the_patients_language(
    pages: PageClient,
) -> None:
    for n in range(10):
        pages.post("/ur/resume", {"code": f"ZZZZ-{n:04d}"}, status=400, lang="ur")
    page = pages.post("/ur/resume", {"code": "ZZZZ-9999"}, status=429, lang="ur")
    assert not isinstance(page, str)
    assert re.search(r"[\u0600-\u06FF]", text_of(page, "h1")), "the page speaks Urdu"
    assert pages.client.get("/ur/resume").status_code == 200, "reading the form is not throttled"


def test_the_options_are_compared_in_one_table_with_pictures_on_the_same_scale(
    pages: PageClient,
) -> None:
    link = start(pages)
    page = pages.get(link.step(type="comparison"))
    table = page.select_one("main table")
    assert table.caption.get_text(strip=True) == "The options compared, with the same rows for each"
    columns = [th.get_text(strip=True) for th in table.select("thead th[scope=col]")]
    assert columns == [
        "A planned heart pump",
        "PCI with no planned support device",
        "A balloon pump",
        "Not having PCI",
    ]
    rows = [th.get_text(strip=True) for th in table.select("tbody th[scope=row]")]
    assert rows == [
        "What it involves",
        "Possible benefits",
        "Possible harms",
        "What is not known",
        "What it would mean for you",
    ]
    for row in table.select("tbody tr"):
        cells = row.select("td")
        assert len(cells) == 4 and all(len(c.get_text(strip=True)) > 40 for c in cells)
    # Every figure is drawn as 100 people and said both ways, with its study and year.
    pictures = page.select("figure.app-icon-array svg[role=img]")
    assert len(pictures) == 14
    labels = [svg["aria-label"] for svg in pictures]
    assert (
        "A planned heart pump: About 27 in 100 people died from heart causes. "
        "About 73 in 100 did not die from heart causes." in labels
    )
    assert (
        "PCI with no planned support device: About 15 in 100 people died from heart causes. "
        "About 85 in 100 did not die from heart causes." in labels
    )
    headings = [h.get_text(strip=True) for h in page.select(".app-figure h3")]
    assert "CHIP-BCIS3 (2026): death from heart causes" in headings
    assert "not designed to prove this difference" in text_of(page, ".app-figure")


def test_step_2_draws_the_pump_in_place_with_a_text_alternative_and_a_key(
    pages: PageClient,
) -> None:
    link = start(pages)
    page = pages.get(link.step(id="what-happens"))
    image = page.select_one("figure.app-picture img")
    assert image["src"].startswith("/static/img/pump-in-place.svg")
    assert "thin tube goes in at the groin" in image["alt"]
    key = [li.get_text(strip=True) for li in page.select(".app-picture__key li")]
    assert len(key) == 5 and key[0] == "The heart" and "main pumping chamber" in key[1]
    drawing = (Path(__file__).parent.parent / "static/img/pump-in-place.svg").read_text()
    assert re.findall(r"<text[^>]*>([^<]*)</text>", drawing) == ["1", "2", "3", "4", "5"]
    assert pages.client.get(image["src"]).status_code == 200


def test_the_risks_page_shows_the_figures_for_every_option_as_pictures(pages: PageClient) -> None:
    link = start(pages)
    page = pages.get(link.step(id="risks"))
    headings = [h.get_text(strip=True) for h in page.select(".app-figure h3")]
    assert headings == [
        "CHIP-BCIS3 (2026): death from heart causes",
        "BCIS-1 (2010): serious problems during PCI",
        "BCIS-1 (2010): serious problems by the time people left hospital",
        "BCIS-1 (2010): deaths within 6 months",
        "REVIVED-BCIS2 (2022): death or a hospital stay for heart failure",
    ]
    assert len(page.select("figure.app-icon-array svg[role=img]")) == 10
    assert len(page.select(".app-figure-key")) == 1, "the key is given once"
    main = text_of(page, "main")
    assert "This guide has no figure for bleeding with a balloon pump" in main
    assert "BCIS-1 study" in text_of(page, ".app-sources")


def test_each_nice_question_shows_the_guides_answer_where_it_is_asked(
    pages: PageClient,
) -> None:
    link = start(pages)
    page = pages.get(link.step(id="goes-wrong"))
    card = text_of(page, ".app-question-card")
    assert "What happens if the procedure doesn't work or something goes wrong?" in card
    assert "the team can put in a pump or balloon pump in an emergency" in card
    benefits = pages.get(link.step(id="benefits"))
    # A button of the step's form, so that a tick on this step is kept when the patient goes.
    more = benefits.select_one(".app-answer button[name=go]")
    number = link.number(type="comparison")
    assert more.get_text(strip=True) == f"Read more in step {number}: Your options side by side"
    assert more["value"] == str(number)
    answered = 0
    for number in range(1, TOTAL_STEPS + 1):
        answered += len(pages.get(link.step(number)).select(".app-question-card .app-answer"))
    assert answered == 5


def test_the_leaning_is_saved_shown_for_review_and_can_be_changed(
    pages: PageClient, app: Flask
) -> None:
    link = start(pages)
    page = pages.get(link.step(type="leaning"))
    assert text_of(page, "h1") == "Which way are you leaning?"
    choices = [label.get_text(strip=True) for label in page.select(".nhsuk-radios__label")]
    assert choices == [
        "A planned heart pump",
        "PCI with no planned support device",
        "A balloon pump",
        "Not having PCI",
        "I am not sure yet",
    ]
    form = {"leaning": "no-support", "leaning_reason": "The 2026 study worried me"}
    assert pages.post(link.step(type="leaning"), form) == link.after(type="leaning")
    stored = discussion(app)
    assert (stored.leaning, stored.leaning_reason) == ("no-support", "The 2026 study worried me")
    review = pages.get(link.review())
    main = text_of(review, "main")
    assert "The option you lean towards PCI with no planned support device" in main
    assert "The 2026 study worried me" in main
    change = [
        a for a in review.select("main a") if a.get_text() == "Change which way you are leaning"
    ]
    assert change and change[0]["href"] == link.step(type="leaning")
    # A made-up option is ignored; a reason too long is refused and kept as typed.
    refused = pages.post(
        link.step(type="leaning"), {"leaning": "a-stent", "leaning_reason": "x" * 2001}, status=400
    )
    assert not isinstance(refused, str)
    assert textarea_value(refused.select_one("textarea#leaning_reason")) == "x" * 2001
    assert discussion(app).leaning == "no-support"
    pages.post(link.step(type="leaning"), {"leaning": "not-sure", "leaning_reason": ""})
    assert discussion(app).leaning == "not-sure"
    assert "I am not sure yet" in text_of(pages.get(link.review()), "main")


def test_a_discussion_started_on_version_1_still_shows_version_1(
    pages: PageClient, app: Flask
) -> None:
    """A patient who started before 2.0.0 was published reads on in the text they were given."""
    link = start(pages)
    with app.app_context():
        started = db.session.scalars(select(Discussion)).one()
        assert started.content_version == "2.1.0", "new discussions get the newest"
        started.content_version = "1.0.0"
        db.session.commit()
    # Steps are numbered as in 1.0.0 (10 of them): the values step was the eighth.
    page = pages.get(link.step(1))
    assert text_of(page, ".app-progress-caption") == "Step 1 of 10"
    assert "Most people do not need extra support for the heart during angioplasty." in text_of(
        page, "main"
    )
    assert "CHIP-BCIS3" not in text_of(page, "main")
    about = page.select_one("a[href*='/about/htg492']")["href"]
    assert "version=1.0.0" in about
    page = pages.get(link.step(8))
    assert "Knowing there is good evidence for a treatment before I have it" in text_of(
        page, "main"
    )


def test_continue_later_has_a_qr_code_of_the_link_and_the_date_it_stops_working(
    pages: PageClient, app: Flask
) -> None:
    link = start(pages, "ur")
    page = pages.get(link.later(), lang="ur")
    shown = text_of(page, ".app-slip .app-link-text")
    assert link.token in shown
    # The QR code holds exactly the link shown beside it: the same modules segno draws for it.
    drawn = page.select(".app-slip .app-qr svg path")[-1]["d"]  # after the light background
    expected = segno.make(shown, error="m").svg_inline(scale=5)
    assert f'd="{drawn}"' in expected
    with app.app_context():
        expires = db.session.scalars(select(Discussion)).one().expires_at
    stops = format_date(expires.date(), "long", locale="ur")
    assert stops in text_of(page, ".app-slip")
    assert page.select_one("button[data-print]") is not None, "Print a slip, with JavaScript"
    assert page.select_one(".app-no-print .nhsuk-warning-callout") is not None
