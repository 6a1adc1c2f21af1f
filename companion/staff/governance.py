"""The governance view: figures across discussions for clinicians and admins, as a page with
charts and as CSV, both from one `governance.Report`. No patient is named or identifiable."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Mapping

from flask import Blueprint, current_app, g, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from .. import audit, content
from ..content import ContentPack
from ..i18n import languages
from ..models import Discussion, Role, db, utcnow
from ..record import fields, governance
from ..record.governance import Period, Report
from . import governance_charts
from .sessions import role_required, signed_in_only, staff_pages

bp = Blueprint("governance", __name__, url_prefix="/staff")
staff_pages(bp)
bp.before_request(signed_in_only)
ViewResult = str | Response | tuple[str, int]
ROLES = (Role.CLINICIAN, Role.ADMIN)
KINDS = {"month": "By month", "quarter": "By quarter", "period": "The whole period only"}


@bp.before_request
def staff_pages_are_english() -> None:
    g.language = languages()["en"]


def versions() -> list[str]:
    found = {v for p in content.packs() for v in content.versions_of(p)}
    return sorted(found, key=content.version_key)


def month(typed: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(typed.strip(), "%Y-%m").date()
    except ValueError:
        return None


def chosen(args: Mapping[str, str]) -> tuple[dict[str, str], Period | None, dict[str, str]]:
    """What the form asked for (as typed), the period it names, and what is wrong with it."""
    today = utcnow().date().replace(day=1)
    a_year_ago = (today - dt.timedelta(days=334)).replace(day=1)
    form = {
        "from": args.get("from", f"{a_year_ago:%Y-%m}"),
        "to": args.get("to", f"{today:%Y-%m}"),
        "version": args.get("version", ""),
        "by": args.get("by", "month"),
    }
    errors: dict[str, str] = {}
    first, last = month(form["from"]), month(form["to"])
    if first is None:
        errors["from"] = "From: enter a month as year and month, for example 2026-01."
    if last is None:
        errors["to"] = "To: enter a month as year and month, for example 2026-12."
    elif first is not None and last < first:
        errors["to"] = "To: the last month must be the same as or after the first (From)."
    elif first is not None and len(Period(first, last).months) > governance.MAX_MONTHS:
        errors["to"] = f"To: choose a period of {governance.MAX_MONTHS} months or fewer."
    if form["version"] and form["version"] not in versions():
        errors["version"] = "Content version: choose one of the versions listed."
    if form["by"] not in KINDS:
        errors["by"] = "Show: choose by month, by quarter or the whole period."
    if errors or first is None or last is None:
        return form, None, errors
    return form, Period(first, last, form["version"]), errors


def discussions_in(period: Period) -> Iterator[tuple[Discussion, ContentPack]]:
    query = (
        select(Discussion)
        .where(Discussion.created_at >= period.start, Discussion.created_at < period.end)
        .options(
            selectinload(Discussion.amendments),
            selectinload(Discussion.changes_after_sign_off),
            selectinload(Discussion.readiness_answers),
            selectinload(Discussion.record_items),
            selectinload(Discussion.questions_to_ask),
            selectinload(Discussion.patient_questions),
            selectinload(Discussion.step_visits),
        )
        .order_by(Discussion.id)
    )
    if period.version:
        query = query.where(Discussion.content_version == period.version)
    for discussion in db.session.scalars(query):
        yield discussion, content.pack_shown(discussion.procedure, discussion.content_version)


@bp.get("/governance")
# Clinicians and admins, who are answerable for governance; not nurses.
@role_required(*ROLES)
def governance_view() -> ViewResult:
    form, period, errors = chosen(request.args)
    report = governance.report(period, discussions_in(period)) if period else None
    if report is not None:
        audit.record("governance", detail=f"view {form['from']} to {form['to']}")
    return page(form, errors, report)


def page(form: dict[str, str], errors: dict[str, str], report: Report | None) -> ViewResult:
    return render_template(
        "staff/governance.html",
        form=form,
        errors=errors,
        report=report,
        version_choices=[("", "All versions"), *((v, v) for v in versions())],
        kind_choices=[(value, label, {}) for value, label in KINDS.items()],
        charts=governance_charts.charts(report, form["by"]) if report else {},
        rates=governance.RATES,
        yellow_card_url=fields.YELLOW_CARD_URL,
    ), (400 if errors else 200)


def columns(report: Report) -> list[str]:
    """The CSV's header: the bucket, then every count, the median and the rates."""
    heads = ["period"]
    for group in report.groups:
        heads += [f"{group.title}: {label}" for _code, label in group.categories]
    return [*heads, "Median days from start to sign-off", *(r[0] for r in governance.RATES)]


def row(report: Report, bucket: governance.Bucket) -> list[str]:
    cells = [bucket.key]
    for group in report.groups:
        cells += [report.shown(group.key, code, bucket.key) for code, _ in group.categories]
    cells.append(report.medians[bucket.key])
    return cells + [report.rate(part, whole, bucket.key) for _, part, whole in governance.RATES]


@bp.get("/governance.csv")
@role_required(*ROLES)
def governance_csv() -> ViewResult:
    """The same figures, one row a month (or a quarter, or the period), UTF-8 with a header."""
    form, period, errors = chosen(request.args)
    if period is None:
        return page(form, errors, None)
    report = governance.report(period, discussions_in(period))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns(report))
    for bucket in report.of_kind(form["by"]):
        writer.writerow(row(report, bucket))
    audit.record("governance", detail=f"csv {form['from']} to {form['to']}")
    response = current_app.response_class(out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="governance-{form["from"]}-to-{form["to"]}-by-{form["by"]}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
