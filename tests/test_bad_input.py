"""Bad input that used to answer 500 now gets a page that names the problem and keeps what was
typed: figures typed in other digits, forms whose token is missing or stale, a redirect target
with a line break, and a chunked body over the size limit."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from companion.models import Discussion, db
from tests.support.database import ROOT, make_app, sqlite_only
from tests.support.pages import PageClient, check_page, text_of
from tests.support.record import CLINICIAN, form_values, patient_fills_in, record_app, start
from tests.support.servers import free_port, wait_until_serving
from tests.support.staff import amend, sign_off
from tests.support.walkthrough import PatientLink

# Digits that str.isdigit() accepts but int() does not, a number in another script, and a
# number longer than int() reads at all.
ODD_FIGURES = ["¹", "1²", "①", "١٢", "9" * 5000]
FIGURE_MESSAGE = "enter a whole number from 0 to 100 in the digits 0 to 9"


def figure_field(form: dict[str, str]) -> str:
    return next(name for name in sorted(form) if name.endswith("-figure"))


def test_a_figure_in_other_digits_is_refused_by_name_on_save_and_autosave(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    form = {**form_values(app, discussion_id), "version": "0"}
    figure = figure_field(form)
    for typed in ODD_FIGURES:
        data = {**form, figure: typed, "next_steps": "Call the patient"}
        saved = client.post(f"/staff/discussions/{discussion_id}", data=data)
        assert saved.status_code == 400, typed[:8]
        page = check_page(saved.get_data(as_text=True), "en")
        assert FIGURE_MESSAGE in text_of(page, ".nhsuk-error-summary")
        assert page.select_one(f"input[name={figure}]")["value"] == typed, "kept as typed"
        assert "Call the patient" in saved.get_data(as_text=True)
        autosaved = client.post(
            f"/staff/discussions/{discussion_id}", data=data, headers={"X-Autosave": "1"}
        )
        assert autosaved.status_code == 422, typed[:8]
        assert FIGURE_MESSAGE in autosaved.get_json()["errors"][figure]
    assert form_values(app, discussion_id)[figure] == "", "nothing was saved"


def test_a_figure_in_other_digits_is_refused_in_an_amendment(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    patient_fills_in(app, discussion_id, every_question=False)
    form = {**form_values(app, discussion_id), "version": "0", "confirm": "yes"}
    assert sign_off(client, discussion_id, form).status_code == 302
    figure = figure_field(form)
    for typed in ODD_FIGURES:
        response = amend(client, discussion_id, figure, typed, "typed in the wrong box")
        assert response.status_code == 400, typed[:8]
        page = check_page(response.get_data(as_text=True), "en")
        assert FIGURE_MESSAGE in text_of(page, ".nhsuk-error-summary")
    assert form_values(app, discussion_id)[figure] == "", "nothing amended"


def patient_with_csrf(app: Flask) -> tuple[FlaskClient, PatientLink]:
    client = app.test_client()
    page = PageClient(client).get("/ar/", lang="ar")
    token = page.select_one("main form[method=post] input[name=csrf_token]")["value"]
    location = client.post("/ar/start", data={"language": "ar", "csrf_token": token})
    return client, PatientLink.from_url(location.headers["Location"])


def test_finish_and_clear_without_a_good_token_do_nothing_and_say_so(database: str) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    client, link = patient_with_csrf(app)
    for action in (link.finish(), link.clear()):
        for sent in ({}, {"csrf_token": "stale-or-forged"}):
            response = client.post(action, data=sent)
            assert response.status_code == 400, (action, sent)
            page = check_page(response.get_data(as_text=True), "ar")
            assert page.select_one("html")["dir"] == "rtl", "in the patient's language"
            assert page.select_one("main a")["href"] == link.continue_discussion()
    with app.app_context():
        discussion = db.session.scalar(select(Discussion))
        assert discussion is not None and discussion.finished_at is None, "not finished"
    assert client.get(link.review()).status_code == 200, "and this browser still opens it"


def test_a_line_break_in_a_redirect_target_goes_to_a_safe_page(database: str) -> None:
    client = make_app(database).test_client()
    for target in ("/en/\r\nSet-Cookie: x=1", "/en/\nx", "/en/\x00", "/en/\u2028x"):
        response = client.post("/en/text-size", data={"next": target, "text_size": "1"})
        assert response.status_code == 302
        assert response.headers["Location"] == "/en/"
        assert "x=1" not in response.headers.get("Set-Cookie", "")
    signed_in = client.post(
        "/staff/sign-in?next=/staff/%0D%0ASet-Cookie:%20x=1",
        data={"email": "nobody@example.org", "password": "wrong"},
    )
    assert signed_in.status_code == 401


def chunked_post(client: FlaskClient, path: str, body: bytes) -> int:
    """A body sent as a server hands on a chunked one: no Content-Length, the stream ended by the
    server (wsgi.input_terminated)."""
    response = client.post(
        path,
        input_stream=io.BytesIO(body),
        headers={
            "Transfer-Encoding": "chunked",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )
    return response.status_code


def test_a_chunked_body_is_read_whole_or_refused_as_too_large(database: str) -> None:
    app = make_app(database)
    client = app.test_client()
    location = client.post("/ar/start", data={"language": "ar"}).headers["Location"]
    link = PatientLink.from_url(location)
    note = "ملاحظة " * 10
    assert chunked_post(client, link.step(type="values"), f"values_note={note}".encode()) == 302
    big = b"values_note=" + b"x" * (2 * 1024 * 1024) + b"&rating-family=a-lot"
    response = client.post(
        link.step(type="values"),
        input_stream=io.BytesIO(big),
        headers={"Transfer-Encoding": "chunked"},
        content_type="application/x-www-form-urlencoded",
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert 'lang="ar"' in body and "xxxx" not in body
    page = client.get(link.step(type="values")).get_data(as_text=True)
    assert re.search(r"<textarea[^>]*>\s*" + re.escape(note.strip()), page), "first note kept"


def test_lookups_of_what_no_record_holds_find_nothing_on_either_database(database: str) -> None:
    """A NUL (which PostgreSQL refuses even to compare), a number past what an integer column
    holds, or digits int() refuses: each is simply not found."""
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    anyone = app.test_client()
    refused = anyone.post("/staff/sign-in", data={"email": "a\x00@b.c", "password": "x" * 12})
    assert refused.status_code == 401
    assert anyone.get("/en/w/abc%00def/").status_code == 404
    assert anyone.post("/en/resume", data={"code": "ABCD\x00EFGH"}).status_code == 400
    for path in (
        "/staff/discussions/99999999999999999999",
        "/staff/discussions/2147483648/ready",
        "/en/w/x/step/99999999999999999999",
    ):
        assert client.get(path).status_code == 404, path
    searched = client.get("/staff/?q=AB%00")
    assert searched.status_code == 200 and "No discussion matches" in searched.get_data(
        as_text=True
    )
    refreshed = client.get("/staff/discussions/states.json?q=AB%00")
    assert refreshed.status_code == 200 and refreshed.get_json()["rows"] == []
    everything = client.get("/staff/discussions/states.json?q=")
    assert [row["id"] for row in everything.get_json()["rows"]] == [discussion_id]


def test_a_stale_form_for_a_question_since_removed_says_it_is_gone(database: str) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    client, link = patient_with_csrf(app)
    response = client.post(link.remove_question(999999), data={"csrf_token": "stale"})
    assert response.status_code == 404
    check_page(response.get_data(as_text=True), "ar")


def chunked_over_the_limit(port: int, megabytes: int) -> tuple[bytes, float]:
    """A chunked POST of this many megabytes, as a client streams it; the status line of the
    answer, and the seconds from the first byte sent to the connection closing."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        began = time.monotonic()
        connection.sendall(
            b"POST /en/start HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        )
        piece = b"x" * 65536
        try:
            for _ in range(megabytes * 16):
                connection.sendall(b"10000\r\n" + piece + b"\r\n")
            connection.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed before the body ended: as it should
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer.split(b"\r\n", 1)[0], time.monotonic() - began


@pytest.mark.slow
@sqlite_only
def test_gunicorn_answers_a_chunked_body_over_the_limit_with_413_at_once(
    database: str, tmp_path: Path
) -> None:
    make_app(database)  # migrated
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "-w", "1"),
            *("-b", f"127.0.0.1:{port}", "app:create_app()"),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database, "COMPANION_ENV": "development"},
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        wait_until_serving(port, "/en/")
        for megabytes in (3, 11):
            status, seconds = chunked_over_the_limit(port, megabytes)
            assert status == b"HTTP/1.1 413 REQUEST ENTITY TOO LARGE", (megabytes, status)
            assert seconds < 5, f"{megabytes} MB held the connection {seconds:.1f} s"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()
