"""Application factory: configuration, extensions and the app's own pages, then the features."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import FileSystemLoader, StrictUndefined

from companion import cli, config, content, i18n, settings, steps
from companion.models import db
from companion.patient import views as patient_views
from companion.staff import governance as staff_governance
from companion.staff import sealing, send_link, two_step
from companion.staff import sessions as staff_sessions
from companion.staff import views as staff_views
from companion.web import (
    assets,
    chunked,
    compression,
    converters,
    csrf,
    errors,
    free_text,
    hosts,
    kiosk,
    layout,
    limits,
    logs,
    security,
    server_name,
    site,
    templating,
    transactions,
)

ROOT = Path(__file__).resolve().parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The app: its foundations, then the features over them."""
    app = create_foundations(test_config)
    add_features(app)
    return app


def create_foundations(test_config: dict[str, Any] | None = None) -> Flask:
    """Configuration, extensions and the app's own pages (the front door and the error pages):
    everything but the features, which add_features registers. The tests use it on its own to
    show that no page of its own needs a feature."""
    app: Flask = logs.App(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(os.environ, app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    if test_config is not None:
        app.config.update(test_config)
    config.check(app.config)
    chosen = settings.init_app(app)

    # Only the app's own templates, and loud: a missing variable is an error, not an empty
    # string. (The NHS.UK Jinja macros need ChainableUndefined; the app no longer uses them.)
    app.jinja_options = {**app.jinja_options, "undefined": StrictUndefined}
    app.jinja_loader = FileSystemLoader(ROOT / "templates")

    content.init_app(app, chosen.content_path())
    i18n.init_app(app, ROOT / "translations" / "languages.yaml")
    templating.init_app(app)
    layout.init_app(app)
    logs.init_app(app)
    hosts.init_app(app)
    converters.init_app(app)
    db.init_app(app)
    transactions.init_app(app)
    cli.init_migrations(app, db, str(ROOT / "migrations"))
    errors.init_app(app)
    csrf.init_app(app)
    limits.init_app(app)
    assets.init_app(app)
    compression.init_app(app)
    security.init_app(app)
    server_name.init_app()
    free_text.init_app(app)
    kiosk.init_app(app)
    app.register_blueprint(site.bp)
    chunked.init_app(app)
    return app


def add_features(app: Flask) -> None:
    """The patient's walkthrough and the staff pages, with their extensions and commands; each
    blueprint gives the layout its pages as it is registered (companion/web/layout.py)."""
    sealing.init_app(app)
    staff_sessions.init_app(app)
    steps.init_app(app)
    app.register_blueprint(patient_views.bp)
    app.register_blueprint(staff_views.bp)
    app.register_blueprint(two_step.bp)
    app.register_blueprint(send_link.bp)
    app.register_blueprint(staff_governance.bp)
    cli.init_app(app)
