"""The app's own settings: one typed, frozen object, read once when the app is made.

Every default is here and nowhere else. `config.from_environment` reads and checks the environment
into the Flask config (upper-case keys, as Flask and its extensions expect); a test's config is
laid over it; then `Settings.from_config` builds this object from the result, and every module
reads `settings()` instead of the config mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from flask import Flask, current_app


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
        return cls(**given)


def init_app(app: Flask) -> Settings:
    made = Settings.from_config(app.config)
    app.extensions["companion.settings"] = made
    return made


def settings() -> Settings:
    found: Settings = current_app.extensions["companion.settings"]
    return found
