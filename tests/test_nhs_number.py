"""The patient's NHS number: optional, only a valid one stored, shown to staff on the clinician's
copy, never on the patient's pages or in the log, and purged with the record."""

from __future__ import annotations

import datetime as dt
import logging

from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text

from companion import nhs_number
from companion.models import Discussion, db, utcnow
from companion.web.logs import LOG
from tests.support.database import make_app
from tests.support.pages import PageClient, text_of
from tests.support.staff import CLINICIAN, add_staff_with_authenticator, sign_in
from tests.support.walkthrough import PatientLink, url

# The NHS's own example number, and the same with its last digit changed.
VALID = "943 476 5919"
WRONG_CHECK_DIGIT = "943 476 5918"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_a_number_with_its_check_digit_is_valid_and_any_one_digit_changed_is_not(
    first_nine: str,
) -> None:
    check = nhs_number.check_digit(first_nine)
    if check is None:  # no NHS number starts with these nine digits
        assert all(nhs_number.problem(first_nine + d) for d in "0123456789")
        return
    number = first_nine + str(check)
    if len(set(number)) > 1:
        assert nhs_number.problem(number) is None
        assert nhs_number.problem(nhs_number.formatted(number)) is None, "typed with spaces"
    for position in range(10):
        for digit in "0123456789":
            if digit != number[position]:
                changed = number[:position] + digit + number[position + 1 :]
                assert nhs_number.problem(changed), f"{changed} passed for {number}"


def test_what_is_not_an_nhs_number_is_refused_naming_the_field() -> None:
    for typed in ("943476591", "94347659190", "943-476-5919", "943476591X", "٩٤٣٤٧٦٥٩١٩"):
        message = nhs_number.problem(typed)
        assert message and message.startswith("NHS number: enter the patient's 10-digit")
    message = nhs_number.problem(WRONG_CHECK_DIGIT)
    assert message == (
        "NHS number: 943 476 5918 is not a valid NHS number (its last digit does not match the "
        "others). Check it against the patient's wristband or letter."
    )
    assert nhs_number.problem("1111111111"), "a run of one digit is a placeholder, not a number"


def new_discussion(pages: PageClient, number: str, status: int = 302) -> BeautifulSoup | str:
    form = {"procedure": "htg492", "language": "ur", "patient_label": "NH 1", "nhs_number": number}
    return pages.post(url("staff.new_discussion"), form, status=status, lang="en")


def test_a_wrong_check_digit_is_refused_and_everything_typed_stays(database: str) -> None:
    app = make_app(database)
    with app.app_context():
        add_staff_with_authenticator(CLINICIAN[0], "clinician", CLINICIAN[1], "Dr Ada")
    client = app.test_client()
    sign_in(client, *CLINICIAN)
    pages = PageClient(client)
    page = new_discussion(pages, WRONG_CHECK_DIGIT, status=400)
    assert "is not a valid NHS number" in text_of(page, ".nhsuk-error-summary")
    assert "NHS number: 943 476 5918" in text_of(page, "#nhs_number-error")
    assert page.select_one("#nhs_number")["value"] == WRONG_CHECK_DIGIT
    assert page.select_one("#patient_label")["value"] == "NH 1"
    assert page.select_one("#language option[selected]")["value"] == "ur"
    with app.app_context():
        assert db.session.scalars(select(Discussion)).all() == [], "nothing is started"

    # Without one, nothing is stored.
    new_discussion(pages, "")
    with app.app_context():
        assert db.session.scalars(select(Discussion.nhs_number)).all() == [None]


def test_a_valid_number_is_kept_as_digits_for_staff_and_never_reaches_patient_or_log(
    database: str,
) -> None:
    app = make_app(database, RETENTION_DAYS=30)
    with app.app_context():
        add_staff_with_authenticator(CLINICIAN[0], "clinician", CLINICIAN[1], "Dr Ada")
    client = app.test_client()
    sign_in(client, *CLINICIAN)
    pages = PageClient(client)
    written: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: written.append(record.getMessage() + str(record.__dict__))  # type: ignore[method-assign]
    LOG.addHandler(handler)
    try:
        location = new_discussion(pages, VALID)
        discussion_id = int(str(location).split("/")[-2])
        with app.app_context():
            discussion = db.session.get(Discussion, discussion_id)
            assert discussion is not None and discussion.nhs_number == "9434765919"
            link = PatientLink.of(discussion)
        record = pages.get(f"/staff/discussions/{discussion_id}", lang="en")
        assert text_of(record, "[data-nhs-number]") == VALID
        clinician = pages.get(
            f"/staff/discussions/{discussion_id}/summary?copy=clinician", lang="en"
        )
        assert text_of(clinician, "[data-nhs-number]") == VALID
        patient_copy = client.get(f"/staff/discussions/{discussion_id}/summary?copy=patient")
        patient = app.test_client()
        shown = [patient_copy.get_data(as_text=True)] + [
            patient.get(page).get_data(as_text=True)
            for page in (link.step(1), link.step(type="own_questions"), link.review())
        ]
        for html in shown:
            assert "9434765919" not in html and VALID not in html and "943 476" not in html
    finally:
        LOG.removeHandler(handler)
    assert written and not any("9434765919" in line or "943 476" in line for line in written)

    # The purge removes it with the record.
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        discussion.created_at = utcnow() - dt.timedelta(days=31)
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    with app.app_context():
        kept = db.session.execute(
            text("SELECT count(*) FROM discussion WHERE nhs_number IS NOT NULL")
        )
        assert kept.scalar() == 0
