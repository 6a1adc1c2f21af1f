"""Every `flask` command is registered here, and only here.

The checks (content-check, translations-check) are written here; the others are written beside
what they work on: `staff` in staff/accounts.py, `purge` in record/retention.py, `demo-record` in
demo.py.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .content import packs
from .demo import demo_record_command
from .i18n import languages
from .record.retention import purge_command
from .staff.accounts import staff_cli
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


def init_app(app: Flask) -> None:
    app.cli.add_command(content_check)
    app.cli.add_command(translations_check)
    app.cli.add_command(demo_record_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(staff_cli)
