"""The study pictures and figures read right: a key beside each picture, the difference said in
words, and study names and years in right-to-left text in the order they were written."""

from __future__ import annotations

from tests.support.database import sqlite_only
from tests.support.pages import PageClient, text_of
from tests.support.walkthrough import PatientLink, url

# Drawn, not stored: once, on SQLite.
pytestmark = sqlite_only


def options_page(pages: PageClient, lang: str) -> str:
    location = pages.post(
        url("walkthrough.begin", lang=lang), {"language": lang, "procedure": "htg492"}
    )
    assert isinstance(location, str)
    return PatientLink.from_url(location).step(type="comparison")


def test_each_picture_has_a_key_and_its_difference_in_words(pages: PageClient) -> None:
    page = pages.get(options_page(pages, "en"), lang="en")
    key = page.select(".app-figure-key li")
    assert [" ".join(k.get_text().split()) for k in key] == [
        "Had the outcome",
        "Did not have the outcome",
    ]
    assert key[0].select_one("path.app-icon-array__hit") is not None
    assert key[1].select_one("path.app-icon-array__miss") is not None
    deaths = page.select_one("section[aria-labelledby=figure-heart-deaths]")
    assert deaths is not None
    assert "The difference between the two pictures is about 12 people in 100." in text_of(
        deaths, ".app-figure__difference"
    )
    discharge = page.select_one("section[aria-labelledby=figure-problems-by-discharge]")
    assert discharge is not None
    assert "about 1 person in 100" in text_of(discharge, ".app-figure__difference")


def test_study_names_and_years_keep_their_order_in_right_to_left_text(pages: PageClient) -> None:
    page = pages.get(options_page(pages, "ur"), lang="ur")
    heading = page.select_one("#figure-serious-problems-30-days")
    assert heading is not None
    isolated = [span.get_text() for span in heading.select('span[dir="ltr"]')]
    assert isolated == ["PROTECT II (2012)"], heading
    assert heading.get_text().startswith("PROTECT II (2012)")
    english = pages.get(options_page(pages, "en"), lang="en")
    assert english.select('#figure-serious-problems-30-days span[dir="ltr"]') == []
