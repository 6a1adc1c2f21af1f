"""The staff side: accounts, sign-in, sessions, discussions, hand-over, the record and its audit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pyotp
import pytest
from bs4 import BeautifulSoup
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app import create_app
from companion import discussions
from companion.content import pack_shown
from companion.models import AuditEvent, Discussion, StaffMember, StaffSession, db
from companion.record import entries
from companion.staff import accounts
from companion.staff.accounts import add_staff, password_problem
from companion.web.kiosk import PATIENT_SEEN
from tests.support.database import SECRET_KEY, make_app
from tests.support.pages import PageClient, soup, text_of, textarea_value
from tests.support.staff import (
    ADMIN,
    CLINICIAN,
    NURSE,
    add_staff_with_authenticator,
    amend,
    authenticator_code,
    form_data,
    record_form,
    sign_off,
    start_discussion,
)
from tests.support.staff import sign_in as both_steps
from tests.support.walkthrough import PatientLink, patient_with_link


@pytest.fixture
def app(database: str) -> Flask:
    app = make_app(database)
    with app.app_context():
        add_staff_with_authenticator(NURSE[0], "nurse", NURSE[1], "Sam Nurse")
        add_staff_with_authenticator(CLINICIAN[0], "clinician", CLINICIAN[1], "Dr Ada Clinician")
        add_staff_with_authenticator(ADMIN[0], "admin", ADMIN[1], "Alex Admin")
    return app


def sign_in(client: FlaskClient, who: tuple[str, str]) -> None:
    response = both_steps(client, *who)
    assert response.status_code == 302, response.status_code
    assert "/two-step/" not in response.headers["Location"]


def patient_adds_question(app: Flask, discussion_id: int, text: str) -> str:
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        link = PatientLink.of(discussion)
    patient = patient_with_link(app, link)
    patient.post(link.step(type="own_questions"), data={"new_question": text, "action": "add"})
    patient.post(link.step(id="what-happens"), data={"ask": "yes"})
    patient.post(link.step(type="readiness"), data={"ready-sure": "no", "ready-understand": "yes"})
    return link.token


# ---- accounts ---------------------------------------------------------------------------------


def test_password_rule() -> None:
    assert "at least 12" in (password_problem("short") or "")
    assert "common passwords" in (password_problem("Password1234") or "")
    assert "common passwords" in (password_problem("qwerty 123456") or "")
    assert "too few" in (password_problem("aaaaaaaaaaaaab") or "")
    assert "email" in (password_problem("samnurse-is-great", "samnurse@x.org") or "")
    assert password_problem("tea kettle lighthouse 42") is None


def test_passwords_are_stored_as_argon2id(app: Flask) -> None:
    with app.app_context():
        member = db.session.scalars(select(StaffMember).where(StaffMember.email == NURSE[0])).one()
        assert member.password_hash.startswith("$argon2id$")
        assert NURSE[1] not in member.password_hash


def test_outside_tests_passwords_get_the_full_argon2id_cost(database: str) -> None:
    """Tests hash cheaply (TESTING); the app as deployed uses RFC 9106's low-memory profile."""
    deployed = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": SECRET_KEY})
    assert not deployed.testing
    with deployed.app_context():
        hashed = accounts.hash_password("tea kettle lighthouse 42")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def run_cli(app: Flask, *args: str, input: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_staff_commands(app: Flask) -> None:
    added = run_cli(
        app,
        "staff",
        "add",
        "new@example.org",
        "--role",
        "clinician",
        "--password-stdin",
        input="a perfectly long secret phrase\n",
    )
    assert added.exit_code == 0, added.output
    refused = run_cli(
        app,
        "staff",
        "add",
        "x@example.org",
        "--role",
        "nurse",
        "--password-stdin",
        input="password1234\n",
    )
    assert refused.exit_code != 0 and "common passwords" in refused.output
    bad_role = run_cli(
        app, "staff", "add", "y@example.org", "--role", "porter", "--password-stdin", input="x\n"
    )
    assert bad_role.exit_code != 0
    listed = run_cli(app, "staff", "list")
    assert "new@example.org\tclinician\tactive\tno two-step" in listed.output
    client = app.test_client()
    client.post(
        "/staff/sign-in",
        data={"email": "new@example.org", "password": "a perfectly long secret phrase"},
    )
    set_up_authenticator(PageClient(client))
    assert client.get("/staff/").status_code == 200
    assert (
        "new@example.org\tclinician\tactive\ttwo-step set up"
        in run_cli(app, "staff", "list").output
    )
    disabled = run_cli(app, "staff", "disable", "new@example.org")
    assert disabled.exit_code == 0
    assert client.get("/staff/").status_code == 302, "disabling ends the account's sessions"
    assert "new@example.org\tclinician\tdisabled" in run_cli(app, "staff", "list").output


# ---- two-step sign-in -------------------------------------------------------------------------


def set_up_authenticator(pages: PageClient) -> tuple[str, list[str]]:
    """Do what a person does on the set-up page: add the key to an app and type its code."""
    page = pages.get("/staff/two-step/set-up", lang="en")
    key = text_of(page, ".app-secret-key").replace(" ", "")
    done = pages.post("/staff/two-step/set-up", {"code": pyotp.TOTP(key).now()}, status=200)
    assert isinstance(done, BeautifulSoup)
    return key, [li.get_text() for li in done.select(".app-recovery-codes li")]


def test_a_new_clinician_sets_up_an_authenticator_before_seeing_anything(app: Flask) -> None:
    with app.app_context():
        add_staff("new.doctor@example.org", "clinician", "a perfectly long secret phrase", "Dr New")
        db.session.commit()
    pages = PageClient(app.test_client())
    location = pages.post(
        "/staff/sign-in",
        {"email": "new.doctor@example.org", "password": "a perfectly long secret phrase"},
    )
    assert location == "/staff/two-step/set-up"
    assert pages.client.get("/staff/").status_code == 302, "a password alone is not enough"
    page = pages.get(location, lang="en")
    qr = page.select_one(".app-qr svg")
    assert qr is not None and qr.find("path"), "the app draws the QR code itself"
    assert not page.select("img"), "nothing fetched from a QR service"
    key = text_of(page, ".app-secret-key").replace(" ", "")
    assert len(key) == 32

    wrong = pages.post("/staff/two-step/set-up", {"code": "000000"}, status=400)
    assert isinstance(wrong, BeautifulSoup)
    assert "That code is not right" in text_of(wrong, ".nhsuk-error-summary")
    assert pages.client.get("/staff/").status_code == 302

    done = pages.post("/staff/two-step/set-up", {"code": pyotp.TOTP(key).now()}, status=200)
    assert isinstance(done, BeautifulSoup)
    codes = [li.get_text() for li in done.select(".app-recovery-codes li")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code) for code in codes)
    assert pages.client.get("/staff/").status_code == 200
    with app.app_context():
        member = db.session.scalar(
            select(StaffMember).where(StaffMember.email == "new.doctor@example.org")
        )
        assert member is not None and member.totp_secret == key
        stored = " ".join(r.code_hash for r in member.recovery_codes)
        assert not any(code.replace("-", "") in stored for code in codes), "only hashes are kept"
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert actions[-2:] == ["two-step-set-up", "sign-in"]


def test_a_password_alone_never_signs_in_and_a_code_works_once(app: Flask) -> None:
    client = app.test_client()
    first = client.post("/staff/sign-in", data={"email": CLINICIAN[0], "password": CLINICIAN[1]})
    assert first.headers["Location"] == "/staff/two-step/code"
    for url in ("/staff/", "/staff/discussions/new", "/staff/audit"):
        assert client.get(url).status_code == 302
    wrong = client.post("/staff/two-step/code", data={"code": "123 456"})
    assert wrong.status_code == 401
    assert "That code is not right" in wrong.get_data(as_text=True)
    code = authenticator_code(app, CLINICIAN[0])
    assert client.post("/staff/two-step/code", data={"code": code}).status_code == 302
    assert client.get("/staff/").status_code == 200

    # A password alone cannot swap in another authenticator app either.
    thief = app.test_client()
    thief.post("/staff/sign-in", data={"email": CLINICIAN[0], "password": CLINICIAN[1]})
    assert thief.get("/staff/two-step/set-up").headers["Location"] == "/staff/two-step/code"
    own_key = pyotp.random_base32()
    with thief.session_transaction() as session:
        session["two_step_setup_secret"] = own_key
    swapped = thief.post("/staff/two-step/set-up", data={"code": pyotp.TOTP(own_key).now()})
    assert swapped.headers["Location"] == "/staff/two-step/code"
    assert thief.get("/staff/").status_code == 302

    # Someone who watched the code being typed cannot use it again, even with the password.
    onlooker = app.test_client()
    onlooker.post("/staff/sign-in", data={"email": CLINICIAN[0], "password": CLINICIAN[1]})
    replay = onlooker.post("/staff/two-step/code", data={"code": code})
    assert replay.status_code == 401
    assert onlooker.get("/staff/").status_code == 302


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, CLINICIAN)
    renewed = client.post("/staff/two-step/recovery-codes")
    codes = [
        li.get_text()
        for li in soup(renewed.get_data(as_text=True)).select(".app-recovery-codes li")
    ]
    assert len(codes) == 10
    client.post("/staff/sign-out")

    client.post("/staff/sign-in", data={"email": CLINICIAN[0], "password": CLINICIAN[1]})
    used = client.post("/staff/two-step/code", data={"code": codes[0].lower().replace("-", " ")})
    assert used.headers["Location"] == "/staff/two-step/recovery-code-used"
    page = PageClient(client).get(used.headers["Location"], lang="en")
    assert "You have 9 recovery codes left" in text_of(page, "main")
    client.post("/staff/sign-out")

    client.post("/staff/sign-in", data={"email": CLINICIAN[0], "password": CLINICIAN[1]})
    again = client.post("/staff/two-step/code", data={"code": codes[0]})
    assert again.status_code == 401
    assert client.get("/staff/").status_code == 302


def test_nurses_need_two_step_unless_the_trust_makes_it_optional(database: str) -> None:
    for setting, nurse_goes_to in (("required", "/staff/two-step/set-up"), ("optional", "/staff/")):
        app = make_app(database, STAFF_MFA_FOR_NURSES=setting)
        with app.app_context():
            add_staff(f"{setting}.nurse@example.org", "nurse", NURSE[1], "Nurse")
            add_staff(f"{setting}.doctor@example.org", "clinician", CLINICIAN[1], "Doctor")
            db.session.commit()
        for email, password, expected in (
            (f"{setting}.nurse@example.org", NURSE[1], nurse_goes_to),
            (f"{setting}.doctor@example.org", CLINICIAN[1], "/staff/two-step/set-up"),
        ):
            client = app.test_client()
            response = client.post("/staff/sign-in", data={"email": email, "password": password})
            assert response.headers["Location"] == expected, (setting, email)


def test_the_half_way_state_expires_and_code_guesses_are_throttled(app: Flask) -> None:
    client = app.test_client()
    client.post("/staff/sign-in", data={"email": CLINICIAN[0], "password": CLINICIAN[1]})
    with client.session_transaction() as session:
        pending = session["two_step_pending"]
        session["two_step_pending"] = {**pending, "started": pending["started"] - 301}
    late = client.post("/staff/two-step/code", data={"code": authenticator_code(app, CLINICIAN[0])})
    assert late.headers["Location"] == "/staff/sign-in?expired=1"
    assert client.get("/staff/").status_code == 302

    client.post("/staff/sign-in", data={"email": ADMIN[0], "password": ADMIN[1]})
    for _ in range(5):
        assert client.post("/staff/two-step/code", data={"code": "000000"}).status_code == 401
    blocked = client.post("/staff/two-step/code", data={"code": authenticator_code(app, ADMIN[0])})
    assert blocked.status_code == 429, "guessing stops even with the right code"


def test_changing_the_second_step_needs_a_recent_sign_in(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, CLINICIAN)
    assert client.get("/staff/two-step/set-up").status_code == 200, "just signed in: allowed"
    asks: list[Callable[[], TestResponse]] = [
        lambda: client.get("/staff/two-step/set-up"),
        lambda: client.post("/staff/two-step/recovery-codes"),
    ]
    for ask in asks:
        age_sessions(app, idle=dt.timedelta(0), started=dt.timedelta(minutes=11))
        response = ask()
        assert "signs you out of this session first" in response.get_data(as_text=True)
        assert client.get("/staff/").status_code == 200, "saying so ends nothing"
        confirmed = client.post("/staff/two-step/sign-in-again")
        assert confirmed.headers["Location"] == "/staff/sign-in?again=1&next=/staff/two-step/set-up"
        assert client.get("/staff/").status_code == 302, "the button ends the old session"
        sign_in(client, CLINICIAN)


def test_an_admin_resets_a_lost_authenticator(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    result = run_cli(app, "staff", "reset-two-step", NURSE[0])
    assert result.exit_code == 0, result.output
    assert client.get("/staff/").status_code == 302, "the reset ends the person's sessions"
    again = client.post("/staff/sign-in", data={"email": NURSE[0], "password": NURSE[1]})
    assert again.headers["Location"] == "/staff/two-step/set-up"


# ---- every route ------------------------------------------------------------------------------


def test_every_staff_route_needs_sign_in_and_shows_no_patient_data(app: Flask) -> None:
    staff = app.test_client()
    sign_in(staff, NURSE)
    discussion_id = start_discussion(staff)
    patient_adds_question(app, discussion_id, "Secret question about my heart")
    anonymous = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or rule.endpoint in (
            "staff.sign_in",
            "staff.sign_out",
        ):
            continue
        url = rule.rule.replace("<int:discussion_id>", str(discussion_id))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = anonymous.open(url, method=method, data={"version": "0"})
            body = response.get_data(as_text=True)
            assert (
                response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]
            ), url
            assert "Secret question" not in body and "AB 123" not in body
            checked += 1
    assert checked >= 10


def test_patient_link_reaches_exactly_its_own_discussion(app: Flask) -> None:
    staff = app.test_client()
    sign_in(staff, NURSE)
    first = start_discussion(staff, "en", "P1")
    second = start_discussion(staff, "en", "P2")
    token_1 = patient_adds_question(app, first, "Question one")
    token_2 = patient_adds_question(app, second, "Question two")
    patient = patient_with_link(app, PatientLink("en", token_1))
    page = patient.get(PatientLink("en", token_1).step(type="own_questions"))
    assert "Question one" in page.get_data(as_text=True)
    assert "Question two" not in page.get_data(as_text=True)
    assert (
        patient.get(PatientLink("en", token_1 + "x").step(type="own_questions")).status_code == 404
    )
    assert patient.get("/staff/discussions/1").status_code == 302
    assert token_1 != token_2 and len(token_1) >= 32


# ---- sign-in, throttling, sessions ------------------------------------------------------------


def test_sign_in_is_throttled_per_account_not_per_address(app: Flask) -> None:
    client = app.test_client()
    for _ in range(5):
        response = client.post(
            "/staff/sign-in", data={"email": NURSE[0], "password": "wrong guess"}
        )
        assert response.status_code == 401
    blocked = client.post("/staff/sign-in", data={"email": NURSE[0], "password": NURSE[1]})
    assert blocked.status_code == 429, "the account is throttled even with the right password"
    # Someone else on the same ward (same address) can still sign in.
    other = client.post("/staff/sign-in", data={"email": CLINICIAN[0], "password": CLINICIAN[1]})
    assert other.status_code == 302


def test_sign_out_ends_the_session_on_the_server(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    stolen_cookie = client.get_cookie("session")
    assert stolen_cookie is not None
    client.post("/staff/sign-out")
    assert client.get("/staff/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen_cookie.value)
    assert thief.get("/staff/").status_code == 302, "a copied cookie is useless after sign-out"
    with app.app_context():
        assert all(s.ended_at is not None for s in db.session.scalars(select(StaffSession)))


def age_sessions(app: Flask, *, idle: dt.timedelta, started: dt.timedelta) -> None:
    with app.app_context():
        for record in db.session.scalars(select(StaffSession)):
            record.last_seen_at = record.last_seen_at - idle
            record.started_at = record.started_at - started
        db.session.commit()


def test_session_ends_after_inactivity(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    age_sessions(app, idle=dt.timedelta(minutes=19), started=dt.timedelta(minutes=19))
    assert client.get("/staff/").status_code == 200, "still within the idle limit"
    age_sessions(app, idle=dt.timedelta(minutes=21), started=dt.timedelta(minutes=21))
    assert client.get("/staff/").status_code == 302


def test_session_ends_after_its_absolute_lifetime_even_when_busy(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    age_sessions(app, idle=dt.timedelta(0), started=dt.timedelta(hours=12, minutes=1))
    assert client.get("/staff/").status_code == 302


def test_staff_pages_warn_before_the_session_times_out(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    page = PageClient(client).get("/staff/", lang="en")
    warning = page.select_one("[data-session-warning]")
    assert warning is not None and warning["data-expires-at"].endswith("Z")
    assert warning.select_one("[data-session-extend]") is not None
    extended = client.post("/staff/session/extend")
    assert extended.status_code == 200 and "expires_at" in extended.get_json()


# ---- dashboard, start, hand-over, take-over ---------------------------------------------------


def test_dashboard_counts_questions_and_flags_a_patient_not_sure(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    discussion_id = start_discussion(client)
    patient_adds_question(app, discussion_id, "Will it hurt?")
    pages = PageClient(client)
    page = pages.get("/staff/", lang="en")
    row = text_of(page, ".app-dashboard tbody tr")
    assert "AB 123" in row and "Bengali" not in row and "বাংলা" in row
    assert "2 (2 not answered)" in row
    assert "Not sure yet" in row
    assert "AB 123" in text_of(pages.get("/staff/?q=ab 1", lang="en"), "main")
    nothing = pages.get("/staff/?q=zz", lang="en")
    assert "No discussion matches “zz”" in text_of(nothing, "main")
    assert nothing.select(".app-dashboard tr[data-row]") == [], "and no other discussions"


def test_start_shows_link_code_and_a_qr_code_drawn_by_the_app(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    discussion_id = start_discussion(client)
    page = PageClient(client).get(f"/staff/discussions/{discussion_id}/ready", lang="en")
    assert page.select_one(".app-qr svg") is not None
    main = text_of(page, "main")
    assert re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", main) and "/bn/w/" in main
    with app.app_context():
        events = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert "start" in events


def test_hand_over_locks_the_tablet_and_needs_staff_sign_in_to_leave(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    discussion_id = start_discussion(client, "en")
    other_token = patient_adds_question(app, start_discussion(client, "en", "Other"), "Not yours")
    handed = client.post(f"/staff/discussions/{discussion_id}/hand-over")
    # Straight to the patient's page, not through their link: the tablet's history never
    # holds the link, which would open the answers again once the tablet was given back.
    own_link = PatientLink.from_url(handed.headers["Location"])
    assert handed.headers["Location"] == own_link.first()
    assert client.get(handed.headers["Location"]).status_code == 200
    # The patient cannot reach staff pages, other discussions or the start page.
    assert "/staff/sign-in" in client.get("/staff/").headers["Location"]
    for url in (PatientLink("en", other_token).step(type="own_questions"), "/en/", "/en/resume"):
        response = client.get(url)
        assert response.status_code == 302 and other_token not in response.headers["Location"]
    sign_in(client, NURSE)
    assert client.get("/staff/").status_code == 200
    assert client.get("/en/").status_code == 200, "signing in again ends patient mode"


def test_take_over_a_discussion_the_patient_started(app: Flask) -> None:
    patient = app.test_client()
    location = patient.post("/en/start", data={"language": "en"}).headers["Location"]
    with app.app_context():
        code = db.session.scalars(select(Discussion)).one().code
    assert location
    client = app.test_client()
    sign_in(client, NURSE)
    wrong = client.post("/staff/take-over", data={"code": "ZZZZZZZZ"})
    assert wrong.status_code == 400 and "No discussion has that code" in wrong.get_data(
        as_text=True
    )
    taken = client.post("/staff/take-over", data={"code": code.lower()})
    assert taken.headers["Location"].startswith("/staff/discussions/")


# ---- the record ---------------------------------------------------------------------------------


def test_the_record_saves_every_section_and_draws_the_icon_array(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    discussion_id = start_discussion(client)
    patient_adds_question(app, discussion_id, "এটা কি ব্যথা করবে?")
    data = record_form(client, discussion_id)
    question_key = next(k for k in data if k.startswith("q-") and k.endswith("-gloss"))[
        : -len("-gloss")
    ]
    data.update(
        {
            f"{question_key}-gloss": "Will it hurt?",
            f"{question_key}-answer": "Local anaesthetic numbs the area.",
            f"{question_key}-status": "answered",
            "risk-bleeding-discussed": "yes",
            "risk-bleeding-figure": "3",
            "risk-bleeding-source": "Local audit 2025",
            "option-no-procedure-discussed": "yes",
            "interpreter": "family",
            "interpreter_language": "Bengali",
            "teach_back_pump": "It helps my heart pump during the operation",
            "teach_back_rating": "clear",
            "ready-after-sure": "yes",
            "decision": "more-time",
            "next_steps": "See again on Friday",
            "mdt_selected": "yes",
        }
    )
    response = client.post(f"/staff/discussions/{discussion_id}", data=data)
    assert response.status_code == 302
    page = PageClient(client).get(f"/staff/discussions/{discussion_id}", lang="en")
    question = page.select_one(".app-patient-words")
    assert question["lang"] == "bn" and question.get_text(strip=True) == "এটা কি ব্যথা করবে?"
    assert page.select_one(f"#{question_key}-status-answered").has_attr("checked")
    icons = page.select_one("#icons-bleeding-caption")
    assert icons is not None and icons.get_text(strip=True).startswith("3 in 100 people: Bleeding")
    hits = page.select_one("#icons-bleeding-caption").find_previous(
        "path", class_="app-icon-array__hit"
    )
    assert hits["d"].count("M") == 3 * 2, "three people highlighted (head and body each)"
    misses = page.select_one("#icons-bleeding-caption").find_previous(
        "path", class_="app-icon-array__miss"
    )
    assert misses["d"].count("M") == 97 * 2
    assert "A family member or friend interpreted" in text_of(page, ".app-interpreter-warning")
    assert page.select_one("#decision-more-time").has_attr("checked")
    assert page.select_one("#mdt_selected").has_attr("checked")
    assert page.select_one("#ready-after-sure option[selected]")["value"] == "yes"
    with app.app_context():
        edits = [
            e.detail
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "edit"))
        ]
    assert edits and "Interpreter and support" in edits[0], "sections named as people name them"
    assert not any("Friday" in d or "hurt" in d for d in edits), "no free text in the audit trail"


def test_the_risks_the_patient_marked_are_highlighted(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    discussion_id = start_discussion(client, "en")
    token = patient_adds_question(app, discussion_id, "q")
    values = PatientLink("en", token).step(type="values")
    patient_with_link(app, PatientLink("en", token)).post(values, data={"concern": ["haemolysis"]})
    page = PageClient(client).get(f"/staff/discussions/{discussion_id}", lang="en")
    highlighted = [h.get_text(" ", strip=True) for h in page.select(".app-record-risk--concern h3")]
    assert highlighted == ["Damage to red blood cells (haemolysis) Matters most to the patient"]


def test_a_bad_figure_is_explained_and_nothing_typed_is_lost(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    discussion_id = start_discussion(client)
    data = record_form(client, discussion_id)
    data.update({"risk-bleeding-figure": "300", "next_steps": "Call the patient"})
    response = client.post(f"/staff/discussions/{discussion_id}", data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Bleeding: figure given: enter a whole number from 0 to 100" in body
    assert "Call the patient" in body


def test_two_people_editing_at_once_never_overwrite_each_other_silently(app: Flask) -> None:
    nurse, doctor = app.test_client(), app.test_client()
    sign_in(nurse, NURSE)
    sign_in(doctor, CLINICIAN)
    discussion_id = start_discussion(nurse)
    nurse_form, doctor_form = record_form(nurse, discussion_id), record_form(doctor, discussion_id)
    nurse_form["next_steps"] = "Nurse: book echo"
    assert nurse.post(f"/staff/discussions/{discussion_id}", data=nurse_form).status_code == 302
    doctor_form["next_steps"] = "Doctor: see in clinic"
    second = doctor.post(f"/staff/discussions/{discussion_id}", data=doctor_form)
    assert second.status_code == 409
    page = PageClient(doctor).post(
        f"/staff/discussions/{discussion_id}", doctor_form, status=409, lang="en"
    )
    assert not isinstance(page, str)
    choice = " ".join(text_of(page, "#keep-next_steps").split())
    assert "Theirs, saved by Sam Nurse" in choice and "Nurse: book echo" in choice
    assert "Yours: Doctor: see in clinic" in choice
    assert textarea_value(page.select_one("textarea#next_steps")) == "Doctor: see in clinic"
    with app.app_context():
        assert db.session.get(Discussion, discussion_id).next_steps == "Nurse: book echo"
    # Pressing Save again on the conflict page, the usual reaction, saves nothing: it asks.
    url = f"/staff/discussions/{discussion_id}"
    again = doctor.post(url, data=form_data(page))
    assert again.status_code == 400
    assert "choose which version stands" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Discussion, discussion_id).next_steps == "Nurse: book echo"
    # Keeping theirs keeps the nurse's entry; the doctor's own changes elsewhere still apply.
    kept = form_data(page) | {"keep-next_steps": "theirs", "teach_back_rating": "clear"}
    assert doctor.post(url, data=kept).status_code == 302
    with app.app_context():
        stored = db.session.get(Discussion, discussion_id)
        assert stored is not None
        assert (stored.next_steps, stored.teach_back_rating) == ("Nurse: book echo", "clear")


def test_a_stale_form_takes_a_colleagues_entry_in_and_saves_nothing_until_seen(
    app: Flask,
) -> None:
    """Only the nurse changed Next steps; the doctor, on a page opened before, changed another
    entry. The doctor's save is refused, the form comes back holding the nurse's entry (said
    so), and the next save keeps both."""
    nurse, doctor = app.test_client(), app.test_client()
    sign_in(nurse, NURSE)
    sign_in(doctor, CLINICIAN)
    discussion_id = start_discussion(nurse)
    url = f"/staff/discussions/{discussion_id}"
    doctor_form = record_form(doctor, discussion_id)
    nurse_form = record_form(nurse, discussion_id) | {"next_steps": "Consultant to phone Monday"}
    assert nurse.post(url, data=nurse_form).status_code == 302
    doctor_form["teach_back_pump"] = "It helps the heart pump"
    page = PageClient(doctor).post(url, doctor_form, status=409, lang="en")
    assert not isinstance(page, str)
    taken = " ".join(text_of(page, ".app-conflict").split())
    assert "which you had not changed" in taken and "Consultant to phone Monday" in taken
    assert page.select("#keep-next_steps") == [], "nothing to choose: only the nurse changed it"
    assert textarea_value(page.select_one("textarea#next_steps")) == "Consultant to phone Monday"
    with app.app_context():
        assert db.session.get(Discussion, discussion_id).teach_back_pump == "", "nothing saved"
    assert doctor.post(url, data=form_data(page)).status_code == 302
    with app.app_context():
        stored = db.session.get(Discussion, discussion_id)
        assert stored is not None
        assert stored.next_steps == "Consultant to phone Monday"
        assert stored.teach_back_pump == "It helps the heart pump"


def test_two_saves_read_at_the_same_moment_cannot_both_be_applied(app: Flask) -> None:
    """Both read version 0 before either wrote: the first is applied, the second is shown as a
    conflict with what the first saved, and nothing of the second reaches the record."""
    with app.app_context():
        discussion_id = discussions.start_discussion("htg492", "en", link_days=1).id
        db.session.commit()
    with app.app_context():  # the nurse's save, read first
        nurse_copy = db.session.get(Discussion, discussion_id)
        assert nurse_copy is not None and nurse_copy.record_version == 0
        pack = pack_shown(nurse_copy.procedure, nurse_copy.content_version)
        with app.app_context():  # the doctor's, at the same moment, committed first
            doctor_copy = db.session.get(Discussion, discussion_id)
            assert doctor_copy is not None
            first = entries.save(doctor_copy, pack, {"next_steps": "Doctor: see in clinic"}, 0)
            assert first.changed == ["next_steps"] and not first.conflicts
            db.session.commit()
        second = entries.save(nurse_copy, pack, {"next_steps": "Nurse: book echo"}, 0)
        assert second.changed == []
        clash = second.conflicts["next_steps"]
        assert (clash.theirs, clash.yours) == ("Doctor: see in clinic", "Nurse: book echo")
        db.session.commit()
    with app.app_context():
        stored = db.session.get(Discussion, discussion_id)
        assert stored is not None
        assert (stored.next_steps, stored.record_version) == ("Doctor: see in clinic", 1)


def test_autosave_answers_with_the_new_version_and_reports_a_conflict(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, NURSE)
    discussion_id = start_discussion(client)
    data = record_form(client, discussion_id) | {"next_steps": "first"}
    saved = client.post(
        f"/staff/discussions/{discussion_id}", data=data, headers={"X-Autosave": "1"}
    )
    assert saved.status_code == 200 and saved.get_json()["version"] == 1
    stale = client.post(
        f"/staff/discussions/{discussion_id}",
        data=data | {"next_steps": "second"},
        headers={"X-Autosave": "1"},
    )
    assert stale.status_code == 409 and stale.get_json()["conflict"] is True


def test_a_nurse_cannot_finalise_and_a_clinician_can_then_only_amend(app: Flask) -> None:
    nurse, doctor = app.test_client(), app.test_client()
    sign_in(nurse, NURSE)
    sign_in(doctor, CLINICIAN)
    discussion_id = start_discussion(nurse)
    data = record_form(nurse, discussion_id) | {
        "decision": "planned-pump",
        "next_steps": "List for Tuesday",
    }
    nurse.post(f"/staff/discussions/{discussion_id}", data=data)
    assert (
        nurse.post(
            f"/staff/discussions/{discussion_id}/finalise", data={"confirm": "yes"}
        ).status_code
        == 403
    )
    assert "Save, sign off and lock" not in nurse.get(
        f"/staff/discussions/{discussion_id}"
    ).get_data(as_text=True)
    assert sign_off(doctor, discussion_id).status_code == 302
    page = PageClient(doctor).get(f"/staff/discussions/{discussion_id}", lang="en")
    assert "Signed off by Dr Ada Clinician (clinician)" in text_of(page, ".app-record-meta")
    assert page.select_one("form#record") is None, "a signed-off record reads as text"
    # A form typed before sign-off and sent after it is refused, not applied over the record.
    locked = nurse.post(f"/staff/discussions/{discussion_id}", data=data)
    assert locked.status_code == 409
    refused = amend(doctor, discussion_id, "next_steps", "List for Wednesday", "")
    assert refused.status_code == 400
    assert "Reason for the amendment: say why" in refused.get_data(as_text=True)
    amended = amend(doctor, discussion_id, "next_steps", "List for Wednesday", "Theatre moved")
    assert amended.status_code == 302
    page = PageClient(doctor).get(f"/staff/discussions/{discussion_id}", lang="en")
    assert text_of(page, '[data-field="next_steps"]') == "List for Wednesday", "the value in force"
    beside = " ".join(page.select_one('[data-amended="next_steps"]').get_text().split())
    assert "it was “List for Tuesday”" in beside, "the original stays, beside it"
    assert "Theatre moved" in beside and "Dr Ada Clinician" in beside
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert {"sign-in", "start", "view", "edit", "finalise", "amend"} <= set(actions)


def test_only_admins_read_the_audit_trail(app: Flask) -> None:
    nurse, admin = app.test_client(), app.test_client()
    sign_in(nurse, NURSE)
    sign_in(admin, ADMIN)
    start_discussion(nurse)
    assert nurse.get("/staff/audit").status_code == 403
    page = PageClient(admin).get("/staff/audit", lang="en")
    assert "nurse@example.org" in text_of(page, "table") and "start" in text_of(page, "table")


# ---- kiosk safety -----------------------------------------------------------------------------


def handed_over(app: Flask) -> tuple[FlaskClient, str]:
    client = app.test_client()
    sign_in(client, NURSE)
    discussion_id = start_discussion(client, "ur", "KIOSK")
    location = client.post(f"/staff/discussions/{discussion_id}/hand-over").headers["Location"]
    link = PatientLink.from_url(location)
    step = link.step(type="own_questions")
    client.post(step, data={"new_question": "Private words", "action": "add"})
    return client, step


def test_finish_and_hand_back_clears_the_tablet_at_once(app: Flask) -> None:
    client, step = handed_over(app)
    page = PageClient(client).get(step, lang="ur")
    # Out of the way in the footer, and it asks first, saying what will happen.
    assert page.select_one("main form[action='/ur/hand-back']") is None
    link = page.select_one("footer a[href='/ur/hand-back']")
    assert link is not None
    confirm = PageClient(client).get("/ur/hand-back", lang="ur")
    assert confirm.select_one("main form[action='/ur/hand-back'] button") is not None
    assert confirm.select_one("main a")["href"].endswith("/")
    with app.app_context():
        assert db.session.scalars(select(Discussion)).one().handed_back_at is None
    response = client.post("/ur/hand-back")
    assert response.headers["Location"] == "/ur/handed-back"
    neutral = PageClient(client).get("/ur/handed-back", lang="ur")
    assert "Private words" not in str(neutral) and "KIOSK" not in str(neutral)
    # Back, the start page, a resume code: all lead to the neutral screen, none to the patient.
    review = PatientLink.from_url(step).review()
    for url in (step, review, "/ur/", "/en/resume", "/"):
        followed = client.get(url, follow_redirects=True)
        assert "Private words" not in followed.get_data(as_text=True)
        assert followed.request.path.endswith("/handed-back"), url
    with app.app_context():
        assert db.session.scalars(select(Discussion)).one().handed_back_at is not None
    sign_in(client, NURSE)
    assert client.get("/en/").status_code == 200, "staff sign-in ends the neutral screen"
    assert "Handed back" in text_of(PageClient(client).get("/staff/", lang="en"), "tbody")


def test_the_dashboard_says_where_each_patient_is(app: Flask) -> None:
    nurse = app.test_client()
    sign_in(nurse, NURSE)
    discussion_id = start_discussion(nurse, "en", "STATE")
    pack = app.extensions["companion.packs"]["htg492"]
    total = len(pack.steps)

    def state() -> str:
        rows = nurse.get("/staff/discussions/states.json").get_json()["rows"]
        cell = text_of(PageClient(nurse).get("/staff/", lang="en"), "[data-cell=status]")
        assert [(r["id"], r["status"]) for r in rows] == [(discussion_id, cell)], "they agree"
        return cell

    assert state() == "Not started"
    with app.app_context():
        token = db.session.get(Discussion, discussion_id).token
    patient = patient_with_link(app, PatientLink("en", token))
    third = [n for n, s in enumerate(pack.steps, start=1) if s.type == "information"][2]
    patient.get(f"/en/w/{token}/step/{third}")
    assert state() == f"In progress: step {third} of {total}"
    patient.get(f"/en/w/{token}/review")
    assert state() == "In progress: checking their answers"
    patient.post(f"/en/w/{token}/finish", data={"anyway": "yes"})
    assert re.fullmatch(r"Finished \d\d \w{3} \d\d:\d\d", state())
    assert app.test_client().get("/staff/discussions/states.json").status_code == 302


def test_a_tablet_left_alone_returns_to_the_neutral_screen(app: Flask) -> None:
    client, step = handed_over(app)
    assert client.get(step).status_code == 200
    with client.session_transaction() as session:
        session[PATIENT_SEEN] -= app.extensions["companion.settings"].kiosk_idle_seconds + 1
    response = client.get(step)
    assert response.status_code == 302 and response.headers["Location"].endswith("/handed-back")
    assert "Private words" not in client.get(step, follow_redirects=True).get_data(as_text=True)


# ---- content versions and the leaning on the record ---------------------------------------------


def test_the_record_shows_the_leaning_and_the_version_the_patient_was_shown(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, CLINICIAN)
    discussion_id = start_discussion(client, "ur", "LV 1")
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None and discussion.content_version == "2.1.0"
        token = discussion.token
    patient = patient_with_link(app, PatientLink("ur", token))
    patient.post(
        f"/ur/w/{token}/step/10",
        data={"leaning": "balloon-pump", "leaning_reason": "میں محفوظ رہنا چاہتا ہوں"},
    )
    clinician = client.get(f"/staff/discussions/{discussion_id}/summary").get_data(as_text=True)
    page = soup(clinician)
    text = page.get_text(" ", strip=True)
    assert "Leaning towards (in the walkthrough): A balloon pump" in text
    reason = page.find(string=lambda s: s and "محفوظ" in s)
    assert reason is not None and reason.parent["lang"] == "ur" and reason.parent["dir"] == "auto"
    assert "version 2.1.0" in text
    dashboard = client.get("/staff/").get_data(as_text=True)
    assert "A balloon pump" in soup(dashboard).get_text(" ", strip=True)
    patient_copy = client.get(f"/staff/discussions/{discussion_id}/summary?copy=patient")
    assert "محفوظ" in patient_copy.get_data(as_text=True)

    # The same record for a discussion started before 2.0.0 shows what that patient read.
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        discussion.content_version = "1.0.0"
        db.session.commit()
    old = soup(client.get(f"/staff/discussions/{discussion_id}/summary").get_data(as_text=True))
    old_text = old.get_text(" ", strip=True)
    assert "version 1.0.0" in old_text
    assert "Knowing there is good evidence for a treatment before I have it" in old_text
    assert "Leaning towards" not in old_text


def test_a_staff_page_added_without_a_decorator_is_closed(app: Flask) -> None:
    """Default deny: a staff page someone forgets to protect still needs a staff sign-in."""
    app.add_url_rule("/staff/forgotten", endpoint="staff.forgotten", view_func=lambda: "open")
    response = app.test_client().get("/staff/forgotten")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]
    nurse = app.test_client()
    sign_in(nurse, NURSE)
    assert nurse.get("/staff/forgotten").get_data(as_text=True) == "open"
    assert nurse.get("/staff/audit").status_code == 403, "an admin's page refuses a nurse"
