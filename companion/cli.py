"""Command-line tasks: `flask --app app content-check`."""

from __future__ import annotations

import click
from flask import Flask, current_app

from .content import ContentPack
from .i18n import languages


@click.command("content-check")
def content_check() -> None:
    """Load every content pack and the language list, and say what is there."""
    packs: dict[str, ContentPack] = current_app.extensions["companion.packs"]
    for pack in packs.values():
        click.echo(
            f"{pack.id}: {len(pack.steps)} steps, {len(pack.questions)} questions to think about, "
            f"version {pack.content_version}, review due {pack.review_due.isoformat()}"
        )
    click.echo(
        "languages: " + ", ".join(f"{lang.code} ({lang.review})" for lang in languages().values())
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(content_check)
