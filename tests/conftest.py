"""Fixtures: an app on its own SQLite file per test, checked page helpers, a live server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from companion.accounts import add_staff
from tests.pages import PageClient

ROOT = Path(__file__).resolve().parent.parent


def make_app(tmp_path: Path, **config: Any) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-000",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


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
def live_server(tmp_path: Path) -> Iterator[str]:
    """The app served on 127.0.0.1 for the browser, with CSRF on as in real use."""
    with serve(make_app(tmp_path, WTF_CSRF_ENABLED=True)) as url:
        yield url


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def signed_in_with_discussion(
    tmp_path: Path, language: str, label: str
) -> tuple[Flask, FlaskClient, int]:
    """An app, a clinician's signed-in client, and a discussion that clinician started."""
    app = make_app(tmp_path)
    with app.app_context():
        add_staff("doctor@example.org", "clinician", "another-long-phrase-77", "Dr Ada")
    client = app.test_client()
    client.post(
        "/staff/sign-in", data={"email": "doctor@example.org", "password": "another-long-phrase-77"}
    )
    created = client.post(
        "/staff/discussions/new",
        data={"procedure": "htg492", "language": language, "patient_label": label},
    )
    return app, client, int(created.headers["Location"].split("/")[3])
