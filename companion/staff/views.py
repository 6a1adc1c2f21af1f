"""Staff pages: sign-in, the dashboard, starting and handing over a discussion, taking one over.

Staff pages are in English. Every one needs a signed-in staff member; the audit trail records
sign-ins, views, hand-overs and take-overs.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from .. import audit, content, discussions, nhs_number
from ..content import ContentPack
from ..i18n import languages
from ..models import AuditEvent, Discussion, Role, StaffMember, db, utcnow
from ..record import entries, export, fhir, fields, readiness, render, signed, summary
from ..settings import settings
from ..web import free_text, kiosk
from ..web.csrf import always_allowed
from ..web.hosts import external_url, local_path
from ..web.limits import account_key, limiter
from ..web.qr import qr_svg
from . import notify, sessions, two_step
from .accounts import find_staff, password_matches
from .sessions import end_session, role_required, signed_in_only, staff_pages, start_session

bp = Blueprint("staff", __name__, url_prefix="/staff")
staff_pages(bp)
bp.before_request(signed_in_only)
ViewResult = str | Response | tuple[str, int]


@bp.before_request
def staff_pages_are_english() -> None:
    g.language = languages()["en"]


def safe_next(target: str | None) -> str:
    """Only a path on this site, so a crafted sign-in link cannot send staff elsewhere."""
    return local_path(target) or url_for("staff.dashboard")


@bp.route("/sign-in", methods=["GET", "POST"])
# A ward shares one address, so throttling by address would lock out a whole ward.
@limiter.limit("5 per minute;20 per hour", methods=["POST"], key_func=account_key)
def sign_in() -> ViewResult:
    email = request.form.get("email", "").strip()
    error = None
    if request.method == "POST":
        member = find_staff(email)
        if (
            member is not None
            and member.active
            and password_matches(member, request.form.get("password", ""))
        ):
            if member.totp_secret or two_step.required_for(member):
                return two_step.begin(member, safe_next(request.args.get("next")))
            start_session(member)  # a fresh session: this also ends patient mode
            audit.record("sign-in", staff=member)
            return redirect(safe_next(request.args.get("next")))
        audit.record("sign-in-refused", staff=member)
        error = "The email address or password is not right. Check them and try again."
    handed_to = kiosk.locked_to()
    return render_template(
        "staff/sign_in.html", email=email, error=error, patient_mode=bool(handed_to)
    ), (401 if error else 200)


@bp.post("/sign-out")
@always_allowed
def sign_out() -> Response:
    if current_user.is_authenticated:
        audit.record("sign-out")
        end_session(current_user.session_id)
    else:
        kiosk.forget_every_discussion()
    return redirect(url_for("staff.sign_in", signed_out=1))


@bp.post("/session/extend")
@login_required
def extend_session() -> Response:
    # Loading the signed-in user already counted as activity; answer with the new expiry.
    return current_app.response_class(
        f'{{"expires_at": "{current_user.expires_at.isoformat()}Z"}}', mimetype="application/json"
    )


def discussion_rows(search: str) -> list[dict[str, Any]]:
    """The dashboard's rows as plain data, in the same few queries however many rows there are:
    each row's questions, readiness answers and amendments are loaded for all rows at once."""
    query = (
        select(Discussion)
        .options(
            selectinload(Discussion.questions_to_ask),
            selectinload(Discussion.patient_questions),
            selectinload(Discussion.readiness_answers),
            selectinload(Discussion.amendments),
            selectinload(Discussion.changes_after_sign_off),
        )
        .order_by(Discussion.created_at.desc())
        .limit(200)
    )
    if search:
        code = discussions.normalise_code(search)
        query = query.where(
            or_(Discussion.code == code, Discussion.patient_label.ilike(f"%{search.strip()}%"))
        )
    if "\x00" in search:
        return []  # nothing matches it, and PostgreSQL refuses even to compare it
    step_ids = steps_of()
    return [dashboard_row(discussion, step_ids) for discussion in db.session.scalars(query)]


def dashboard_row(discussion: Discussion, step_ids: dict[str, list[str]]) -> dict[str, Any]:
    """One row of the dashboard as it reads: the page draws it and states.json sends it, so the
    two cannot disagree. Each value is text as shown (the label in pieces, every second one a
    number to set left to right), for the page's script to put in the cell of that name."""
    statuses = fields.question_statuses(discussion)
    unanswered = sum(1 for status in statuses if status != "answered")
    pack = pack_of(discussion)
    ready = readiness.live(discussion, [i.id for i in pack.readiness_items])
    label = discussion.patient_label
    return {
        "id": discussion.id,
        "record_url": url_for("staff.record_view", discussion_id=discussion.id),
        "started_at": discussion.created_at.isoformat(),
        "label": free_text.numbers_apart(label) if label else "No label",
        "code": discussions.format_code(discussion.code),
        "language": summary.language_label(discussion.language),
        "started": f"{discussion.created_at:%d %b %H:%M}",
        "status": discussions.progress_words(discussion, step_ids.get(discussion.procedure, [])),
        # Whether a link was sent, how and when, and whether the patient has opened it since.
        "link": discussions.link_words(discussion),
        "questions": f"{len(statuses)} ({unanswered} not answered)"
        if unanswered
        else f"{len(statuses)}",
        "leaning": (pack.option_name(discussion.leaning) if discussion.leaning else "") or "–",
        "not_ready": "Not sure yet" if ready.no else "",
        "readiness": ready.words(),
    }


def steps_of() -> dict[str, list[str]]:
    return {pack.id: [step.id for step in pack.steps] for pack in content.packs().values()}


def updated_at() -> str:
    """When the dashboard's rows were read, as its "Updated at" line says it."""
    return f"{utcnow():%H:%M:%S} UTC"


@bp.get("/")
@login_required
def dashboard() -> ViewResult:
    search = request.args.get("q", "").strip()
    return render_template(
        "staff/dashboard.html",
        rows=discussion_rows(search),
        search=search,
        updated_at=updated_at(),
        # The link column only where links can be sent (or a row says one was sent).
        sending=bool(notify.channels()),
        # How often the page asks again; a setting, so tests need not wait long.
        refresh_seconds=settings().dashboard_refresh_seconds,
    )


@bp.get("/discussions/states.json")
@login_required
@sessions.not_activity
def discussion_states() -> Response:
    """The dashboard's rows as they read now, for the page to refresh itself without a reload:
    the same search, the same rows and the same values as the page it came with."""
    search = request.args.get("q", "").strip()
    response = jsonify({"updated_at": updated_at(), "rows": discussion_rows(search)})
    response.headers["Cache-Control"] = "no-store"
    return response


# One limit for the label: the column that keeps it, the form that shows it, and the message.
LABEL_LIMIT = fields.column_limit(Discussion.patient_label)


@bp.route("/discussions/new", methods=["GET", "POST"])
@login_required
def new_discussion() -> ViewResult:
    packs = content.packs()
    form = {
        "procedure": request.form.get("procedure", next(iter(packs))),
        "language": request.form.get("language", "en"),
        "patient_label": request.form.get("patient_label", "").strip(),
        "nhs_number": request.form.get("nhs_number", "").strip(),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        if form["procedure"] not in packs:
            errors["procedure"] = "Choose a procedure."
        if form["language"] not in languages():
            errors["language"] = "Choose the patient's language."
        # A label is one line: on the dashboard, in a file name and at the top of the PDF.
        label = form["patient_label"]
        refusal = free_text.check(label, LABEL_LIMIT, one_line=True)
        if problem := fields.refusal_message("Patient label", refusal, label, LABEL_LIMIT):
            errors["patient_label"] = problem
        if form["nhs_number"] and (problem := nhs_number.problem(form["nhs_number"])):
            errors["nhs_number"] = problem
        if not errors:
            discussion = discussions.start_discussion(
                form["procedure"],
                form["language"],
                link_days=settings().patient_link_days,
                started_by="staff",
                patient_label=form["patient_label"] or None,
                nhs_number=nhs_number.digits_of(form["nhs_number"]) or None,
            )
            audit.record("start", discussion)
            return redirect(url_for("staff.ready", discussion_id=discussion.id))
    language_choices = [
        (lang.code, summary.language_label(lang.code)) for lang in languages().values()
    ]
    return render_template(
        "staff/new_discussion.html",
        form=form,
        errors=errors,
        procedure_options=[(pack.id, pack.title, {}) for pack in packs.values()],
        label_limit=LABEL_LIMIT,
        language_choices=language_choices,
    ), (400 if errors else 200)


def load(discussion_id: int) -> Discussion:
    discussion = db.session.get(Discussion, discussion_id)
    if discussion is None:
        abort(404)
    return discussion


def patient_link(discussion: Discussion) -> str:
    return external_url(
        "walkthrough.continue_discussion", lang=discussion.language, token=discussion.token
    )


@bp.get("/discussions/<int:discussion_id>/ready")
@login_required
def ready(discussion_id: int) -> ViewResult:
    return ready_page(load(discussion_id))


def ready_page(
    discussion: Discussion,
    *,
    typed: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The patient's code, link and QR code, and (with GOV.UK Notify set up) forms to send the
    link; `typed` and `errors` are by channel, for a form sent back."""
    link = patient_link(discussion)
    return render_template(
        "staff/ready.html",
        discussion=discussion,
        code=discussions.format_code(discussion.code),
        link=link,
        qr=qr_svg(link, "QR code for the patient's link"),
        patient_language=summary.language_label(discussion.language),
        channels=notify.channels(),
        typed=typed or {},
        errors=errors or {},
        just_sent=request.args.get("sent") == "1" and discussion.link_sent_at is not None,
    ), status


@bp.post("/discussions/<int:discussion_id>/hand-over")
@login_required
def hand_over(discussion_id: int) -> Response:
    """Lock this browser to one discussion and sign staff out: coming back needs a sign-in."""
    discussion = load(discussion_id)
    audit.record("hand-over", discussion)
    end_session(current_user.session_id)
    discussion.handed_back_at = None
    kiosk.lock_to(discussion.token)
    return redirect(page_left(discussion))


def page_left(discussion: Discussion) -> str:
    """The patient's page a handed-over tablet opens on: the one they left, by its own address
    rather than their link, so that the tablet's history never holds the link."""
    lang, token = discussion.language, discussion.token
    if discussion.current_page == discussions.REVIEW_PAGE:
        return url_for("walkthrough.review", lang=lang, token=token)
    ids = [step.id for step in pack_of(discussion).steps]
    number = ids.index(discussion.current_page) + 1 if discussion.current_page in ids else 1
    return url_for("walkthrough.step", lang=lang, token=token, number=number)


@bp.route("/take-over", methods=["GET", "POST"])
@login_required
def take_over() -> ViewResult:
    typed = request.form.get("code", "")
    error = None
    if request.method == "POST":
        discussion = discussions.find_by_code(typed)
        if discussion is None:
            error = "No discussion has that code. Check it with the patient and try again."
        else:
            audit.record("take-over", discussion)
            return redirect(url_for("staff.record_view", discussion_id=discussion.id))
    return render_template("staff/take_over.html", typed=typed, error=error), (
        400 if error else 200
    )


def pack_of(discussion: Discussion) -> ContentPack:
    # The version the patient was shown, so the record says what they read.
    return content.pack_shown(discussion.procedure, discussion.content_version)


def record_page(
    discussion: Discussion,
    *,
    values: dict[str, str] | None = None,
    result: entries.SaveResult | None = None,
    status: int = 200,
    version: str | int | None = None,
    sign_off_error: str | None = None,
    sign_off_attempted: bool = False,
    saved_before_sign_off: bool = False,
    choices: dict[str, str] | None = None,
    busy: bool = False,
    open_items: list[signed.OpenItem] | None = None,
) -> tuple[str, int]:
    pack = pack_of(discussion)
    definitions = fields.by_name(discussion, pack)
    by_section: dict[str, list[fields.Field]] = {s: [] for s in fields.SECTIONS}
    for definition in definitions.values():
        by_section[definition.section].append(definition)
    locked = discussion.finalised_at is not None
    answers = signed.answers_of_record(discussion)
    shown = values or {name: f.read(discussion) for name, f in definitions.items()}
    items = [i.id for i in pack.readiness_items]
    return render_template(
        "staff/record.html",
        discussion=discussion,
        pack=pack,
        code=discussions.format_code(discussion.code),
        patient_language=summary.language_label(discussion.language),
        fields=definitions,
        section_fields=by_section,
        section_titles=fields.SECTIONS,
        values=shown,
        summary=summary.build(discussion, pack, summary.Copy.CLINICIAN) if locked else None,
        result=result or entries.SaveResult(),
        version=discussion.record_version if version is None else version,
        answers=answers,
        leaning=pack.option_name(answers.leaning) if answers.leaning else None,
        readiness_now=readiness.now(
            discussion, fields.current_values(discussion, pack), answers, items
        ),
        steps_not_seen=[s.title for s in pack.steps if s.id not in set(answers.steps_seen)],
        can_finalise=entries.may_sign_off(current_user.member),
        sign_off_error=sign_off_error,
        sign_off_attempted=sign_off_attempted,
        saved_before_sign_off=saved_before_sign_off,
        choices=choices or {},
        busy=busy,
        open_items=open_items,
        open_items_digest=entries.digest(open_items) if open_items else "",
        **fields.template_helpers(),
    ), status


@bp.get("/discussions/<int:discussion_id>")
@login_required
def record_view(discussion_id: int) -> ViewResult:
    discussion = load(discussion_id)
    audit.record("view", discussion)
    if "version" in request.form and discussion.finalised_at is None:
        # The record form came back unsent (its token expired): show it as typed, still based on
        # the version it was typed over, so saving it again cannot overwrite someone else's save.
        stored = fields.stored_values(discussion, pack_of(discussion))
        values = entries.submitted_values(
            request.form, stored, fields.by_name(discussion, pack_of(discussion))
        )
        return record_page(discussion, values=values, version=request.form["version"])
    return record_page(discussion)


def save_from_form(discussion: Discussion) -> entries.SaveResult:
    """Save what the record form sent; abort 400 on a form no page of ours sends."""
    try:
        based_on = int(request.form.get("version", "-1"))
    except ValueError:
        abort(400)
    result = entries.save(
        discussion, pack_of(discussion), request.form, based_on, author=current_user.name
    )
    if result.changed:
        audit.record(
            "edit",
            discussion,
            detail=entries.labels(discussion, pack_of(discussion), result.changed),
        )
    return result


@bp.post("/discussions/<int:discussion_id>")
@login_required
def record_save(discussion_id: int) -> ViewResult:
    discussion = load(discussion_id)
    pack = pack_of(discussion)
    autosave = request.headers.get("X-Autosave") == "1"
    try:
        result = save_from_form(discussion)
    except entries.RecordLocked:
        if autosave:
            return jsonify(saved=False, locked=True), 409  # type: ignore[return-value]
        return record_page(discussion, status=409)
    except entries.RecordBusy:
        return record_busy(discussion, autosave)
    if autosave:
        if result.refused_as_stale:
            # The script must not take this version: its form does not show what was saved.
            # It posts the form as it is instead, and the page that comes back shows both.
            return jsonify(saved=False, conflict=True), 409  # type: ignore[return-value]
        status = 422 if result.errors else 200
        return jsonify(  # type: ignore[return-value]
            saved=not result.errors, errors=result.errors, version=discussion.record_version
        ), status
    if result.refused_as_stale or result.errors:
        return refused_save(discussion, pack, result)
    return redirect(url_for("staff.record_view", discussion_id=discussion.id, saved=1))


def refused_save(
    discussion: Discussion, pack: ContentPack, result: entries.SaveResult, **kw: Any
) -> tuple[str, int]:
    """The form again, nothing saved: as typed, with what the other person saved meanwhile taken
    in where only they changed it, and a choice for each field both changed."""
    values = entries.submitted_values(
        request.form, fields.stored_values(discussion, pack), fields.by_name(discussion, pack)
    )
    values |= {name: c.theirs for name, c in result.taken.items()}
    status = 409 if result.refused_as_stale else 400
    if not result.refused_as_stale:
        # Still resolving a conflict: keep asking about the same fields, on the same version.
        kept = entries.resolving(request.form, values)
        result.conflicts = {
            name: entries.Conflict(fields.stored_values(discussion, pack)[name], values[name], "")
            for name in kept
        }
        kw.setdefault("choices", {n: request.form.get(f"keep-{n}", "") for n in kept})
    return record_page(discussion, values=values, result=result, status=status, **kw)


def record_busy(discussion: Discussion, autosave: bool) -> ViewResult:
    """Saves kept arriving at the same instant: nothing is saved, the form stays as typed."""
    if autosave:
        return jsonify(saved=False, busy=True), 409  # type: ignore[return-value]
    pack = pack_of(discussion)
    values = entries.submitted_values(
        request.form, fields.stored_values(discussion, pack), fields.by_name(discussion, pack)
    )
    return record_page(
        discussion,
        values=values,
        status=409,
        version=request.form.get("version", ""),
        busy=True,
    )


SIGN_OFF_UNTICKED = "Tick the box to confirm the record is complete, then sign off again."


@bp.post("/discussions/<int:discussion_id>/finalise")
@role_required(*entries.SIGNING_ROLES)
def finalise(discussion_id: int) -> ViewResult:
    """Sign off: first save what the form holds, so nothing typed just before is lost; sign off
    only when all of it saved and the box is ticked, and otherwise say why on the page. With
    items still open, the page lists them and asks for a second, explicit acknowledgement."""
    discussion = load(discussion_id)
    if discussion.finalised_at is not None:
        return redirect(url_for("staff.record_view", discussion_id=discussion.id))
    pack = pack_of(discussion)
    saved = False
    if "version" in request.form:
        try:
            result = save_from_form(discussion)
        except entries.RecordBusy:
            return record_busy(discussion, autosave=False)
        if result.refused_as_stale or result.errors:
            return refused_save(discussion, pack, result, sign_off_attempted=True)
        saved = bool(result.changed)
    if request.form.get("confirm") != "yes":
        return record_page(
            discussion, status=400, sign_off_error=SIGN_OFF_UNTICKED, saved_before_sign_off=saved
        )
    try:
        entries.finalise(
            discussion,
            pack,
            current_user.member,
            current_user.name,
            current_user.role,
            acknowledged=request.form.get("acknowledge_open", ""),
        )
    except entries.OpenItemsNotAcknowledged as refused:
        return record_page(
            discussion,
            status=400,
            saved_before_sign_off=saved,
            open_items=refused.items,
            sign_off_attempted=True,
        )
    except entries.RecordBusy:
        return record_busy(discussion, autosave=False)
    audit.record("finalise", discussion, detail=f"{len(open_items_signed(discussion))} open")
    return redirect(url_for("staff.record_view", discussion_id=discussion.id, finalised=1))


def open_items_signed(discussion: Discussion) -> tuple[signed.OpenItem, ...]:
    snapshot = signed.snapshot_of(discussion)
    return snapshot.open_items if snapshot is not None else ()


@bp.route("/discussions/<int:discussion_id>/amend", methods=["GET", "POST"])
@login_required
def amend(discussion_id: int) -> ViewResult:
    """Amend one entry of a signed-off record, with the control the form uses for it."""
    discussion = load(discussion_id)
    if discussion.finalised_at is None:
        abort(409)
    pack = pack_of(discussion)
    definitions = fields.by_name(discussion, pack)
    name = request.values.get("field", "")
    if name not in definitions:
        abort(404)
    definition = definitions[name]
    current = fields.current_values(discussion, pack)[name]
    errors: dict[str, str] = {}
    after, reason = current, ""
    if request.method == "POST":
        after = request.form.get(name, "")
        reason = request.form.get("reason", "")
        try:
            based_on = int(request.form.get("version", ""))
        except ValueError:
            abort(400)
        try:
            errors = entries.amend(
                discussion, pack, current_user.member, name, after, reason, based_on=based_on
            )
        except entries.NotSignedOff:
            abort(409)
        if not errors:
            audit.record("amend", discussion, detail=definition.label[:200])
            return redirect(
                url_for("staff.record_view", discussion_id=discussion.id, amended=1)
                + f"#{definition.section}-section"
            )
    return render_template(
        "staff/amend.html",
        discussion=discussion,
        code=discussions.format_code(discussion.code),
        field=definition,
        entry=summary.build(discussion, pack, summary.Copy.CLINICIAN).entries[name],
        after=after,
        reason=reason,
        version=discussion.record_version,
        reason_limit=entries.REASON_LIMIT,
        errors=errors,
        **fields.template_helpers(),
    ), (409 if "version" in errors else 400 if errors else 200)


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_trail() -> ViewResult:
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(500)).all()
    staff = {m.id: m.email for m in db.session.scalars(select(StaffMember))}
    return render_template("staff/audit.html", events=events, staff=staff)


def summary_for(discussion_id: int) -> tuple[Discussion, summary.Summary]:
    discussion = load(discussion_id)
    copy = request.args.get("copy", summary.Copy.CLINICIAN)
    if copy not in summary.COPIES:
        abort(404)
    large = copy == summary.Copy.PATIENT and request.args.get("size") == "large"
    return discussion, summary.build(discussion, pack_of(discussion), copy, large_print=large)


@bp.get("/discussions/<int:discussion_id>/summary")
@login_required
def summary_page(discussion_id: int) -> ViewResult:
    discussion, data = summary_for(discussion_id)
    audit.record("view", discussion, detail=f"summary {data.copy}")
    return render_template(
        "staff/summary.html",
        discussion=discussion,
        summary=data,
        body=render.record_body_html(data),
    )


@bp.get("/discussions/<int:discussion_id>/record.pdf")
@login_required
def summary_pdf(discussion_id: int) -> Response:
    from ..record import pdf  # WeasyPrint is slow to import: only where a PDF is made

    discussion, data = summary_for(discussion_id)
    body = pdf.render_record(data, discussion.id, discussion.record_version)
    audit.record(
        "print",
        discussion,
        detail=f"pdf {data.copy}" + (" large print" if data.large_print else ""),
    )
    # send_file writes the name as RFC 6266 asks: an ASCII fallback and filename*=UTF-8''...,
    # so a label in any script downloads (a raw non-Latin-1 header gets no response at all).
    return download(body, "application/pdf", render.filename(data))


def download(body: bytes, mimetype: str, name: str) -> Response:
    """A record's file to save, never kept by a browser or a proxy: named as RFC 6266 asks."""
    response = send_file(
        io.BytesIO(body),
        mimetype=mimetype,
        as_attachment=True,
        download_name=name,
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/discussions/<int:discussion_id>/export.json")
@login_required
def export_json(discussion_id: int) -> Response:
    """The record as data, for filing in the patient's health record."""
    discussion = load(discussion_id)
    body = export.export(discussion, pack_of(discussion))
    audit.record("export", discussion)
    name = render.download_name(
        discussions.format_code(discussion.code), discussion.patient_label or "", "", "json"
    )
    return download(body.encode(), "application/json", name)


@bp.get("/discussions/<int:discussion_id>/fhir")
@login_required
def fhir_document(discussion_id: int) -> Response:
    """A signed record as a FHIR R4 document for the patient's health record, with the
    clinician's PDF inside it. A draft is refused: only what was signed goes to a health record."""
    from ..record import fhir_composition, pdf  # WeasyPrint is slow to import: only where needed

    discussion = load(discussion_id)
    if discussion.finalised_at is None:
        return fhir_refused(
            "This record is a draft: sign it off before sending it to the patient's health record."
        )
    pack = pack_of(discussion)
    copy = summary.build(discussion, pack, "clinician")
    body = pdf.render_record(copy, discussion.id, discussion.record_version)
    document = fhir_composition.document(discussion, pack, body)
    audit.record("export", discussion, detail="fhir")
    response = current_app.response_class(
        json.dumps(document, ensure_ascii=False, indent=2), mimetype=fhir.MEDIA_TYPE
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="discussion-record-{copy.code}.fhir.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def fhir_refused(message: str) -> Response:
    """A refusal an EPR reads (an OperationOutcome) and a person reads (its diagnostics)."""
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "business-rule", "diagnostics": message}],
    }
    response = current_app.response_class(json.dumps(outcome), status=409, mimetype=fhir.MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response
