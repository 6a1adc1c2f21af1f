"""Configuration read from environment variables and checked before the app serves anything."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .settings import (
    DEFAULTS,
    DEVELOPMENT_SECRET_KEY,
    NURSE_MFA_CHOICES,
    Environment,
    Settings,
    default_database_url,
)

ENVIRONMENTS = tuple(env.value for env in Environment)
# Bigger requests get a short 413 page: nothing the app takes needs more.
REQUEST_MAX_BYTES = 2 * 1024 * 1024


# Settings given in the environment as whole numbers (see settings.py for what each means).
WHOLE_NUMBERS = (
    "PATIENT_LINK_DAYS",
    "PORT",
    "RETENTION_DAYS",
    "STAFF_IDLE_MINUTES",
    "STAFF_SESSION_HOURS",
    "PDF_CACHE_MAX_BYTES",
)


# Sending a patient their link through GOV.UK Notify: no key, no sending (settings.py).
NOTIFY_SETTINGS = (
    "NOTIFY_API_KEY",
    "NOTIFY_BASE_URL",
    "NOTIFY_SMS_TEMPLATE_ID",
    "NOTIFY_EMAIL_TEMPLATE_ID",
)
NOTIFY_TEMPLATES = ("NOTIFY_SMS_TEMPLATE_ID", "NOTIFY_EMAIL_TEMPLATE_ID")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# What Notify shows once when a key is made: the key's name, the service id, the secret.
NOTIFY_KEY = re.compile(
    rf"(?P<name>.+)-(?P<service>{UUID.pattern})-(?P<secret>{UUID.pattern})", re.I
)


class ConfigError(RuntimeError):
    """The environment does not describe a safe, working configuration."""


def _positive_int(environ: Mapping[str, str], name: str) -> int | None:
    """A whole number from the environment, or None when unset (settings.py has the default)."""
    raw = environ.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be greater than 0, not {value}")
    return value


def _given(environ: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """The variables among names that are set to something (settings.py has the defaults)."""
    return {name: value for name in names if (value := environ.get(name, "").strip())}


def _secret_key(environ: Mapping[str, str], env: str) -> str:
    secret_key = environ.get("SECRET_KEY", "")
    if not secret_key:
        if env != Environment.DEVELOPMENT:
            raise ConfigError("SECRET_KEY must be set outside development")
        return DEVELOPMENT_SECRET_KEY
    if secret_key == DEVELOPMENT_SECRET_KEY and env != Environment.DEVELOPMENT:
        raise ConfigError("SECRET_KEY is the development default; set a random one")
    if len(secret_key) < 32 and env != Environment.DEVELOPMENT:
        raise ConfigError("SECRET_KEY must be at least 32 characters outside development")
    return secret_key


def from_environment(environ: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    env = environ.get("COMPANION_ENV") or DEFAULTS.env_name.value
    if env not in ENVIRONMENTS:
        raise ConfigError(f"COMPANION_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    nurse_mfa = environ.get("STAFF_MFA_FOR_NURSES")
    if nurse_mfa is not None and nurse_mfa not in NURSE_MFA_CHOICES:
        raise ConfigError(f"STAFF_MFA_FOR_NURSES must be required or optional, not {nurse_mfa!r}")
    trusted_hosts = [h.strip() for h in environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    return {
        "ENV_NAME": env,
        "SECRET_KEY": _secret_key(environ, env),
        "SQLALCHEMY_DATABASE_URI": (
            environ.get("DATABASE_URL") or default_database_url(instance_path)
        ),
        **{
            name: number
            for name in WHOLE_NUMBERS
            if (number := _positive_int(environ, name)) is not None
        },
        # Fernet keys sealing authenticator keys at rest, newest first (companion/staff/sealing.py);
        # where throttles count (README, Production); every absolute link is built from
        # PUBLIC_BASE_URL, never from the request's Host header.
        **_given(
            environ,
            (
                "STAFF_MFA_FOR_NURSES",
                "CONTENT_DIR",
                "PDF_CACHE_DIR",
                "RATELIMIT_STORAGE_URI",
                "PUBLIC_BASE_URL",
                "AUTHENTICATOR_KEYS",
                # GOV.UK Notify, to send a patient their link by text or email (checked below).
                *NOTIFY_SETTINGS,
            ),
        ),
        **({"TRUSTED_HOSTS": trusted_hosts} if trusted_hosts else {}),
        # The longest real form (a full record in a non-Latin script) is well under 1 MB.
        "MAX_CONTENT_LENGTH": REQUEST_MAX_BYTES,
        "MAX_FORM_MEMORY_SIZE": REQUEST_MAX_BYTES,
        "MAX_FORM_PARTS": 500,
        # Flask-Limiter: one key prefix for this app in a shared store, and a moving window, so
        # a burst cannot take a window's worth at the end of one and again at the start of the
        # next; if the shared store is down, count in memory rather than stop every sign-in.
        "RATELIMIT_KEY_PREFIX": "heart-pump-companion",
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Flask-WTF: a long walkthrough, read slowly and resumed later, must not meet an expired
        # form. Over HTTPS it also wants a same-site Referer, which Referrer-Policy: no-referrer
        # never sends: every form would fail; the token and SameSite=Strict cookies suffice.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "WTF_CSRF_SSL_STRICT": False,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }


def base_url_problem(base_url: str, *, production: bool) -> str | None:
    """Why PUBLIC_BASE_URL cannot be used, or None."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"PUBLIC_BASE_URL must look like https://companion.example.nhs.uk, not {base_url!r}"
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return f"PUBLIC_BASE_URL must be a scheme and host only, not {base_url!r}"
    if production and parts.scheme != "https":
        return "PUBLIC_BASE_URL must start with https:// in production"
    return None


def check(config: Mapping[str, Any]) -> None:
    """Refuse settings that are only safe in development."""
    production = Settings.from_config(config).production
    if production and config.get("SECRET_KEY") == DEVELOPMENT_SECRET_KEY:
        raise ConfigError("SECRET_KEY is the development default; set a random one")
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        raise ConfigError("DATABASE_URL is empty")
    if production and not config.get("AUTHENTICATOR_KEYS"):
        raise ConfigError(
            "AUTHENTICATOR_KEYS must be set in production: it seals staff members' authenticator"
            " keys in the database (README, Production)"
        )
    base_url = config.get("PUBLIC_BASE_URL") or ""
    if production and not base_url:
        raise ConfigError(
            "PUBLIC_BASE_URL must be set in production, for example"
            " https://companion.example.nhs.uk: patients' links and QR codes are built from it,"
            " and only its host name is answered"
        )
    if base_url:
        problem = base_url_problem(base_url, production=production)
        if problem:
            raise ConfigError(problem)
    problem = notify_problem(config, production=production)
    if problem:
        raise ConfigError(problem)


def notify_problem(config: Mapping[str, Any], *, production: bool) -> str | None:
    """Why the GOV.UK Notify settings cannot be used, or None. Never quotes the key: it is a
    secret, and start-up errors end up in logs."""
    key = config.get("NOTIFY_API_KEY") or ""
    templates = {name: config.get(name) or "" for name in NOTIFY_TEMPLATES}
    if not key:
        given = [name for name, value in templates.items() if value]
        if given:
            return (
                f"{given[0]} is set but NOTIFY_API_KEY is not: set both to let staff send"
                " patients their link, or neither"
            )
        return None
    if not NOTIFY_KEY.fullmatch(key):
        return (
            "NOTIFY_API_KEY is not a GOV.UK Notify API key: it must be the whole key as Notify"
            " shows it when it is made, the key's name, the service id and the secret joined by"
            " hyphens (name-<36 characters>-<36 characters>)"
        )
    for name, value in templates.items():
        if value and not UUID.fullmatch(value):
            return (
                f"{name} must be a template id from GOV.UK Notify, a UUID such as"
                f" f33517ff-2a88-4f6e-b855-c550268ce08a, not {value!r}"
            )
    if not any(templates.values()):
        return (
            "NOTIFY_API_KEY is set but neither NOTIFY_SMS_TEMPLATE_ID nor"
            " NOTIFY_EMAIL_TEMPLATE_ID is: set the template for text messages, for emails or both"
            " (README, Sending the link by GOV.UK Notify)"
        )
    base_url = config.get("NOTIFY_BASE_URL") or ""
    parts = urlsplit(base_url)
    if base_url and (parts.scheme not in ("http", "https") or not parts.hostname):
        return (
            "NOTIFY_BASE_URL must look like https://api.notifications.service.gov.uk,"
            f" not {base_url!r}"
        )
    if base_url and production and parts.scheme != "https":
        return "NOTIFY_BASE_URL must start with https:// in production: the key signs every request"
    return None
