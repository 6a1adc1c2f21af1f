"""The staff dashboard and states.json, which keeps it up to date: one definition of a row, so the
page and its refresh show the same values in every column; the same search; rows that are gone
go; and a refresh nobody asked for keeps no one signed in."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from companion.models import Discussion, StaffSession, db, utcnow
from tests.support.database import make_app
from tests.support.pages import PageClient
from tests.support.staff import NURSE, add_staff_with_authenticator, sign_in, start_discussion
from tests.support.walkthrough import PatientLink, patient_with_link


@pytest.fixture
def app(database: str) -> Flask:
    app = make_app(database)
    with app.app_context():
        add_staff_with_authenticator(NURSE[0], "nurse", NURSE[1], "Sam Nurse")
    return app


# Markup, a number of several groups and right-to-left text: shown as typed, numbers in order.
LABEL = "<b>محمد</b> 943 476 5919"


def refresh(client: FlaskClient, search: str = "") -> dict[str, Any]:
    response = client.get("/staff/discussions/states.json", query_string={"q": search})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    data: dict[str, Any] = response.get_json()
    return data


def text(value: str | list[str]) -> str:
    """A row's value as it reads (a label comes in pieces, its numbers apart)."""
    return value if isinstance(value, str) else "".join(value)


def shown_rows(page: BeautifulSoup) -> list[Tag]:
    return page.select(".app-dashboard tr[data-row]")


def a_ward(app: Flask) -> FlaskClient:
    """A nurse and three discussions: one with every column filled, one finished and handed back
    without a label, one not started."""
    nurse = app.test_client()
    sign_in(nurse, *NURSE)
    busy = start_discussion(nurse, "ar", LABEL)
    start_discussion(nurse, "pl", "")
    start_discussion(nurse, "en", "CD 456")
    with app.app_context():
        discussion = db.session.get(Discussion, busy)
        assert discussion is not None
        link = PatientLink.of(discussion)
        quiet = db.session.scalars(select(Discussion).where(Discussion.patient_label.is_(None)))
        for handed in quiet:
            handed.finished_at = handed.handed_back_at = utcnow()
        db.session.commit()
    patient = patient_with_link(app, link)
    patient.post(link.step(type="own_questions"), data={"new_question": "Pain?", "action": "add"})
    patient.post(link.step(id="what-happens"), data={"ask": "yes"})
    patient.post(link.step(type="leaning"), data={"leaning": "no-pci"})
    patient.post(link.step(type="readiness"), data={"ready-sure": "no", "ready-understand": "yes"})
    return nurse


def test_the_page_and_its_refresh_show_the_same_values_in_every_column(app: Flask) -> None:
    nurse = a_ward(app)
    page = PageClient(nurse).get("/staff/", lang="en")
    data = refresh(nurse)
    rows = shown_rows(page)
    assert [tr["data-row"] for tr in rows] == [str(row["id"]) for row in data["rows"]]
    assert len(rows) == 3
    for tr, row in zip(rows, data["rows"], strict=True):
        for column, td in enumerate(tr.select("td")):
            assert td.select("[data-cell]"), f"column {column + 1} would not refresh"
        for element in tr.select("[data-cell]"):
            value = row[element["data-cell"]]
            pieces = value if isinstance(value, list) else [value]
            assert element.get_text() == "".join(pieces), element["data-cell"]
            numbers = [span.get_text() for span in element.select("span[dir=ltr]")]
            assert numbers == pieces[1::2], element["data-cell"]
            assert element.has_attr("hidden") == ("".join(pieces) == ""), element["data-cell"]
        for name in ("href", "datetime"):
            for element in tr.select(f"[data-cell-{name}]"):
                assert element[name] == row[element[f"data-cell-{name}"]]
    # The empty row the script copies for a new discussion has a place for every value shown.
    template = page.select_one("template[data-row-template]")
    assert template is not None
    keys = {element["data-cell"] for element in template.select("[data-cell]")}
    assert keys == {element["data-cell"] for element in rows[0].select("[data-cell]")}


def test_every_column_says_what_the_patient_did(app: Flask) -> None:
    nurse = a_ward(app)
    quiet, handed, busy = refresh(nurse)["rows"]  # newest first
    assert "".join(busy["label"]) == LABEL and busy["label"][1] == "943 476 5919"
    assert busy["questions"] == "2 (2 not answered)"
    assert busy["leaning"] == "Not having PCI"
    assert busy["not_ready"] == "Not sure yet"
    assert busy["readiness"].startswith("Not ready yet: answered no to 1 of 4 in the guide, ")
    assert handed["label"] == "No label" and handed["status"].startswith("Finished ")
    assert ", handed back " in handed["status"] and handed["leaning"] == "–"
    assert quiet["status"] == "Not started" and quiet["not_ready"] == ""
    # Markup a label holds is text on the page, never markup.
    page = nurse.get("/staff/").get_data(as_text=True)
    assert "<b>محمد</b>" not in page and "&lt;b&gt;محمد&lt;/b&gt;" in page


def test_the_refresh_follows_the_search_and_lets_go_of_what_is_gone(app: Flask) -> None:
    nurse = a_ward(app)
    page = PageClient(nurse).get("/staff/?q=cd 4", lang="en")
    board = page.select_one("[data-dashboard-url]")
    assert board is not None and board["data-dashboard-url"].endswith("?q=cd+4")
    assert [text(r["label"]) for r in refresh(nurse, "cd 4")["rows"]] == ["CD 456"]
    assert [tr["data-row"] for tr in shown_rows(page)] == [
        str(r["id"]) for r in refresh(nurse, "cd 4")["rows"]
    ]
    start_discussion(nurse, "en", "CD 457")
    assert [text(r["label"]) for r in refresh(nurse, "cd 4")["rows"]] == ["CD 457", "CD 456"]
    assert refresh(nurse, "AB\x00")["rows"] == []
    with app.app_context():
        purged = db.session.scalars(select(Discussion).where(Discussion.patient_label == "CD 456"))
        db.session.delete(purged.one())
        db.session.commit()
    assert [text(r["label"]) for r in refresh(nurse, "cd 4")["rows"]] == ["CD 457"]
    assert len(refresh(nurse)["rows"]) == 3


def test_nothing_listed_yet_the_page_is_ready_for_the_first(app: Flask) -> None:
    nurse = app.test_client()
    sign_in(nurse, *NURSE)
    page = PageClient(nurse).get("/staff/?q=zz", lang="en")
    assert "No discussion matches “zz”" in page.select_one("[data-no-rows]").get_text()
    assert not page.select_one("[data-no-rows]").has_attr("hidden")
    assert page.select_one("[data-table]").has_attr("hidden") and shown_rows(page) == []
    assert refresh(nurse, "zz") == {"updated_at": refresh(nurse)["updated_at"], "rows": []}


def test_the_updated_at_line_says_when_in_the_same_words_as_the_refresh(app: Flask) -> None:
    nurse = a_ward(app)
    page = PageClient(nurse).get("/staff/", lang="en")
    line = page.select_one("[data-updated]")
    assert line is not None
    text = " ".join(line.select_one("[data-updated-text]").get_text().split())
    assert re.fullmatch(r"Updated at \d\d:\d\d:\d\d UTC", text)
    assert text == line["data-words-updated"].replace("{time}", line["data-time"])
    assert re.fullmatch(r"\d\d:\d\d:\d\d UTC", refresh(nurse)["updated_at"])
    # Not a live region itself (it changes every few seconds); the quiet one beside it is.
    assert not line.has_attr("aria-live")
    announcer = page.select_one("[data-announce]")
    assert announcer is not None and announcer["aria-live"] == "polite"
    assert announcer.get_text() == ""


def age_session(app: Flask, minutes: int) -> None:
    with app.app_context():
        for record in db.session.scalars(select(StaffSession)):
            record.last_seen_at -= dt.timedelta(minutes=minutes)
        db.session.commit()


def test_an_open_dashboard_refreshing_does_not_keep_its_nurse_signed_in(app: Flask) -> None:
    nurse = app.test_client()
    sign_in(nurse, *NURSE)
    age_session(app, 19)
    assert nurse.get("/staff/discussions/states.json").status_code == 200
    age_session(app, 2)
    refused = nurse.get("/staff/discussions/states.json")
    assert refused.status_code == 302 and "/staff/sign-in" in refused.headers["Location"]
    # A page the nurse opens is activity, as before.
    again = app.test_client()
    sign_in(again, *NURSE)
    age_session(app, 19)
    assert again.get("/staff/").status_code == 200
    age_session(app, 2)
    assert again.get("/staff/discussions/states.json").status_code == 200
