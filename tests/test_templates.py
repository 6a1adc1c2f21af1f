"""Loud templates: the app's own templates only, StrictUndefined, and every page renders.

A variable a template names but a view forgot is an error at once, not an empty string on a
patient's screen; so every page is rendered here, in every state a view can give it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from jinja2 import FileSystemLoader, StrictUndefined, UndefinedError

from tests.support.database import make_app
from tests.support.pages import PageClient, check_page
from tests.support.staff import (
    ADMIN,
    add_staff_with_authenticator,
    amend,
    sign_in,
    sign_off,
    start_discussion,
)
from tests.support.walkthrough import PatientLink, steps

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_templates_are_the_apps_own_and_strict(app: Flask) -> None:
    assert app.jinja_env.undefined is StrictUndefined
    assert isinstance(app.jinja_loader, FileSystemLoader)
    with app.test_request_context("/en/"), pytest.raises(UndefinedError):
        app.jinja_env.from_string("{% if forgotten %}{% endif %}").render()


def test_the_csrf_field_and_ltr_are_written_once() -> None:
    written = {
        p.relative_to(TEMPLATES).as_posix(): p.read_text() for p in TEMPLATES.rglob("*.html")
    }
    by_hand = [name for name, text in written.items() if "csrf_token()" in text]
    assert by_hand == ["components/forms.html"], "use csrf_field() from components/forms.html"
    ltr = [name for name, text in written.items() if re.search(r"macro ltr\b", text)]
    assert ltr == ["components/text.html"]
    nhsuk = [name for name, text in written.items() if re.search(r"['\"]nhsuk/", text)]
    assert nhsuk == [], "no template from the NHS.UK Jinja package"


def test_no_component_is_defined_twice() -> None:
    """Jinja keeps the last of two macros with one name: the first would be dead, and a caller of
    its arguments would fail only when that page is drawn."""
    for path in (TEMPLATES / "components").glob("*.html"):
        names = re.findall(r"\{%-?\s*macro\s+(\w+)", path.read_text())
        twice = sorted({name for name in names if names.count(name) > 1})
        assert twice == [], f"{path.name} defines {twice} more than once"


@pytest.fixture
def every_state(database: str) -> tuple[Flask, PageClient, PageClient, dict[str, str]]:
    """A patient part-way through, with a question of their own; an admin with two discussions,
    one signed off and amended."""
    app = make_app(database)
    with app.app_context():
        add_staff_with_authenticator(ADMIN[0], "admin", ADMIN[1], "Alex Admin")
    staff = app.test_client()
    sign_in(staff, *ADMIN)
    open_id = start_discussion(staff, "ur", "OPEN 1")
    signed_id = start_discussion(staff, "en", "SIGNED 2")
    patient = app.test_client()
    link = PatientLink.from_url(patient.post("/ur/start", data={"language": "ur"}).location)
    patient.post(link.step(id="what-happens"), data={"ask": "yes"})
    patient.post(link.step(type="values"), data={"rating-family": "a-lot", "concern": "bleeding"})
    patient.post(link.step(type="own_questions"), data={"new_question": "کیا درد ہوگا؟"})
    patient.post(link.step(type="readiness"), data={"ready-sure": "yes", "ready-understand": "no"})
    assert sign_off(staff, signed_id).status_code == 302
    assert amend(staff, signed_id, "next_steps", "Tuesday", "Theatre moved").status_code == 302
    values = {
        "lang": "ur",
        "token": link.token,
        "question_id": "1",
        "procedure": "htg492",
        "discussion_id": str(open_id),
    }
    return app, PageClient(staff), PageClient(patient), values


def test_every_page_renders_strictly_in_every_state(
    every_state: tuple[Flask, PageClient, PageClient, dict[str, str]],
) -> None:
    app, staff, patient, values = every_state
    rendered = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        client = patient if rule.endpoint.startswith("walkthrough.") else staff
        numbers = range(1, len(steps()) + 1) if "number" in rule.arguments else [0]
        discussions = [values["discussion_id"], str(int(values["discussion_id"]) + 1)]
        for number in numbers:
            for discussion_id in discussions if "discussion_id" in rule.arguments else [""]:
                url = rule.rule
                for name in rule.arguments:
                    given = {"number": str(number), "discussion_id": discussion_id}
                    url = re.sub(rf"<(\w+:)?{name}>", given.get(name) or values[name], url)
                response = client.client.get(url)
                assert response.status_code < 500, url
                if response.mimetype == "text/html" and response.status_code == 200:
                    check_page(response.get_data(as_text=True))
                    rendered += 1
    assert rendered >= 30
