"""Authenticator keys sealed at rest: a database dump gives no usable second factor, migrations seal
and unseal without breaking sign-in, keys rotate, and production will not start without a key."""

from __future__ import annotations

import pyotp
import pytest
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from companion.config import ConfigError
from companion.models import db
from companion.staff.sealing import DevelopmentSealingKey
from tests.support.database import ROOT, make_app, production_app
from tests.support.staff import AUTHENTICATOR_KEY, add_staff_with_authenticator, sign_in

MIGRATIONS = str(ROOT / "migrations")
EMAIL, PASSWORD = "doc@example.org", "another-long-phrase-77"


def stored_key(database: str) -> str:
    """What a copy of the database holds: the column read raw, without the app."""
    engine = create_engine(database, poolclass=NullPool)
    with engine.connect() as connection:
        value = connection.execute(
            text("SELECT totp_secret FROM staff_member WHERE email = :email"), {"email": EMAIL}
        ).scalar_one()
    engine.dispose()
    return str(value)


def signs_in(app: Flask) -> bool:
    response = sign_in(app.test_client(), EMAIL, PASSWORD)
    return response.status_code == 302 and "/staff/" in response.headers["Location"]


def staff_app(database: str, **config: object) -> Flask:
    app = make_app(database, **config)
    with app.app_context():
        add_staff_with_authenticator(EMAIL, "clinician", PASSWORD, "Jo")
    return app


def test_a_database_dump_yields_no_usable_authenticator_key(database: str) -> None:
    key = Fernet.generate_key().decode()
    app = staff_app(database, AUTHENTICATOR_KEYS=key)
    dumped = stored_key(database)
    assert AUTHENTICATOR_KEY not in dumped and dumped.startswith("gAAAAA")
    # Used as an authenticator key, the dump makes no code the app accepts...
    with pytest.raises(Exception):  # noqa: B017 - not base32 at all
        pyotp.TOTP(dumped).now()
    # ...and it opens only with the key the environment holds.
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(dumped.encode())
    assert Fernet(key.encode()).decrypt(dumped.encode()).decode() == AUTHENTICATOR_KEY
    assert signs_in(app), "the sealed key still signs in"


def test_migrations_seal_on_upgrade_and_unseal_on_downgrade_and_sign_in_works(
    database: str,
) -> None:
    app = staff_app(database)
    assert stored_key(database).startswith("gAAAAA")
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="0003")
        db.session.remove()
    assert stored_key(database) == AUTHENTICATOR_KEY, "unsealed for the older code"
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.session.remove()
    assert stored_key(database).startswith("gAAAAA"), "the key stored in clear is sealed"
    assert signs_in(app)
    with app.app_context():
        db.engine.dispose()


def test_keys_rotate_without_locking_anyone_out(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    staff_app(database, AUTHENTICATOR_KEYS=old)
    rotating = make_app(database, AUTHENTICATOR_KEYS=f"{new},{old}")
    assert signs_in(rotating), "old seals still open while the old key is listed"
    result = rotating.test_cli_runner().invoke(args=["staff", "reseal"])
    assert "Sealed 1 authenticator keys" in result.output, result.output
    assert signs_in(make_app(database, AUTHENTICATOR_KEYS=new)), "the new key alone now opens it"
    with pytest.raises(ConfigError, match="cannot be unsealed"):
        signs_in(make_app(database, AUTHENTICATOR_KEYS=old))


def test_production_will_not_start_without_a_sealing_key(database: str) -> None:
    with pytest.raises(ConfigError, match="AUTHENTICATOR_KEYS must be set in production"):
        production_app(database, AUTHENTICATOR_KEYS="")
    with pytest.raises(ConfigError, match="Fernet keys"):
        make_app(database, AUTHENTICATOR_KEYS="not-a-key")


def test_development_derives_a_key_and_says_so(database: str) -> None:
    with pytest.warns(DevelopmentSealingKey, match="AUTHENTICATOR_KEYS is not set"):
        app = staff_app(database)
    assert signs_in(app)
