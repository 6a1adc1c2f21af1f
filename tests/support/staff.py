"""Staff accounts with two-step sign-in set up, and signing in through the pages."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from companion.models import db
from companion.staff.accounts import add_staff, find_staff
from tests.support.database import make_app
from tests.support.pages import PageClient, textarea_value
from tests.support.waiting import eventually
from tests.support.walkthrough import url

NURSE = ("nurse@example.org", "correct-battery-horse-9")
CLINICIAN = ("doctor@example.org", "another-long-phrase-77")
ADMIN = ("admin@example.org", "keeper-of-the-audit-trail-5")

# Test accounts share one authenticator key; each account still refuses a code used before.
AUTHENTICATOR_KEY = pyotp.random_base32()


def add_staff_with_authenticator(email: str, role: str, password: str, name: str = "") -> None:
    """A staff account that has set up two-step sign-in already (call inside an app context)."""
    member = add_staff(email, role, password, name)
    member.totp_secret = AUTHENTICATOR_KEY
    db.session.commit()


def authenticator_code(app: Flask, email: str, key: str = AUTHENTICATOR_KEY) -> str:
    """What the person's authenticator app shows: a code for a time step not yet used."""
    with app.app_context():
        member = find_staff(email)
        last = member.totp_last_step if member else None
    totp = pyotp.TOTP(key)
    free = free_steps(totp, last)
    if not free:
        # Every step the server would take now has been used: a person would wait for a new code.
        now = totp.timecode(time.time())
        eventually(lambda: totp.timecode(time.time()) > now, within=31, what="a new code")
        free = free_steps(totp, last)
    return totp.generate_otp(free[0])


def free_steps(totp: pyotp.TOTP, last: int | None) -> list[int]:
    """Steps the server takes now (the one before, this one, the next, each once) that are not
    used yet. The step before only while at least 10 s of this step remain: should a new step
    begin between typing the code and its check (a slow page under load), it is no longer taken."""
    moment = time.time()
    now = totp.timecode(moment)
    early = moment % totp.interval < totp.interval - 10
    steps = (now - 1, now, now + 1) if early else (now, now + 1)
    return [s for s in steps if last is None or s > last]


def sign_in(client: FlaskClient, email: str, password: str) -> TestResponse:
    """Both steps of a staff sign-in; returns the last answer (a redirect when it worked)."""
    response = client.post(url("staff.sign_in"), data={"email": email, "password": password})
    code_page = url("two_step.code")
    if code_page in response.headers.get("Location", ""):
        code = authenticator_code(client.application, email)
        response = client.post(code_page, data={"code": code})
    return response


def start_discussion(client: FlaskClient, language: str = "bn", label: str = "AB 123") -> int:
    """A signed-in member of staff starts a discussion; returns its id."""
    response = client.post(
        url("staff.new_discussion"),
        data={"procedure": "htg492", "language": language, "patient_label": label},
    )
    match = re.fullmatch(r"/staff/discussions/(\d+)/ready", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def signed_in_with_discussion(
    database: str, language: str, label: str, role: str = "clinician", **config: Any
) -> tuple[Flask, FlaskClient, int]:
    """An app (with any settings given), a signed-in client (a clinician unless told), and a
    discussion they started."""
    app = make_app(database, **config)
    email = f"{role}@example.org"
    with app.app_context():
        add_staff_with_authenticator(email, role, "another-long-phrase-77", f"Test {role}")
    client = app.test_client()
    sign_in(client, email, "another-long-phrase-77")
    return app, client, start_discussion(client, language, label)


def record_form(client: FlaskClient, discussion_id: int) -> dict[str, str | list[str]]:
    """What the browser would send back for the record page unchanged."""
    page = PageClient(client).get(f"/staff/discussions/{discussion_id}", lang="en")
    return form_data(page)


def form_data(page: BeautifulSoup) -> dict[str, str | list[str]]:
    """What the browser would send back for the record form on this page, as it stands."""
    form = page.select_one("form#record")
    assert form is not None
    data: dict[str, str | list[str]] = {}

    def add(name: str, value: str) -> None:
        held = data.get(name)
        if held is None:
            data[name] = value
        else:
            data[name] = [*([held] if isinstance(held, str) else held), value]

    for field in form.select("input, textarea, select"):
        name = field.get("name")
        if not isinstance(name, str):
            continue
        if field.name == "textarea":
            add(name, textarea_value(field))
        elif field.name == "select":
            chosen = field.select_one("option[selected]")
            add(name, str(chosen["value"]) if chosen else "")
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                add(name, str(field["value"]))
        else:
            add(name, str(field.get("value", "")))
    return data


def sign_off(
    client: FlaskClient, discussion_id: int, data: dict[str, str | list[str]] | None = None
) -> TestResponse:
    """Sign the record off as a clinician does, from the form as sent (`data`), acknowledging
    whatever the page then lists as still open: the answer to the last post is returned."""
    form = dict(data if data is not None else {"confirm": "yes"})
    form.setdefault("confirm", "yes")
    url = f"/staff/discussions/{discussion_id}/finalise"
    response = client.post(url, data=form)
    if response.status_code == 400:
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        box = page.select_one("input#acknowledge_open")
        if box is not None:
            # The form has been saved by now: sign off from what the page shows.
            response = client.post(
                url, data=form_data(page) | {"confirm": "yes", "acknowledge_open": box["value"]}
            )
    return response


def amend(
    client: FlaskClient, discussion_id: int, field: str, value: str, reason: str
) -> TestResponse:
    """Amend one entry from the amendment page, as written on the version it shows."""
    url = f"/staff/discussions/{discussion_id}/amend?field={field}"
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    version = page.select_one("input[name=version]")
    assert version is not None, "the amendment page says which version it was written on"
    data = {"field": field, field: value, "reason": reason, "version": str(version["value"])}
    return client.post(url, data=data)
