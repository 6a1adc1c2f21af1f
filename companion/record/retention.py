"""Retention: discussions are kept for a set time, then purged; one can be exported as JSON first
(`export`). The purge keeps a count in the audit trail, never the content.
"""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import audit
from ..models import Discussion, db, utcnow
from ..settings import settings
from . import pdf_cache


def purge(older_than_days: int) -> int:
    cutoff = utcnow() - dt.timedelta(days=older_than_days)
    old = db.session.scalars(select(Discussion).where(Discussion.created_at < cutoff)).all()
    for discussion in old:
        db.session.delete(discussion)
        pdf_cache.forget(discussion.id)
    audit.record("purge", detail=f"{len(old)} discussions started before {cutoff:%Y-%m-%d}")
    return len(old)


@click.command("purge")
@click.option(
    "--days", type=int, default=None, help="Keep discussions started this many days ago or later."
)
@with_appcontext
def purge_command(days: int | None) -> None:
    """Delete discussions older than the retention period (RETENTION_DAYS, default 180)."""
    keep = days if days is not None else settings().retention_days
    if keep < 1:
        raise click.BadParameter("must be at least 1", param_hint="--days")
    purged = purge(keep)
    db.session.commit()
    click.echo(f"Purged {purged} discussions started more than {keep} days ago.")
