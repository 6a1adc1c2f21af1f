"""A second content pack never silently takes over: with several guides the front door lists the
decisions to choose from; the site name and the footer's About stay what they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.support.content import with_a_second_guide
from tests.support.database import make_app, sqlite_only
from tests.support.pages import PageClient, text_of
from tests.support.walkthrough import PatientLink

pytestmark = sqlite_only


@pytest.fixture
def two_guides(database: str, tmp_path: Path) -> Flask:
    """The heart pump guide, and a second guide whose folder sorts before it."""
    content = with_a_second_guide(tmp_path)
    return make_app(database, CONTENT_DIR=str(content))


def test_the_front_door_lists_every_guide_and_starts_the_one_chosen(two_guides: Flask) -> None:
    pages = PageClient(two_guides.test_client())
    door = pages.get("/en/", lang="en")
    assert text_of(door, "h1") == "Which decision do you want to read about?"
    titles = [a.get_text(strip=True) for a in door.select(".app-guide-list h2 a")]
    assert titles == [
        "Another procedure altogether",
        "A heart pump during a high-risk heart procedure",
    ]
    assert text_of(door, ".app-header__name") == "Heart pump decision guide"
    footer_about = [a["href"] for a in door.select("footer a") if "/about/" in str(a["href"])]
    assert footer_about == [], "no guide's About stands for all of them"
    heart = pages.get("/en/guide/htg492", lang="en")
    assert text_of(heart, "h1") == "A heart pump during a high-risk heart procedure"
    about = [a["href"] for a in heart.select("footer a") if "/about/" in str(a["href"])]
    assert about == ["/en/about/htg492"]
    client = two_guides.test_client()
    assert client.post("/en/start", data={"language": "en"}).status_code == 400
    started = client.post("/en/start", data={"language": "en", "procedure": "htg492"})
    link = PatientLink.from_url(started.headers["Location"])
    step = PageClient(client).get(link.step(1), lang="en")
    assert "/en/about/htg492" in [str(a["href"]).split("?")[0] for a in step.select("footer a")]


def test_with_one_guide_the_front_door_is_that_guide(pages: PageClient) -> None:
    door = pages.get("/en/", lang="en")
    assert text_of(door, "h1") == "A heart pump during a high-risk heart procedure"
    assert pages.get("/en/guide/htg492", lang="en") is not None
    pages.get("/en/guide/no-such-guide", status=404, lang="en")
