"""Every page of the guide, in every language, shows its text as written: an apostrophe, a quote
or an ampersand in a catalog never comes out as a character reference (check_page refuses one)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.support.database import make_app
from tests.support.generated import start
from tests.support.pages import PageClient
from tests.support.walkthrough import steps

LANGUAGES = ["en", "cy", "ar", "bn", "zh-Hans", "gu", "pl", "pt", "pa", "ro", "es", "ur"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    # Reading pages changes nothing that differs between databases: SQLite is enough.
    return make_app(f"sqlite:///{tmp_path_factory.mktemp('pages') / 'test.sqlite3'}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_of_the_guide_shows_its_text_as_written(app: Flask, lang: str) -> None:
    client, link = start(app)
    link = link.in_language(lang)
    pages = PageClient(client)
    for number in range(1, len(steps()) + 1):
        pages.get(link.step(number), lang=lang)
    pages.get(link.review(), lang=lang)
    pages.get(f"/{lang}/about/htg492", lang=lang)
    pages.get(f"/{lang}/", lang=lang)
