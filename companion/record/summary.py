"""A discussion as plain data: what both copies show on screen and in the PDF, and nothing else.

The clinician's copy is built in English; the patient's copy in the patient's language, with text
staff wrote (in English) marked as English. Every recorded value comes from the record's field
definitions (`fields`) at its value in force, with its amendments beside it, so the screen, the
PDF and the export can never disagree with each other or with the form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from babel import Locale
from babel.dates import format_date, format_datetime
from markupsafe import Markup

from .. import nhs_number
from ..content import ContentPack
from ..i18n import Language, _, content_text, in_language, interface_gettext, languages
from ..models import Amendment, ChangeAfterSignOff, Discussion
from ..web.free_text import isolated
from . import fields as defs
from . import readiness, signed
from .fields import Field
from .signed import OpenItem

STATUS_ORDER = {"needs-consultant": 0, "not-discussed": 1, "answered": 2}


class Copy(StrEnum):
    """Who a copy of the record is for: the clinician (English) or the patient (their language)."""

    CLINICIAN = "clinician"
    PATIENT = "patient"


COPIES = tuple(copy.value for copy in Copy)


@dataclass(frozen=True)
class Words:
    """Text with the language it is written in, so that it is marked up and shaped right."""

    text: str
    lang: str
    dir: str = "ltr"


@dataclass(frozen=True)
class Note:
    """One amendment of one value, as the copy's reader reads it."""

    before: Markup | str
    reason: str
    author: str
    at: dt.datetime
    when: str


@dataclass(frozen=True)
class Entry:
    """A recorded value in force, in the copy's words, with what it was before each amendment."""

    name: str
    label: Markup | str
    value: Markup | str
    raw: str
    # "en" where the value is text staff typed; the copy's language where it is a choice's label.
    lang: str
    notes: tuple[Note, ...] = ()
    # Free text typed by staff (shown isolated), rather than a choice's label or a figure.
    free: bool = False

    @property
    def amended(self) -> bool:
        return bool(self.notes)

    def __bool__(self) -> bool:
        return bool(self.raw)


@dataclass(frozen=True)
class QuestionRow:
    question: Words
    from_guide: bool
    gloss: Entry | None
    answer: Entry
    status: Entry


@dataclass(frozen=True)
class RiskRow:
    name: Markup
    discussed: Entry
    figure: Entry
    source: Entry
    matters_to_patient: bool

    @property
    def count(self) -> int | None:
        return int(self.figure.raw) if self.figure.raw.isdigit() else None


@dataclass(frozen=True)
class ReadinessRow:
    question: Markup
    walkthrough: str
    before: Entry
    after: Entry


@dataclass(frozen=True)
class AmendmentRow:
    field: str
    before: str
    after: str
    reason: str
    author: str
    at: dt.datetime


@dataclass(frozen=True)
class LaterChange:
    """Something the patient changed in the guide after sign-off, as the copy's reader reads it."""

    what: Markup | str
    before: Words | None
    after: Words | None
    when: str


# What changed, and how it read before and after.
Changed = tuple[Markup | str, Words | None, Words | None]


@dataclass(frozen=True)
class FirstPage:
    """What a clinician acts on, in a box at the top of the first page."""

    decision: Entry
    unanswered: list[Words]
    readiness_flag: str
    not_ready: bool
    concerns: list[Markup]
    interpreter: Entry
    language: str
    open_arrangements: list[str]
    # What was still open when the record was signed off, acknowledged by the person signing.
    open_at_sign_off: list[OpenItem] = field(default_factory=list)
    # The patient's readiness since sign-off, where they changed it after the record was signed.
    readiness_since: str = ""


@dataclass
class Summary:
    copy: str
    lang: str
    dir: str
    is_demo: bool
    large_print: bool
    patient_label: str
    code: str
    procedure: Markup
    content_version: str
    sources: list[tuple[Markup, str]]
    walkthrough_language: Words
    language_label: str
    steps_seen: list[Markup]
    # Named, not only counted: a skipped "Possible risks" must stand out.
    steps_not_seen: list[Markup]
    steps_total: int
    started: dt.datetime
    finalised: bool
    finalised_by: str
    finalised_at: dt.datetime | None
    signed_off_sentence: Markup | str
    first_page: FirstPage
    questions: list[QuestionRow]
    values: list[tuple[Markup, Markup | str]]
    values_note: Words | None
    concerns: list[Markup]
    risks: list[RiskRow]
    benefits: list[tuple[Markup, Entry]]
    options: list[tuple[Markup, Entry]]
    entries: dict[str, Entry]
    interpreter_warning: bool
    readiness: list[ReadinessRow]
    arrangements: list[Entry]
    amendments: list[AmendmentRow] = field(default_factory=list)
    about: list[Markup] = field(default_factory=list)
    review_due: dt.date | None = None
    published: dt.date | None = None
    published_text: str = ""
    review_due_text: str = ""
    # The option the patient leant towards in the walkthrough, and why (content 2.0.0 onwards).
    leaning: Markup | None = None
    leaning_reason: Words | None = None
    changes_after_sign_off: list[LaterChange] = field(default_factory=list)
    # Whether an adverse event was reported to the MHRA (Yellow Card), and the report's reference.
    yellow_card: list[Entry] = field(default_factory=list)
    # The patient's NHS number as printed (943 476 5919): on the clinician's copy only.
    nhs_number: str = ""

    @property
    def title(self) -> str:
        return f"Consent discussion record {self.code}"


def language_label(code: str) -> str:
    """A patient's language for staff: its English name, and its own name beside it."""
    language = languages().get(code)
    if language is None:
        return code
    english = str(Locale.parse(language.locale).get_language_name("en"))
    return english if language.name == english else f"{english} ({language.name})"


def build(
    discussion: Discussion,
    pack: ContentPack,
    copy: str,
    *,
    is_demo: bool = False,
    large_print: bool = False,
) -> Summary:
    """The summary for one copy: "clinician" (English) or "patient" (the patient's language)."""
    language = languages().get(discussion.language) or languages()["en"]
    reader = language.code if copy == Copy.PATIENT else "en"
    with in_language(reader) as current:
        return _Builder(discussion, pack, copy, current, language).summary(is_demo, large_print)


class _Builder:
    """Builds one copy: each section is one small method over the record's field definitions."""

    def __init__(
        self,
        discussion: Discussion,
        pack: ContentPack,
        copy: str,
        reader: Language,
        patient_language: Language,
    ) -> None:
        self.discussion = discussion
        self.pack = pack
        self.copy = copy
        self.patient = copy == Copy.PATIENT
        self.reader = reader
        self.patient_language = patient_language
        self.fields = {f.name: f for f in defs.fields(discussion, pack)}
        self.values = defs.current_values(discussion, pack)
        self.history = defs.changes(discussion)
        self.entries = {name: self.entry(name) for name in self.fields}
        # The patient's answers as signed (or as they stand in a draft): never changed under a
        # signature by what the patient does afterwards.
        self.answers = signed.answers_of_record(discussion)

    # ---- values in the copy's words -----------------------------------------------------------

    def words_for(self, definition: Field, value: str) -> tuple[Markup | str, str]:
        """A value as this copy's reader reads it, and the language it is written in."""
        vocabulary = definition.vocabulary
        if vocabulary is not None:
            if not self.patient:
                return vocabulary.staff(value), "en"
            msgid = vocabulary.patient(value)
            if msgid:
                return interface_gettext(msgid), self.reader.code
            # A choice the patient's copy does not word for them: staff's label, marked English.
            return (vocabulary.staff(value) if value else ""), "en"
        if definition.control == "number":
            if not self.patient:
                return definition.staff_value(value), "en"
            if not value:
                return "–", self.reader.code
            return _("About %(count)s in 100 people", count=value), self.reader.code
        return value, "en"

    def when(self, at: dt.datetime) -> str:
        if self.patient:
            return str(format_datetime(at, "d MMM y, HH:mm", locale=self.reader.locale))
        return f"{at:%d %b %Y %H:%M} UTC"

    def note(self, definition: Field, amendment: Amendment) -> Note:
        before, _lang = self.words_for(definition, amendment.before)
        return Note(
            before=before,
            reason=amendment.reason,
            author=amendment.author,
            at=amendment.at,
            when=self.when(amendment.at),
        )

    def entry(self, name: str) -> Entry:
        definition = self.fields[name]
        value = self.values[name]
        shown, lang = self.words_for(definition, value)
        label: Markup | str = definition.label
        if self.patient and definition.patient_label:
            label = interface_gettext(definition.patient_label)
        return Entry(
            name=name,
            label=label,
            value=shown,
            raw=value,
            lang=lang,
            notes=tuple(self.note(definition, a) for a in self.history.get(name, [])),
            free=definition.vocabulary is None and definition.control in ("text", "line"),
        )

    # ---- sections ------------------------------------------------------------------------------

    def questions(self) -> list[QuestionRow]:
        prompts = {q.id: q for q in self.pack.questions}
        rows = [
            QuestionRow(
                question=Words(
                    content_text(prompts[m].text).striptags(),
                    self.reader.code,
                    self.reader.dir,
                ),
                from_guide=True,
                gloss=None,
                answer=self.entries[f"nq-{m}-answer"],
                status=self.entries[f"nq-{m}-status"],
            )
            for m in self.answers.asked
            if m in prompts
        ]
        for number, own in enumerate(self.answers.own_questions, start=1):
            key = defs.question_key(own, number)
            own_language = languages().get(own.language) or languages()["en"]
            rows.append(
                QuestionRow(
                    question=Words(own.text, own.language, own_language.dir),
                    from_guide=False,
                    gloss=self.entries[f"{key}-gloss"],
                    answer=self.entries[f"{key}-answer"],
                    status=self.entries[f"{key}-status"],
                )
            )
        # Unanswered first: what still needs doing is what the reader must see.
        rows.sort(key=lambda q: STATUS_ORDER.get(q.status.raw, 1))
        return rows

    def concerns(self) -> list[Markup]:
        marked = set(self.answers.concerns)
        return [content_text(r.name) for r in self.pack.risks if r.id in marked]

    def risks(self) -> list[RiskRow]:
        marked = set(self.answers.concerns)
        return [
            RiskRow(
                name=content_text(r.name),
                discussed=self.entries[f"risk-{r.id}-discussed"],
                figure=self.entries[f"risk-{r.id}-figure"],
                source=self.entries[f"risk-{r.id}-source"],
                matters_to_patient=r.id in marked,
            )
            for r in self.pack.risks
        ]

    def discussed(self, kind: str) -> list[tuple[Markup, Entry]]:
        choices = self.pack.benefits if kind == "benefit" else self.pack.options
        return [(content_text(c.name), self.entries[f"{kind}-{c.id}-discussed"]) for c in choices]

    def walkthrough_answers(self) -> dict[str, str]:
        return dict(self.answers.readiness)

    def readiness(self) -> list[ReadinessRow]:
        answers = self.walkthrough_answers()
        readiness = defs.READINESS
        return [
            ReadinessRow(
                question=content_text(item.text),
                walkthrough=readiness.staff(answers.get(item.id, "")),
                before=self.entries[f"ready-before-{item.id}"],
                after=self.entries[f"ready-after-{item.id}"],
            )
            for item in self.pack.readiness_items
        ]

    def values_rated(self) -> list[tuple[Markup, Markup | str]]:
        ratings = self.answers.ratings
        rating = defs.VALUE_RATING
        return [
            (
                content_text(s.text),
                interface_gettext(rating.patient(ratings.get(s.id, "")))
                if self.patient
                else rating.staff(ratings.get(s.id, "")),
            )
            for s in self.pack.value_statements
        ]

    def first_page(self, questions: list[QuestionRow]) -> FirstPage:
        items = [i.id for i in self.pack.readiness_items]
        ready = readiness.now(self.discussion, self.values, self.answers, items)
        since = ""
        if self.discussion.finalised_at is not None and any(
            c.kind == "readiness" for c in self.discussion.changes_after_sign_off
        ):
            later = readiness.now(
                self.discussion, self.values, signed.answers_now(self.discussion), items
            )
            since = later.words()
        snapshot = signed.snapshot_of(self.discussion)
        return FirstPage(
            decision=self.entries["decision"],
            unanswered=[q.question for q in questions if q.status.raw != "answered"],
            readiness_flag=ready.words(),
            not_ready=not ready.ready,
            concerns=self.concerns(),
            interpreter=self.entries["interpreter"],
            language=language_label(self.patient_language.code),
            open_arrangements=[
                f.open_label or f.label
                for f in defs.arrangements(self.fields.values())
                if defs.still_open(f, self.values[f.name])
            ],
            open_at_sign_off=list(snapshot.open_items) if snapshot is not None else [],
            readiness_since=since,
        )

    def later_changes(self) -> list[LaterChange]:
        """What the patient changed after sign-off, oldest first, in the copy's words."""
        return [self.later_change(c) for c in self.discussion.changes_after_sign_off]

    def later_change(self, change: ChangeAfterSignOff) -> LaterChange:
        if change.kind == "leaning":
            what, before, after = self._leaning_changed(change)
        elif change.kind in ("leaning_reason", "values_note", "own_question"):
            what, before, after = self._words_changed(change)
        elif change.kind == "rating":
            what, before, after = self._rating_changed(change)
        elif change.kind == "readiness":
            what, before, after = self._readiness_changed(change)
        else:
            what, before, after = self._mark_changed(change)
        return LaterChange(what, before, after, self.when(change.at))

    def _word(self, msgid: str) -> Markup | str:
        """An interface word: translated in the patient's copy, as written in the clinician's."""
        return interface_gettext(msgid) if self.patient else msgid

    def _choice(self, text: Markup | str) -> Words | None:
        return Words(str(text), self.reader.code, self.reader.dir) if text else None

    def _leaning_changed(self, change: ChangeAfterSignOff) -> Changed:
        what = self._word("Which way you were leaning") if self.patient else "Leaning in the guide"
        before, after = (
            self._choice(content_text(self.pack.option_name(v) or v) if v else "")
            for v in (change.before, change.after)
        )
        return what, before, after

    def _words_changed(self, change: ChangeAfterSignOff) -> Changed:
        """A change to something the patient wrote, shown in their language and direction."""
        patient, word = self.patient, self._word
        what = {
            "leaning_reason": word("Why") if patient else "Their reason for that leaning",
            "values_note": word("Anything else that matters to you")
            if patient
            else "What else matters to them, in their words",
            "own_question": word("Your question") if patient else "Their own question",
        }[change.kind]
        language = languages().get(change.language) or self.patient_language
        before, after = (
            Words(text, language.code, language.dir) if text else None
            for text in (change.before, change.after)
        )
        return what, before, after

    def _rating_changed(self, change: ChangeAfterSignOff) -> Changed:
        statements = self.pack.value_statements
        statement = next((s for s in statements if s.id == change.item), None)
        rating = defs.VALUE_RATING
        before, after = (
            self._choice(interface_gettext(rating.patient(v)) if self.patient else rating.staff(v))
            if v
            else None
            for v in (change.before, change.after)
        )
        return content_text(statement.text) if statement else change.item, before, after

    def _readiness_changed(self, change: ChangeAfterSignOff) -> Changed:
        items = self.pack.readiness_items
        item = next((i for i in items if i.id == change.item), None)
        before, after = (
            self._choice(self._word("Yes") if v == "yes" else self._word("No")) if v else None
            for v in (change.before, change.after)
        )
        return content_text(item.text) if item else change.item, before, after

    def _mark_changed(self, change: ChangeAfterSignOff) -> Changed:
        """A question of the guide marked to ask, or a risk marked as mattering most."""
        pack, patient, word = self.pack, self.patient, self._word
        if change.kind == "asked":
            prompt = next((q for q in pack.questions if q.id == change.item), None)
            label = word("I want to ask about this") if patient else "Wants to ask"
            what = Markup("%s: %s") % (label, content_text(prompt.text) if prompt else change.item)
        else:
            risk = next((r for r in pack.risks if r.id == change.item), None)
            label = word("Risks that worry you most") if patient else "Risk that matters most"
            what = Markup("%s: %s") % (label, content_text(risk.name) if risk else change.item)
        before, after = (
            self._choice(word("Yes") if v else word("No")) for v in (change.before, change.after)
        )
        return what, before, after

    def arrangements(self) -> list[Entry]:
        """NICE's arrangements ticked as done or not (the Yellow Card report has its own list)."""
        return [
            self.entries[f.name] for f in self.fields.values() if f.vocabulary is defs.ARRANGEMENT
        ]

    def yellow_card(self) -> list[Entry]:
        return [self.entries[name] for name in ("yellow_card", "yellow_card_reference")]

    def amendments(self) -> list[AmendmentRow]:
        rows = []
        for a in self.discussion.amendments:
            definition = self.fields.get(a.field)
            if definition is None:
                continue
            rows.append(
                AmendmentRow(
                    field=definition.label,
                    before=definition.staff_value(a.before) or "(empty)",
                    after=definition.staff_value(a.after) or "(empty)",
                    reason=a.reason,
                    author=a.author,
                    at=a.at,
                )
            )
        return rows

    def signed_off_sentence(self) -> Markup | str:
        d = self.discussion
        if d.finalised_at is None:
            return ""
        who = f"{d.finalised_by} ({d.finalised_role})"
        if self.patient:
            return _(
                "Signed off on %(date)s by %(name)s.",
                date=str(format_date(d.finalised_at, "long", locale=self.reader.locale)),
                name=isolated(who, "en"),
            )
        return Markup("Signed off by %s, %s UTC") % (
            isolated(who),
            f"{d.finalised_at:%d %b %Y %H:%M}",
        )

    def in_patients_words(self, text: str) -> Words | None:
        """Something the patient wrote in the guide, in their language and its direction."""
        return Words(text, self.discussion.language, self.patient_language.dir) if text else None

    def about_the_guide(self) -> list[Markup]:
        keys = ("made_by", "not_nice", "funding", "update_policy")
        return [content_text(self.pack.about[k].text) for k in keys]

    def summary(self, is_demo: bool, large_print: bool) -> Summary:
        d, pack = self.discussion, self.pack
        questions = self.questions()
        answers = self.answers
        seen = set(answers.steps_seen)
        locale = self.reader.locale
        leaning = pack.option_name(answers.leaning) if answers.leaning else None
        return Summary(
            copy=self.copy,
            lang=self.reader.code,
            dir=self.reader.dir,
            is_demo=is_demo,
            large_print=large_print,
            patient_label=d.patient_label or "",
            code=f"{d.code[:4]}-{d.code[4:]}",
            procedure=content_text(pack.title),
            content_version=pack.content_version,
            sources=[(content_text(s.label), s.citation) for s in pack.sources],
            walkthrough_language=Words(
                self.patient_language.name, self.patient_language.code, self.patient_language.dir
            ),
            language_label=language_label(self.patient_language.code),
            steps_seen=[content_text(s.title) for s in pack.steps if s.id in seen],
            steps_not_seen=[content_text(s.title) for s in pack.steps if s.id not in seen],
            steps_total=len(pack.steps),
            started=d.created_at,
            finalised=d.finalised_at is not None,
            finalised_by=f"{d.finalised_by} ({d.finalised_role})" if d.finalised_at else "",
            finalised_at=d.finalised_at,
            signed_off_sentence=self.signed_off_sentence(),
            first_page=self.first_page(questions),
            questions=questions,
            values=self.values_rated(),
            values_note=self.in_patients_words(answers.values_note),
            concerns=self.concerns(),
            risks=self.risks(),
            benefits=self.discussed("benefit"),
            options=self.discussed("option"),
            entries=self.entries,
            interpreter_warning=self.values["interpreter"] in ("family", "child"),
            readiness=self.readiness(),
            arrangements=self.arrangements(),
            amendments=self.amendments(),
            about=self.about_the_guide(),
            review_due=pack.review_due,
            published=pack.published,
            leaning=content_text(leaning) if leaning else None,
            leaning_reason=self.in_patients_words(answers.leaning_reason),
            changes_after_sign_off=self.later_changes(),
            yellow_card=self.yellow_card(),
            nhs_number=nhs_number.formatted(d.nhs_number)
            if d.nhs_number and not self.patient
            else "",
            published_text=str(format_date(pack.published, "long", locale=locale)),
            review_due_text=str(format_date(pack.review_due, "long", locale=locale)),
        )
