"""An app on its own fresh database per test, and served on 127.0.0.1 for a browser.

Every test that touches the database runs on a SQLite file, and again on PostgreSQL when
DATABASE_URL points at a PostgreSQL server (`make test` starts one): each test then gets a
database of its own, created empty and dropped afterwards.
"""

from __future__ import annotations

import atexit
import functools
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.pool import NullPool
from werkzeug.serving import make_server

from app import create_app
from companion.models import db
from tests.support.pages import PageClient

ROOT = Path(__file__).resolve().parent.parent.parent
POSTGRESQL_SERVER = os.environ.get("DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRESQL_SERVER.startswith("postgresql") else [])
SECRET_KEY = "test-secret-key-that-is-long-enough-000"


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


# The backend of the test running now; the browser tests audit markup on the SQLite run only.
in_use = {"backend": "sqlite"}


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    in_use["backend"] = request.param
    with fresh_database(request.param, tmp_path) as url:
        yield url
    in_use["backend"] = "sqlite"


# For tests of what is drawn, printed or refused before anything is stored (browser pages, PDFs,
# text direction): the database engine plays no part in them, and every path that stores or reads
# runs on both engines in the other tests. Once on SQLite keeps `make test` within its time.
sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def make_app(database: str, **config: Any) -> Flask:
    """The app on this database, migrated with the real migrations; CSRF off unless told."""
    fresh = copy_migrated(database)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database,
            "WTF_CSRF_ENABLED": False,
            # Rendered PDFs stay with the test that made them, never in the checkout's instance/.
            "PDF_CACHE_DIR": tempfile.mkdtemp(prefix="pdf-cache-"),
            **config,
        }
    )
    if not fresh:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per test process rather than once per test's app: compiling them
    took a third of a typical test. Jinja keys each by its name and checks the source's digest,
    so an edited template is compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def _migrated(database: str) -> None:
    app = create_app(
        {"TESTING": True, "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": database}
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()  # PostgreSQL copies a template only while nobody is connected to it


@functools.cache
def migrated_template(backend: str) -> str:
    """A database migrated once in this process with the real migrations: a SQLite file, or a
    PostgreSQL database to use as a template. Migrating takes longer than the average test."""
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="migrated-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        file = Path(folder) / "template.sqlite3"
        _migrated(f"sqlite:///{file}")
        return str(file)
    name = f"template_{secrets.token_hex(8)}"
    server = make_url(POSTGRESQL_SERVER)
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    _migrated(server.set(database=name).render_as_string(hide_password=False))

    @atexit.register
    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return name


def copy_migrated(database: str) -> bool:
    """Give a database that is still empty the migrated schema, as a copy of the template; False
    when it already holds tables (a second app on one database, or a test of the migrations)."""
    url = make_url(database)
    if url.get_backend_name() == "sqlite":
        file = Path(url.database or "")
        if not url.database or file.exists():
            return False
        shutil.copyfile(migrated_template("sqlite"), file)
        return True
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        empty = not inspect(connection).get_table_names()
    engine.dispose()
    if not empty:
        return False
    template = migrated_template("postgresql")
    admin = create_engine(
        make_url(POSTGRESQL_SERVER), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{url.database}"'))
        connection.execute(text(f'CREATE DATABASE "{url.database}" TEMPLATE "{template}"'))
    admin.dispose()
    return True


PUBLIC_BASE_URL = "https://companion.example.nhs.uk"
PRODUCTION_SEALING_KEY = Fernet.generate_key().decode()


def production_app(database: str, **config: Any) -> Flask:
    """An app with every setting production insists on (each can be overridden)."""
    settings = {
        "ENV_NAME": "production",
        "SECRET_KEY": "x" * 40,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "AUTHENTICATOR_KEYS": PRODUCTION_SEALING_KEY,
        **config,
    }
    return make_app(database, **settings)


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
    """The app served on 127.0.0.1 in a thread; yields its origin."""
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
