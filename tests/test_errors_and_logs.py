"""When something breaks: a kind page in the reader's language, and logs that hold no patient's
words, link or code.

Every request is logged as one JSON line (id, endpoint, route pattern, method, status, time), and
an unhandled exception as one more (its type and where in the code, never its message).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from companion.models import Discussion, db
from companion.patient import pages as patient_pages
from companion.web.logs import LOG, JsonLines
from tests.support.database import make_app
from tests.support.pages import PageClient, text_of
from tests.support.walkthrough import PatientLink, numbers_of, url

URDU_HEADING = "معذرت، گائیڈ میں ایک مسئلہ ہے"
# Distinctive enough that finding any of it in a log means it leaked there.
QUESTION = "Zebulon asks: will Marigold-7731 feel the pump?"
NOTE = "Quixotic note about my allotment, Pemberton Lane"
EDITED = "Zebulon rewords: is Marigold-7731 awake throughout?"


class Captured(logging.Handler):
    """The log lines exactly as written, by the app's own formatter."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonLines())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def log() -> Iterator[Captured]:
    captured = Captured()
    LOG.addHandler(captured)
    yield captured
    LOG.removeHandler(captured)


@pytest.fixture
def failing_app(database: str) -> Flask:
    # As in production: an exception becomes the error page, not a traceback for the test.
    return make_app(database, PROPAGATE_EXCEPTIONS=False)


def break_the_step_page(monkeypatch: pytest.MonkeyPatch, *leaked: str) -> None:
    """The step page fails, with the patient's words and link in the exception's message."""

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("could not draw the page for " + " ".join(leaked))

    monkeypatch.setattr(patient_pages, "render_template", broken)


def test_an_error_in_a_view_shows_a_kind_page_in_urdu(
    failing_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = PageClient(failing_app.test_client())
    location = pages.post("/ur/start", {"language": "ur"})
    assert isinstance(location, str)
    link = PatientLink.from_url(location)
    break_the_step_page(monkeypatch, QUESTION, link.token)

    page = pages.get(link.step(type="values"), status=500, lang="ur")

    html = str(page)
    assert page.select_one("html")["dir"] == "rtl"
    assert text_of(page, "h1") == URDU_HEADING
    main = text_of(page, "main")
    assert re.search(r"[\u0600-\u06FF]{3}", main) and "Sorry" not in main, "Urdu, not English"
    # (The language switch links to this same page, the patient's own link, in other languages.)
    for internal in ("Traceback", "RuntimeError", "could not draw", QUESTION, ".py"):
        assert internal not in html, internal
    reference = text_of(page, "main .app-ltr")
    assert re.fullmatch(r"[0-9a-f]{12}", reference), "a reference staff can quote"


def test_other_error_pages_speak_the_language_of_the_url(app: Flask) -> None:
    pages = PageClient(app.test_client())
    english_browser = {"Accept-Language": "en-GB"}
    not_found = pages.get("/ur/no-such-page", status=404, lang="ur", headers=english_browser)
    assert "Page not found" not in text_of(not_found, "h1")
    wrong_method = pages.get(
        url("walkthrough.begin", lang="ar"), status=405, lang="ar", headers=english_browser
    )
    assert "Something went wrong" not in text_of(wrong_method, "h1")


def test_the_log_names_requests_and_errors_but_never_what_patients_typed_or_their_link(
    failing_app: Flask, log: Captured, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = failing_app.test_client()
    pages = PageClient(client)
    location = pages.post("/en/start", {"language": "en"})
    assert isinstance(location, str)
    link = PatientLink.from_url(location)

    # The whole walkthrough, typing distinctive words wherever a patient can.
    for number in numbers_of("information"):
        pages.post(link.step(number), {"ask": "yes"})
    pages.post(
        link.step(type="values"),
        {"rating-family": "a-lot", "concern": ["bleeding"], "values_note": NOTE},
    )
    client.post(
        link.step(type="own_questions"), data={"new_question": NOTE}, headers={"X-Autosave": "1"}
    )
    pages.post(link.step(type="own_questions"), {"new_question": QUESTION, "action": "add"})
    with failing_app.app_context():
        discussion = db.session.scalars(db.select(Discussion)).one()
        question_id = discussion.patient_questions[0].id
        code = discussion.code
    pages.post(link.edit_question(question_id), {"text": EDITED})
    pages.post(link.step(type="readiness"), {"ready-sure": "yes", "ready-understand": "no"})
    pages.get(link.review())
    pages.get(link.later())
    pages.post(url("walkthrough.resume", lang="en"), {"code": code})
    pages.post(url("walkthrough.resume", lang="en"), {"code": "ZZZZ-9999"}, status=400)
    # ... and a failure whose message holds them all.
    break_the_step_page(monkeypatch, QUESTION, NOTE, link.token, code)
    assert client.get(link.step(type="values")).status_code == 500

    written = "\n".join(log.lines)
    formatted_code = f"{code[:4]}-{code[4:]}"
    for secret in (link.token, code, formatted_code, QUESTION, NOTE, EDITED, "Marigold", "ZZZZ"):
        assert secret not in written, f"{secret!r} is in the log"
    assert "could not draw" not in written, "an exception's message can hold what was typed"

    entries = log.entries()
    requests = [e for e in entries if e["event"] == "request"]
    assert len(requests) >= 15
    for entry in requests:
        assert {"request_id", "endpoint", "route", "method", "status", "duration_ms"} <= set(entry)
        assert re.fullmatch(r"[0-9a-f]{12}", entry["request_id"])
        assert entry["duration_ms"] >= 0
    assert len({e["request_id"] for e in requests}) == len(requests), "one id per request"
    steps = [e for e in requests if e["endpoint"] == "walkthrough.step"]
    assert steps and all(e["route"] == "/<lang>/w/<token>/step/<int:number>" for e in steps)
    assert {"GET", "POST"} <= {e["method"] for e in steps}
    assert {302, 200} <= {e["status"] for e in requests}

    [failure] = [e for e in entries if e["event"] == "unhandled_exception"]
    assert failure["exception"] == "builtins.RuntimeError"
    assert failure["endpoint"] == "walkthrough.step"
    assert any(frame.startswith("companion/patient/pages.py:") for frame in failure["traceback"])
    [failed] = [e for e in requests if e["status"] == 500]
    assert failed["request_id"] == failure["request_id"], "the error and its request match"
