"""Application factory: configuration, extensions and blueprints; nothing else."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import FileSystemLoader, StrictUndefined

from companion import cli, config, content, i18n, settings
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
    free_text,
    hosts,
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

    content.init_app(app, Path(chosen.content_dir or ROOT / "content"))
    i18n.init_app(app, ROOT / "translations" / "languages.yaml")
    templating.init_app(app)
    logs.init_app(app)
    hosts.init_app(app)
    converters.init_app(app)
    db.init_app(app)
    transactions.init_app(app)
    sealing.init_app(app)
    cli.init_migrations(app, db, str(ROOT / "migrations"))
    csrf.init_app(app)
    staff_sessions.init_app(app)
    limits.init_app(app)
    assets.init_app(app)
    compression.init_app(app)
    security.init_app(app)
    server_name.init_app()
    free_text.init_app(app)

    app.register_blueprint(site.bp)
    app.register_blueprint(patient_views.bp)
    app.register_blueprint(staff_views.bp)
    app.register_blueprint(two_step.bp)
    app.register_blueprint(send_link.bp)
    app.register_blueprint(staff_governance.bp)
    cli.init_app(app)
    chunked.init_app(app)
    return app
