"""Every `flask` command is registered here, and only here.

The checks (content-check, translations-check) are written here; the others are written beside
what they work on: `staff` in staff/accounts.py, `purge` in record/retention.py, `demo-record` in
demo.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext

from .content import packs
from .demo import demo_record_command
from .i18n import languages
from .record.retention import purge_command
from .staff.accounts import staff_cli
from .staff.sealing import reseal_command
from .translation_checks import problems, read_catalog


@click.command("content-check")
@with_appcontext
def content_check() -> None:
    """Load every content pack and the language list, and say what is there."""
    for pack in packs().values():
        click.echo(
            f"{pack.id}: {len(pack.steps)} steps, {len(pack.questions)} questions to think about, "
            f"version {pack.content_version}, review due {pack.review_due.isoformat()}"
        )
    click.echo(
        "languages: " + ", ".join(f"{lang.code} ({lang.review})" for lang in languages().values())
    )


@click.command("translations-check")
@with_appcontext
def translations_check() -> None:
    """Check every catalog against its template: complete, not fuzzy, placeholders kept."""
    folder = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    failed = False
    for language in languages().values():
        if language.review == "source":
            continue
        for domain in ("messages", "content"):
            po = folder / language.locale / "LC_MESSAGES" / f"{domain}.po"
            found = problems(read_catalog(folder / f"{domain}.pot"), read_catalog(po))
            click.echo(f"{po}: {'ok' if not found else f'{len(found)} problems'}")
            for problem in found:
                click.echo(f"  {problem}")
            failed = failed or bool(found)
    if failed:
        raise SystemExit(1)


class LazyMigrations:
    """Flask-Migrate, set up the first time anything asks for it.

    Flask-Migrate imports Alembic, a tenth of the app's start-up, which only `flask db` and the
    migration tests use. Stands in app.extensions["migrate"] and answers as Flask-Migrate's own
    entry does (migrations/env.py and flask_migrate.upgrade() read it), once set up.
    """

    def __init__(self, app: Flask, db: Any, directory: str) -> None:
        self.app, self.db, self.directory = app, db, directory
        self._real: Any = None

    def real(self) -> Any:
        if self._real is None:
            from flask_migrate import Migrate

            # Replaces this entry (and the `db` command below) with Flask-Migrate's own.
            Migrate(self.app, self.db, directory=self.directory, render_as_batch=True)
            self._real = self.app.extensions["migrate"]
        return self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


class MigrationCommands(click.Group):
    """Stands in for Flask-Migrate's `flask db` group: parsing `flask db ...` hands over to it."""

    def real(self, ctx: click.Context | None) -> click.Group:
        assert ctx is not None, "flask db runs under the flask command"
        app = ctx.ensure_object(ScriptInfo).load_app()
        migrations = app.extensions["migrate"]
        if isinstance(migrations, LazyMigrations):
            migrations.real()
        from flask_migrate.cli import db

        group: click.Group = db
        return group

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        return self.real(parent).make_context(info_name, args, parent=parent, **extra)


def init_migrations(app: Flask, db: Any, directory: str) -> None:
    app.extensions["migrate"] = LazyMigrations(app, db, directory)
    app.cli.add_command(MigrationCommands("db", help="Perform database migrations."))


def init_app(app: Flask) -> None:
    app.cli.add_command(content_check)
    app.cli.add_command(translations_check)
    app.cli.add_command(demo_record_command)
    app.cli.add_command(purge_command)
    staff_cli.add_command(reseal_command)
    app.cli.add_command(staff_cli)
