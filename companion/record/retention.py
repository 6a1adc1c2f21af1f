"""Retention: discussions are kept for a set time, then purged; one can be exported as JSON first.

The export is the record as data, for filing in the patient's own health record; the purge keeps
a count in the audit trail, never the content.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from markupsafe import Markup
from sqlalchemy import select

from .. import audit
from ..content import ContentPack
from ..models import Discussion, db, utcnow
from . import pdf_cache
from .summary import Summary, build

DEFAULT_RETENTION_DAYS = 180


def purge(older_than_days: int) -> int:
    cutoff = utcnow() - dt.timedelta(days=older_than_days)
    old = db.session.scalars(select(Discussion).where(Discussion.created_at < cutoff)).all()
    for discussion in old:
        db.session.delete(discussion)
        pdf_cache.forget(discussion.id)
    audit.record("purge", detail=f"{len(old)} discussions started before {cutoff:%Y-%m-%d}")
    return len(old)


def _plain(value: Any) -> Any:
    if isinstance(value, Markup):
        return value.striptags()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")


def export(discussion: Discussion, pack: ContentPack) -> str:
    summary: Summary = build(discussion, pack, "clinician")
    data = {"format": "heart-pump-discussion-record/1", **dataclasses.asdict(summary)}
    return json.dumps(data, default=_plain, ensure_ascii=False, indent=2)


@click.command("purge")
@click.option(
    "--days", type=int, default=None, help="Keep discussions started this many days ago or later."
)
@with_appcontext
def purge_command(days: int | None) -> None:
    """Delete discussions older than the retention period (RETENTION_DAYS, default 180)."""
    keep = days if days is not None else current_app.config["RETENTION_DAYS"]
    if keep < 1:
        raise click.BadParameter("must be at least 1", param_hint="--days")
    purged = purge(keep)
    db.session.commit()
    click.echo(f"Purged {purged} discussions started more than {keep} days ago.")
