"""The governance view: figures across discussions for clinicians and admins, by month, quarter
and period, the same in the page and the CSV, with no patient identifiable from them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from companion.record import governance
from companion.record.governance import Period
from companion.record.suppression import SMALL, Sum, suppress
from companion.staff.governance import discussions_in
from tests.support.database import make_app
from tests.support.governance import PRIVATE, make_discussions
from tests.support.pages import PageClient, text_of
from tests.support.staff import ADMIN, CLINICIAN, NURSE, add_staff_with_authenticator, sign_in

PERIOD = "from=2026-01&to=2026-06"


@pytest.fixture
def governed(database: str) -> Flask:
    app = make_app(database)
    with app.app_context():
        for (email, password), role in (
            (CLINICIAN, "clinician"),
            (NURSE, "nurse"),
            (ADMIN, "admin"),
        ):
            add_staff_with_authenticator(email, role, password, f"Test {role}")
    make_discussions(app, CLINICIAN[0])
    return app


def signed_in(app: Flask, who: tuple[str, str]) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, *who).status_code == 302
    return client


def page_of(client: FlaskClient, query: str) -> BeautifulSoup:
    page = PageClient(client).get(f"/staff/governance?{query}", lang="en")
    assert not isinstance(page, str)
    return page


def csv_of(client: FlaskClient, query: str) -> list[dict[str, str]]:
    response = client.get(f"/staff/governance.csv?{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))


def cells(page: BeautifulSoup) -> dict[tuple[str, str], str]:
    """Every figure on the page by (its row's period, its column as the CSV names it)."""
    return {
        (str(td.find_parent("tr")["data-bucket"]), str(td["data-column"])): td.get_text(strip=True)
        for td in page.select("td[data-column]")
    }


def test_the_page_and_the_csv_give_the_same_figures_by_month_quarter_and_period(
    governed: Flask,
) -> None:
    client = signed_in(governed, CLINICIAN)
    for by, rows in (("month", 6), ("quarter", 2), ("period", 1)):
        query = f"{PERIOD}&by={by}"
        shown = cells(page_of(client, query))
        table = csv_of(client, query)
        assert len(table) == rows, f"one row a {by}"
        compared = 0
        for row in table:
            for column, value in row.items():
                if (row["period"], column) in shown:
                    assert shown[(row["period"], column)] == value, (by, row["period"], column)
                    compared += 1
        on_page = {key for key in shown if key[0] != "period" or by == "period"}
        assert compared == len(on_page), "every figure of these rows on the page is in the CSV"
        assert compared > 40


def test_the_figures_count_each_state_and_hide_small_numbers(governed: Flask) -> None:
    page = page_of(signed_in(governed, CLINICIAN), f"{PERIOD}&by=month")
    shown = cells(page)
    activity = "Discussions by month: "
    assert shown[("2026-01", activity + "Discussions started")] == "7"
    assert shown[("2026-01", activity + "Finished by the patient in the guide")] == "6"
    assert shown[("2026-02", activity + "Discussions started")] == "5"
    assert shown[("2026-02", activity + "Records signed off")] == "fewer than 5"
    assert shown[("2026-03", activity + "Discussions started")] == "0"
    assert shown[("2026-04", activity + "Signed off with items open")] == "5"
    assert shown[("period", activity + "Discussions started")] == "17"
    assert shown[("period", activity + "Records signed off")] == "14"
    assert shown[("2026-01", "Median days from start to sign-off")] == "2.0"
    assert shown[("2026-02", "Median days from start to sign-off")].startswith("not shown")
    assert shown[("2026-01", "Finished by the patient, % of started")] == "86%"
    assert shown[("2026-02", "Signed off, % of started")] == "not shown"
    # One "not to have PCI" in January, three planned pumps in February: both hidden, and so is
    # January's five, from which February's three could be worked out (the period's nine less it).
    decision = "Decisions by option: "
    assert shown[("2026-01", decision + "Not to have PCI")] == "fewer than 5"
    assert (
        shown[("2026-02", decision + "Go ahead: PCI with a planned heart pump")] == "fewer than 5"
    )
    assert shown[("2026-01", decision + "Go ahead: PCI with a planned heart pump")] == "withheld"
    assert shown[("period", decision + "Go ahead: PCI with a planned heart pump")] == "9"
    assert shown[("period", "The patient's language: Polish (Polski)")] == "5"
    assert shown[("period", "Who interpreted: A family member, friend or child")] == "fewer than 5"
    assert shown[("period", "Amendments by field: The patient's decision")] == "fewer than 5"
    assert shown[("period", "Signed off with items open, by kind: No decision recorded")] == "0"
    bcis = "NICE's arrangements still outstanding: Details to be entered in the BCIS PCI database"
    assert shown[("period", bcis)] == "14"
    cross = "Leaning in the guide against the decision: No leaning given in the guide / "
    assert shown[("period", cross + "Go ahead: PCI with a planned heart pump")] == "9"
    assert shown[("period", cross + "Wants more time")] == "fewer than 5"
    text = page.get_text(" ")
    for private in PRIVATE:
        assert private not in text, f"{private!r} is on the governance page"
    assert page.select_one(".app-yellow-card a")["href"] == "https://yellowcard.mhra.gov.uk/"


def test_no_hidden_count_can_be_worked_out_from_a_sum_the_figures_hold(governed: Flask) -> None:
    with governed.app_context():
        period = Period(dt.date(2026, 1, 1), dt.date(2026, 6, 1))
        report = governance.report(period, discussions_in(period))
        relations = governance.sums(report.groups, report.buckets)
    assert len(relations) > 500
    for relation in relations:
        cells_of = [relation.total, *relation.parts]
        hidden = [cell for cell in cells_of if cell in report.hidden]
        assert len(hidden) != 1, f"{hidden[0]} = {relation.total} less the others"
    for key, count in report.counts.items():
        assert not 0 < count < SMALL or key in report.hidden, key


@given(st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=5), min_size=1, max_size=4))
def test_suppression_leaves_no_small_count_and_no_sum_with_one_unknown(
    table: list[list[int]],
) -> None:
    counts: dict[tuple[object, int], int] = {
        (r, c): n for r, row in enumerate(table) for c, n in enumerate(row)
    }
    width = len(table[0])
    rows: list[Sum[tuple[object, int]]] = [
        Sum(("row", r), [(r, c) for c in range(len(row))]) for r, row in enumerate(table)
    ]
    counts |= {("row", r): sum(row) for r, row in enumerate(table)}
    columns: list[Sum[tuple[object, int]]] = [
        Sum(("column", c), [(r, c) for r, row in enumerate(table) if c < len(row)])
        for c in range(width)
    ]
    counts |= {("column", c): sum(row[c] for row in table if c < len(row)) for c in range(width)}
    hidden = suppress(counts, [*rows, *columns])
    assert all(key in hidden for key, n in counts.items() if 0 < n < SMALL)
    for relation in [*rows, *columns]:
        assert sum(1 for cell in [relation.total, *relation.parts] if cell in hidden) != 1


def test_each_chart_is_accessible_svg_with_no_script_style_or_other_host(governed: Flask) -> None:
    page = page_of(signed_in(governed, CLINICIAN), f"{PERIOD}&by=quarter")
    charts = page.select("svg.app-chart")
    assert len(charts) >= 10
    for chart in charts:
        chart_id = str(chart["id"])
        assert chart["role"] == "img"
        assert chart["aria-labelledby"] == f"{chart_id}-title {chart_id}-desc"
        assert chart.select_one(f"title#{chart_id}-title").get_text(strip=True)
        assert "fewer than 5" in chart.select_one(f"desc#{chart_id}-desc").get_text()
        assert not chart.select("script, style, foreignObject, a, image")
        for tag in chart.find_all(True):
            assert not [
                a for a in tag.attrs if a == "style" or a.endswith("href") or a.startswith("on")
            ]
        assert "pygal" not in str(chart).lower(), "responses name no product"
        section = chart.find_parent("section")
        assert section.select_one("table"), "a table of the same figures beside every chart"


def test_only_clinicians_and_admins_see_it(governed: Flask) -> None:
    nurse = signed_in(governed, NURSE)
    assert nurse.get(f"/staff/governance?{PERIOD}").status_code == 403
    assert nurse.get(f"/staff/governance.csv?{PERIOD}").status_code == 403
    assert "/staff/governance" not in nurse.get("/staff/").get_data(as_text=True)
    admin = signed_in(governed, ADMIN)
    assert admin.get(f"/staff/governance?{PERIOD}").status_code == 200
    assert governed.test_client().get("/staff/governance").status_code == 302, "sign in first"


def test_a_bad_period_is_refused_naming_the_field_and_keeping_what_was_typed(
    governed: Flask,
) -> None:
    client = signed_in(governed, CLINICIAN)
    pages = PageClient(client)
    page = pages.get(
        "/staff/governance?from=2026-13&to=Dec 2026&version=9.9", status=400, lang="en"
    )
    summary = text_of(page, ".nhsuk-error-summary")
    assert "From: enter a month as year and month, for example 2026-01." in summary
    assert "To: enter a month as year and month" in summary
    assert "Content version: choose one of the versions listed." in summary
    assert page.select_one("#from")["value"] == "2026-13"
    assert page.select_one("#to")["value"] == "Dec 2026"
    assert not page.select("table"), "no figures for a period that is not one"
    backwards = pages.get("/staff/governance?from=2026-06&to=2026-01", status=400, lang="en")
    assert "To: the last month must be the same as or after the first (From)." in text_of(
        backwards, "#to-error"
    )
    assert client.get("/staff/governance.csv?from=2026-06&to=2026-01").status_code == 400
