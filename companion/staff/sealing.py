"""Authenticator keys sealed at rest: a copy of the database, or of a backup, yields no key that
could make a staff member's second-step codes.

Each key is encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under a key
that lives only in the environment: AUTHENTICATOR_KEYS, one or more Fernet keys separated by
commas. The first seals; every one of them unseals (MultiFernet), so keys can be rotated: put a
new key first, keep the old ones after it, run `flask --app app staff reseal`, then drop the old
ones (README, Production). Production refuses to start without AUTHENTICATOR_KEYS; development
and the tests derive a key from SECRET_KEY, with a warning.
"""

from __future__ import annotations

import base64
import warnings

import click
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from ..config import ConfigError
from ..models import StaffMember, db
from ..settings import Settings


class DevelopmentSealingKey(UserWarning):
    """Authenticator keys are sealed with a key derived from SECRET_KEY."""


SEALED_PREFIX = "gAAAAA"  # every Fernet token starts so; a base32 key (A-Z, 2-7) never does


class Sealer:
    def __init__(self, keys: list[bytes]) -> None:
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def seal(self, key: str) -> str:
        return self._fernet.encrypt(key.encode()).decode()

    def unseal(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ConfigError(
                "An authenticator key cannot be unsealed: AUTHENTICATOR_KEYS does not hold the key"
                " it was sealed with (keep old keys after the new one until `staff reseal` ran)"
            ) from None


def development_key(secret_key: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"authenticator keys"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(derived)


def sealer_for(config: dict[str, object]) -> Sealer:
    configured = str(config.get("AUTHENTICATOR_KEYS") or "")
    if configured:
        try:
            return Sealer([key.strip().encode() for key in configured.split(",") if key.strip()])
        except ValueError:
            raise ConfigError(
                "AUTHENTICATOR_KEYS must be Fernet keys separated by commas; make one with"
                ' python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key()'
                '.decode())"'
            ) from None
    if Settings.from_config(config).production:
        raise ConfigError("AUTHENTICATOR_KEYS must be set in production (README, Production)")
    # A warning rather than a log line: it shows under `make run` whatever logging is set up.
    warnings.warn(
        "AUTHENTICATOR_KEYS is not set: sealing authenticator keys with a key derived from"
        " SECRET_KEY, which is fine for development only",
        DevelopmentSealingKey,
        stacklevel=2,
    )
    return Sealer([development_key(str(config["SECRET_KEY"]))])


def current_sealer() -> Sealer:
    sealer: Sealer = current_app.extensions["companion.sealer"]
    return sealer


@click.command("reseal")
@with_appcontext
def reseal_command() -> None:
    """Seal every authenticator key again with the first of AUTHENTICATOR_KEYS."""
    count = 0
    for member in db.session.scalars(select(StaffMember)):
        if member.totp_secret:
            # Reading unseals with whichever key fits; writing seals with the first.
            flag_modified(member, "totp_secret")
            count += 1
    db.session.commit()
    click.echo(f"Sealed {count} authenticator keys with the first of AUTHENTICATOR_KEYS.")


def init_app(app: Flask) -> None:
    app.extensions["companion.sealer"] = sealer_for(app.config)
