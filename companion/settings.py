"""The app's own settings: one typed, frozen object, read once when the app is made.

Every default is here and nowhere else. `config.from_environment` reads and checks the environment
into the Flask config (upper-case keys, as Flask and its extensions expect); a test's config is
laid over it; then `Settings.from_config` builds this object from the result, and every module
reads `settings()` instead of the config mapping.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app

REPOSITORY = Path(__file__).resolve().parent.parent
# Only ever accepted in development: a known key would let anyone forge a session cookie.
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"  # noqa: S105
# Development and tests are reached on this machine only (`make run` binds 127.0.0.1).
DEVELOPMENT_HOSTS = ("localhost", "127.0.0.1")
NURSE_MFA_CHOICES = ("required", "optional")


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TESTING = "testing"


@dataclass(frozen=True)
class Settings:
    env_name: Environment = Environment.DEVELOPMENT
    # How long a patient's link and code work, and how long a discussion is kept.
    patient_link_days: int = 30
    retention_days: int = 180
    # A staff session ends after this long without activity, or this long after sign-in.
    staff_idle_minutes: int = 20
    staff_session_hours: int = 12
    # "required" or "optional": clinicians and admins always need two-step sign-in.
    staff_mfa_for_nurses: str = "required"
    # How often the dashboard asks where each patient is.
    dashboard_refresh_seconds: int = 10
    # A handed-over tablet left alone returns to a neutral screen after this long.
    kiosk_idle_seconds: int = 600
    # Rendered PDFs, one file per state of a record ("" means instance/pdf-cache/), and the
    # most they may take on disk before the least recently used go.
    pdf_cache_dir: str = ""
    pdf_cache_max_bytes: int = 64 * 1024 * 1024
    # Where the content packs are ("" means the repository's content/).
    content_dir: str = ""
    # Every absolute link is built from this, never from the request's Host header.
    public_base_url: str = ""
    # Host names requests may name (empty: the host of public_base_url, see hosts_answered).
    trusted_hosts: tuple[str, ...] = ()
    # Where throttles count: per process unless shared by every worker (README, Production).
    ratelimit_storage_uri: str = "memory://"
    # The port `make run` serves on, for the address it prints.
    port: int = 5000
    # GOV.UK Notify, to send a patient their link by text message or email: without a key (or
    # without a template for a kind of message) staff are offered no such sending.
    notify_api_key: str = field(default="", repr=False)
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_sms_template_id: str = ""
    notify_email_template_id: str = ""
    # How long the nurse waits for Notify before the page says the link may not have gone.
    notify_timeout_seconds: float = 10.0

    @property
    def production(self) -> bool:
        return self.env_name == Environment.PRODUCTION

    @property
    def development(self) -> bool:
        return self.env_name == Environment.DEVELOPMENT

    def content_path(self) -> Path:
        """The content packs' folder: content_dir, or the repository's content/."""
        return Path(self.content_dir) if self.content_dir else REPOSITORY / "content"

    def pdf_cache_path(self, instance_path: str) -> Path:
        """The rendered PDFs' folder: pdf_cache_dir, or pdf-cache/ in the instance folder."""
        return Path(self.pdf_cache_dir) if self.pdf_cache_dir else Path(instance_path) / "pdf-cache"

    def hosts_answered(self) -> list[str] | None:
        """The host names requests may name: trusted_hosts, else the host of public_base_url,
        else (outside production) this machine; None only in production with neither, which
        config.check() has refused already."""
        if self.trusted_hosts:
            return list(self.trusted_hosts)
        if self.public_base_url:
            return [urlsplit(self.public_base_url).hostname or ""]
        return None if self.production else list(DEVELOPMENT_HOSTS)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """The settings a config mapping holds (its upper-case keys), defaults for the rest."""
        given: dict[str, Any] = {}
        for each in fields(cls):
            key = each.name.upper()
            if key in config and config[key] not in (None, ""):
                given[each.name] = config[key]
        if "env_name" in given:
            given["env_name"] = Environment(given["env_name"])
        if "trusted_hosts" in given:
            given["trusted_hosts"] = tuple(given["trusted_hosts"])
        return cls(**given)


DEFAULTS = Settings()


def default_database_url(instance_path: str) -> str:
    """DATABASE_URL when none is given: a SQLite file in the instance folder."""
    return "sqlite:///" + os.path.join(instance_path, "companion.sqlite3")


def init_app(app: Flask) -> Settings:
    made = Settings.from_config(app.config)
    app.extensions["companion.settings"] = made
    return made


def settings() -> Settings:
    found: Settings = current_app.extensions["companion.settings"]
    return found
