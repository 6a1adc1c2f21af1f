"""A rich, fictional discussion for training, translators and checks: built in memory only.

`flask --app app demo-record --lang LANG --copy clinician|patient --out FILE.pdf` renders it
without touching a database or needing a running server.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .content import ContentPack, packs
from .discussions import REVIEW_PAGE
from .i18n import english_name, languages
from .models import (
    Discussion,
    PatientQuestion,
    Phase,
    QuestionToAsk,
    ReadinessAnswer,
    RecordItem,
    RiskConcern,
    StepVisit,
    ValueRating,
)
from .record.summary import COPIES, Copy, build

QUESTIONS = Path(__file__).parent / "data" / "demo-questions"


def demo_questions(lang: str) -> tuple[list[str], str]:
    """The demonstration questions in lang, or in English (and said to be English) if none."""
    file = QUESTIONS / f"{lang}.txt"
    if not file.exists():
        file, lang = QUESTIONS / "en.txt", "en"
    lines = file.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()], lang


def demo_discussion(pack: ContentPack, lang: str, *, finalised: bool = False) -> Discussion:
    """A discussion that exercises every section of the record; nothing here is a real person."""
    started = dt.datetime(2026, 11, 20, 10, 30)
    questions, written_in = demo_questions(lang)
    discussion = Discussion(
        token="demo",  # noqa: S106 - a fictional record that never reaches the database
        code="DEMO4679",
        procedure=pack.id,
        language=lang,
        patient_label="DEMO-01",
        started_by="staff",
        created_at=started,
        updated_at=started,
        expires_at=started + dt.timedelta(days=30),
        values_note=questions[2] if len(questions) > 2 else "",
        draft_question="",
        interpreter="phone",
        interpreter_language=english_name(languages()[lang]),
        interpreter_id="INT-20417",
        supporter_present="yes",
        supporter_relationship="Daughter",
        teach_back_pump="A small pump helps my heart while they open the arteries.",
        teach_back_risks="Bleeding, damage to the artery, damage to blood cells or the heart.",
        teach_back_say_no="I can have other treatment, and I can change my mind.",
        teach_back_rating="clear",
        decision="more-time",
        next_steps="Talk with family at home. Nurse to phone on Monday 23 November at 10:00.",
        written_information_given=True,
        mdt_selected=True,
        bcis_database=True,
        governance_informed=False,
        finalised_at=started + dt.timedelta(hours=2) if finalised else None,
        finalised_by="Dr A Demo" if finalised else "",
        finalised_role="clinician" if finalised else "",
        # The demo patient read every step and said they had finished.
        current_page=REVIEW_PAGE,
        finished_at=started + dt.timedelta(minutes=40),
    )
    discussion.step_visits = [StepVisit(step_id=s.id) for s in pack.steps]
    discussion.questions_to_ask = demo_guide_questions(pack)
    discussion.patient_questions = demo_own_questions(questions, written_in)
    discussion.value_ratings = [
        ValueRating(statement_id=s.id, rating=r)
        for s, r in zip(
            pack.value_statements,
            ["a-lot", "not-sure", "a-lot", "a-little", "a-lot"],
            strict=False,
        )
    ]
    discussion.risk_concerns = [RiskConcern(risk_id="bleeding")]
    discussion.record_items = demo_record_items(pack)
    discussion.readiness_answers = demo_readiness(pack)
    return discussion


def demo_guide_questions(pack: ContentPack) -> list[QuestionToAsk]:
    """Two of the guide's questions marked: one answered, one left for the consultant."""
    marked = [q.id for q in pack.questions][1:3]
    return [
        QuestionToAsk(
            question_id=marked[0],
            answer="Explained the outcomes NICE lists, and that the evidence is limited.",
            status="answered",
        ),
        QuestionToAsk(question_id=marked[1], answer="", status="needs-consultant"),
    ]


def demo_own_questions(questions: list[str], written_in: str) -> list[PatientQuestion]:
    """The patient's own questions in their language, with staff's gloss, answer and status."""
    statuses = [
        (
            "Will it hurt?",
            "Local anaesthetic numbs the groin; some pressure is normal.",
            "answered",
        ),
        ("How long in hospital?", "", "not-discussed"),
        (
            "Can daughter stay?",
            "Yes, in the waiting area; she can see you on the ward afterwards.",
            "answered",
        ),
    ]
    return [
        PatientQuestion(
            text=text,
            language=written_in,
            gloss=gloss if written_in != "en" else "",
            answer=answer,
            status=status,
        )
        for text, (gloss, answer, status) in zip(questions, statuses, strict=False)
    ]


def demo_record_items(pack: ContentPack) -> list[RecordItem]:
    """Every risk and option discussed, two risks with a figure, three benefits."""
    figures = {
        "bleeding": (3, "Hospital audit 2025, demonstration figure"),
        "vascular-damage": (2, "Hospital audit 2025, demonstration figure"),
    }
    return (
        [
            RecordItem(
                kind="risk",
                item_id=r.id,
                discussed=True,
                figure=figures.get(r.id, (None, ""))[0],
                figure_source=figures.get(r.id, (None, ""))[1],
            )
            for r in pack.risks
        ]
        + [
            RecordItem(kind="benefit", item_id=b.id, discussed=True, figure=None, figure_source="")
            for b in pack.benefits[:3]
        ]
        + [
            RecordItem(kind="option", item_id=o.id, discussed=True, figure=None, figure_source="")
            for o in pack.options
        ]
    )


def demo_readiness(pack: ContentPack) -> list[ReadinessAnswer]:
    """Readiness in the guide, before and after the discussion: "y" is yes, "n" no."""
    items = [i.id for i in pack.readiness_items]
    return [
        ReadinessAnswer(phase=phase, item_id=item, answer=answer)
        for phase, answers in (
            (Phase.WALKTHROUGH, "nyyn"),
            (Phase.BEFORE, "nyyy"),
            (Phase.AFTER, "yyyy"),
        )
        for item, answer in zip(items, ["yes" if a == "y" else "no" for a in answers], strict=True)
    ]


@click.command("demo-record")
@with_appcontext
@click.option(
    "--lang", "lang", default="en", help="The patient's language code, e.g. ur or zh-Hans."
)
@click.option("--copy", type=click.Choice(COPIES), default=Copy.CLINICIAN.value)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--finalised", is_flag=True, help="Render the signed-off record instead of the draft."
)
def demo_record_command(lang: str, copy: str, out: Path, finalised: bool) -> None:
    """Render the demonstration record as a PDF, without a database or a server."""
    from .record import pdf  # WeasyPrint is slow to import: only when this command runs

    if lang not in languages():
        raise click.BadParameter(f"choose one of {', '.join(languages())}", param_hint="--lang")
    pack = next(iter(packs().values()))
    with current_app.test_request_context("/"):
        summary = build(demo_discussion(pack, lang, finalised=finalised), pack, copy, is_demo=True)
        out.write_bytes(pdf.render(summary))
    click.echo(f"Wrote {out} ({out.stat().st_size} bytes)")
