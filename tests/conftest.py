"""Fixtures: an app on its own fresh database per test, checked page helpers, a live server.

Every test that touches the database runs on a SQLite file, and again on PostgreSQL when
DATABASE_URL points at a PostgreSQL server (`make test` starts one): each test then gets a
database of its own, created empty and dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyotp
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from app import create_app
from companion.models import db
from companion.staff.accounts import add_staff, find_staff
from tests.pages import PageClient

ROOT = Path(__file__).resolve().parent.parent


POSTGRESQL_SERVER = os.environ.get("DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRESQL_SERVER.startswith("postgresql") else [])


def pytest_report_header() -> str:
    server = make_url(POSTGRESQL_SERVER).render_as_string() if "postgresql" in BACKENDS else ""
    return f"databases: {', '.join(BACKENDS)} {server}".rstrip()


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """The URL of an empty database that nothing else uses, removed when the block ends."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'test.sqlite3'}"
        return
    server = make_url(POSTGRESQL_SERVER)
    name = f"test_{secrets.token_hex(8)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # FORCE ends the app's pooled connections, which nothing closes explicitly.
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    from tests.test_browser import Tablet

    # Pages are audited (axe, screenshots) on the SQLite run; the PostgreSQL run repeats the rest.
    Tablet.audit = request.param == "sqlite"
    with fresh_database(request.param, tmp_path) as url:
        yield url
    Tablet.audit = True


@pytest.fixture(scope="module", params=BACKENDS)
def module_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with fresh_database(request.param, tmp_path_factory.mktemp("database")) as url:
        yield url


def make_app(database: str, **config: Any) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-000",
            "SQLALCHEMY_DATABASE_URI": database,
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


@pytest.fixture
def app(database: str) -> Flask:
    return make_app(database)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def pages(client: FlaskClient) -> PageClient:
    return PageClient(client)


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture
def live_server(database: str) -> Iterator[str]:
    """The app served on 127.0.0.1 for the browser, with CSRF on as in real use."""
    with serve(make_app(database, WTF_CSRF_ENABLED=True)) as url:
        yield url


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


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
    now = totp.timecode(time.time())
    step = next(s for s in (now - 1, now, now + 1) if last is None or s > last)
    return totp.generate_otp(step)


def sign_in(client: FlaskClient, email: str, password: str) -> TestResponse:
    """Both steps of a staff sign-in; returns the last answer (a redirect when it worked)."""
    response = client.post("/staff/sign-in", data={"email": email, "password": password})
    if "/staff/two-step/code" in response.headers.get("Location", ""):
        code = authenticator_code(client.application, email)
        response = client.post("/staff/two-step/code", data={"code": code})
    return response


def signed_in_with_discussion(
    database: str, language: str, label: str, role: str = "clinician"
) -> tuple[Flask, FlaskClient, int]:
    """An app, a signed-in client (a clinician unless told), and a discussion they started."""
    app = make_app(database)
    email = f"{role}@example.org"
    with app.app_context():
        add_staff_with_authenticator(email, role, "another-long-phrase-77", f"Test {role}")
    client = app.test_client()
    sign_in(client, email, "another-long-phrase-77")
    created = client.post(
        "/staff/discussions/new",
        data={"procedure": "htg492", "language": language, "patient_label": label},
    )
    return app, client, int(created.headers["Location"].split("/")[3])
