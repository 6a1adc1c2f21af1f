"""One definition per record field and per vocabulary: every output of the record reads these.

A vocabulary is a closed list of choices, each with the label staff read (English) and the label
the patient reads (a message id, translated when the patient's copy is built). A field is one thing
the record holds, named as the form names it (``decision``, ``risk-bleeding-figure``): its label,
the control that edits it, its vocabulary or its limit, and how it is read from and written to the
database. The form, a conflict between two editors, an amendment, both copies (screen and PDF) and
the export all go through `fields()` and `current_values()`, so a new field or a new choice is one
change here and shows up everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from .. import nhs_number
from ..content import ContentPack
from ..discussions import answer_readiness
from ..i18n import N_
from ..models import Amendment, Discussion, PatientQuestion, Phase, QuestionToAsk, RecordItem
from ..web import free_text
from ..web.free_text import Refusal
from . import signed

# The longest text any free-text field of the record keeps. Shorter fields take their limit from
# the database column that stores them (see `column_limit`), so each limit is stated once.
TEXT_LIMIT = 4000
# A figure "in 100 people" as staff type it: one to three of the digits 0-9.
WHOLE_NUMBER = re.compile(r"[0-9]{1,3}")

Control = Literal["text", "line", "radios", "select", "checkbox", "number"]


@dataclass(frozen=True)
class Choice:
    """One choice: its stored code, the label staff read, and (where the patient's copy shows it)
    the message id of the label the patient reads."""

    value: str
    staff: str
    patient: str = ""
    # Kept so that older records read as they were recorded, but no longer offered as a choice.
    retired: bool = False


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of choices. "" is the value of a choice not yet made."""

    name: str
    choices: tuple[Choice, ...]
    empty_staff: str = "Not recorded"
    empty_patient: str = ""

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def staff(self, value: str) -> str:
        return next((c.staff for c in self.choices if c.value == value), self.empty_staff)

    def patient(self, value: str) -> str:
        """The message id of the patient's label ("" where the patient's copy never shows it);
        translate it with the i18n functions where it is shown."""
        return next((c.patient for c in self.choices if c.value == value), self.empty_patient)


INTERPRETER = Vocabulary(
    "interpreter",
    (
        Choice("in-person", "Professional interpreter, in person"),
        Choice("phone", "Professional interpreter, by phone"),
        Choice("video", "Professional interpreter, by video"),
        Choice("family", "A family member or friend interpreted"),
        Choice("child", "A child interpreted"),
        Choice("none-needed", "None needed"),
        Choice("declined", "Offered and declined by the patient"),
    ),
)
YES_NO = Vocabulary("yes-no", (Choice("yes", "Yes", N_("Yes")), Choice("no", "No", N_("No"))))
TEACH_BACK_RATING = Vocabulary(
    "teach-back-rating",
    (
        Choice("clear", "Explained clearly in their own words"),
        Choice("partly", "Partly: went over it again"),
        Choice("not-yet", "Not yet: needs more support"),
    ),
)
# The decision names the option chosen; each option's code is the option's id in the content
# pack, so the record can set the patient's leaning in the guide beside it.
DECISION = Vocabulary(
    "decision",
    (
        Choice(
            "planned-pump",
            "Go ahead: PCI with a planned heart pump",
            N_("You chose PCI with a planned heart pump"),
        ),
        Choice(
            "no-support",
            "Go ahead: PCI with no planned support device",
            N_("You chose PCI with no planned support device"),
        ),
        Choice(
            "balloon-pump",
            "Go ahead: PCI with a planned balloon pump",
            N_("You chose PCI with a planned balloon pump"),
        ),
        Choice("no-pci", "Not to have PCI", N_("You chose not to have PCI")),
        Choice("more-time", "Wants more time", N_("You want more time")),
        Choice("undecided", "Undecided", N_("You have not decided yet")),
        Choice("declined", "Does not want the procedure", N_("You do not want the procedure")),
        # Recorded before the decision named the option: a decision to go ahead, option unknown.
        Choice(
            "go-ahead",
            "Wants to go ahead (option not recorded)",
            N_("You want to go ahead"),
            retired=True,
        ),
    ),
)
EMERGENCY_SUPPORT = Vocabulary(
    "emergency-support",
    (
        Choice(
            "would-accept",
            "Would accept an emergency support device if the heart struggles",
            N_("You would accept an emergency support device"),
        ),
        Choice(
            "would-not",
            "Would not want an emergency support device",
            N_("You would not want an emergency support device"),
        ),
        Choice(
            "undecided",
            "Not decided yet: to talk about again",
            N_("You have not decided yet"),
        ),
        Choice(
            "planned",
            "Does not apply: a support device is planned",
            N_("Does not apply: a support device is planned"),
        ),
    ),
)
QUESTION_STATUS = Vocabulary(
    "question-status",
    (
        Choice("answered", "Answered", N_("Answered")),
        Choice("needs-consultant", "Needs the consultant", N_("Your consultant will answer this")),
        Choice("not-discussed", "Not discussed", N_("Not talked about yet")),
    ),
)
READINESS = Vocabulary(
    "readiness",
    (Choice("yes", "Yes", N_("Yes")), Choice("no", "No", N_("No"))),
    empty_staff="Not asked",
)
DISCUSSED = Vocabulary(
    "discussed",
    (Choice("yes", "Discussed"),),
    empty_staff="Not discussed",
)
ARRANGEMENT = Vocabulary(
    "arrangement",
    (Choice("yes", "Done"),),
    empty_staff="Still open",
)
# Whether an adverse event or a problem with the device was reported to the MHRA's Yellow Card
# scheme, as NICE's arrangements for this procedure ask.
YELLOW_CARD = Vocabulary(
    "yellow-card",
    (
        Choice("yes", "Yes"),
        Choice("no", "No"),
        Choice("not-applicable", "Not applicable: no adverse event or device problem"),
    ),
)
YELLOW_CARD_URL = "https://yellowcard.mhra.gov.uk/"
# Who interpreted: a professional, or someone close to the patient (which consent should avoid).
PROFESSIONAL_INTERPRETER = ("in-person", "phone", "video")
INFORMAL_INTERPRETER = ("family", "child")
# The patient's own answers in the guide: shown in the record, never edited by staff.
VALUE_RATING = Vocabulary(
    "value-rating",
    (
        Choice("a-lot", "Matters a lot", N_("Matters a lot")),
        Choice("a-little", "Matters a little", N_("Matters a little")),
        Choice("not-much", "Does not matter much", N_("Does not matter much")),
        Choice("not-sure", "Not sure", N_("Not sure")),
    ),
    empty_staff="Not answered",
    empty_patient=N_("Not answered"),
)
VOCABULARIES = (
    INTERPRETER,
    YES_NO,
    TEACH_BACK_RATING,
    DECISION,
    QUESTION_STATUS,
    READINESS,
    DISCUSSED,
    ARRANGEMENT,
    VALUE_RATING,
    EMERGENCY_SUPPORT,
    YELLOW_CARD,
)

# Sections of the record, in the order the form and the clinician's copy show them.
SECTIONS = {
    "questions": "The patient's questions",
    "risks": "Risks discussed",
    "benefits": "Benefits discussed",
    "options": "Alternatives discussed",
    "interpreter": "Interpreter and support",
    "teach-back": "Teach-back",
    "readiness": "Readiness check (SURE)",
    "decision": "Decision and next steps",
    "arrangements": "NICE's special arrangements",
}


def column_limit(column: object) -> int:
    """The length of the column a field is stored in, or the text limit for unbounded text."""
    length = getattr(getattr(column, "type", None), "length", None)
    return min(length, TEXT_LIMIT) if length else TEXT_LIMIT


@dataclass(frozen=True)
class Field:
    """One thing the record holds, as the form names it, with how it is read, written, checked."""

    name: str
    label: str
    section: str
    control: Control
    read: Callable[[Discussion], str]
    write: Callable[[Discussion, str], None]
    vocabulary: Vocabulary | None = None
    limit: int | None = None
    hint: str = ""
    # What the field is about (a question, a risk), for a label that stands on its own.
    about: str = ""
    patient_label: str = ""
    lang: str = "en"
    # How the field reads in a list of what is still open, where that differs from its label.
    open_label: str = ""

    def staff_value(self, value: str) -> str:
        """The value as staff read it: a choice's label, or the text as typed."""
        if self.vocabulary is not None:
            return self.vocabulary.staff(value)
        if self.control == "number":
            return f"{value} in 100 people" if value else "Not recorded"
        return value

    def check(self, value: str) -> str | None:
        """What is wrong with value for this field, naming the field; None when it can be saved."""
        if self.vocabulary is not None:
            allowed = self.vocabulary.values
            if value and value not in allowed:
                return f"{self.label}: choose one of the options."
            if not value and self.control == "radios" and self.vocabulary is QUESTION_STATUS:
                return f"{self.label}: choose one of the options."
            return None
        if self.control == "number":
            # Only the digits 0-9: str.isdigit() also takes "¹" and "①", which int() refuses,
            # and a number in another script is refused rather than read as one it resembles.
            if value and (not WHOLE_NUMBER.fullmatch(value) or not 0 <= int(value) <= 100):
                return (
                    f"{self.label}: enter a whole number from 0 to 100 in the digits 0 to 9,"
                    " the number in 100 people."
                )
            return None
        limit = self.limit or TEXT_LIMIT
        return refusal_message(self.label, free_text.check(value, limit), value, limit)


# What free_text.check refused, as staff read it: after the field's label, and formatted with
# the length typed and the field's limit.
REFUSALS = {
    Refusal.TOO_LONG: "this is {length:,} characters long; keep it to {limit:,} or fewer.",
    Refusal.CONTROL: "this contains control characters that cannot be saved; remove them.",
    Refusal.LINE_BREAK: "write it on one line.",
    Refusal.BIDI: "this contains hidden characters that change the order of the text"
    " (bidi controls); remove them.",
    Refusal.INVISIBLE: "this has no visible letters or numbers; type the text, or leave the"
    " box empty.",
    Refusal.NUMBERS: "this has a hidden direction mark between numbers, which shows them in a"
    " different order from how they were typed; type the numbers again without it.",
}


def refusal_message(label: str, refusal: Refusal | None, text: str, limit: int) -> str | None:
    """What free_text.check refused in text typed into a field, in English, naming the field;
    None when it refused nothing."""
    if refusal is None:
        return None
    return f"{label}: " + REFUSALS[refusal].format(length=len(text), limit=limit)


def _attribute(name: str) -> tuple[Callable[[Discussion], str], Callable[[Discussion, str], None]]:
    def read(discussion: Discussion) -> str:
        return str(getattr(discussion, name) or "")

    def write(discussion: Discussion, value: str) -> None:
        setattr(discussion, name, value)

    return read, write


def _flag(name: str) -> tuple[Callable[[Discussion], str], Callable[[Discussion, str], None]]:
    def read(discussion: Discussion) -> str:
        return "yes" if getattr(discussion, name) else ""

    def write(discussion: Discussion, value: str) -> None:
        setattr(discussion, name, value == "yes")

    return read, write


def _discussion_field(name: str, label: str, section: str, control: Control, **kw: object) -> Field:
    read, write = _flag(name) if control == "checkbox" else _attribute(name)
    if control in ("text", "line") and "limit" not in kw:
        kw["limit"] = column_limit(getattr(Discussion, name))
    return Field(name, label, section, control, read, write, **kw)  # type: ignore[arg-type]


# Fields every discussion has, in the order the form shows them.
FIXED_FIELDS = (
    _discussion_field(
        "interpreter", "Interpreter", "interpreter", "radios", vocabulary=INTERPRETER
    ),
    _discussion_field("interpreter_language", "Interpreter's language", "interpreter", "line"),
    _discussion_field("interpreter_id", "Interpreter ID", "interpreter", "line"),
    _discussion_field(
        "supporter_present", "Was a supporter present?", "interpreter", "radios", vocabulary=YES_NO
    ),
    _discussion_field("supporter_relationship", "Who supported the patient", "interpreter", "line"),
    _discussion_field(
        "teach_back_pump", "What the pump does, in the patient's words", "teach-back", "text"
    ),
    _discussion_field(
        "teach_back_risks", "The main risks, in the patient's words", "teach-back", "text"
    ),
    _discussion_field(
        "teach_back_say_no",
        "What happens if they say no, in the patient's words",
        "teach-back",
        "text",
    ),
    _discussion_field(
        "teach_back_rating",
        "How well the patient explained it back",
        "teach-back",
        "radios",
        vocabulary=TEACH_BACK_RATING,
    ),
    _discussion_field(
        "decision",
        "The patient's decision",
        "decision",
        "radios",
        vocabulary=DECISION,
        patient_label=N_("Your decision"),
    ),
    _discussion_field(
        "emergency_support",
        "If the heart struggles during a PCI with no planned pump",
        "decision",
        "radios",
        vocabulary=EMERGENCY_SUPPORT,
        # Translators: on the patient's copy of the record, before what they want if their
        # heart struggles during the procedure (an emergency heart pump or balloon pump).
        patient_label=N_("If your heart struggles during the PCI"),
    ),
    _discussion_field(
        "emergency_support_note",
        "What was said about emergency support",
        "decision",
        "text",
    ),
    _discussion_field(
        "next_steps", "Next steps", "decision", "text", patient_label=N_("What happens next")
    ),
    _discussion_field(
        "written_information_given",
        "Clear written information given (this guide or NICE's)",
        "arrangements",
        "checkbox",
        vocabulary=ARRANGEMENT,
    ),
    _discussion_field(
        "mdt_selected",
        "Selected for the procedure by the multidisciplinary team",
        "arrangements",
        "checkbox",
        vocabulary=ARRANGEMENT,
    ),
    _discussion_field(
        "bcis_database",
        "Details to be entered in the BCIS PCI database",
        "arrangements",
        "checkbox",
        vocabulary=ARRANGEMENT,
    ),
    _discussion_field(
        "governance_informed",
        "Clinical governance leads informed",
        "arrangements",
        "checkbox",
        vocabulary=ARRANGEMENT,
    ),
    _discussion_field(
        "yellow_card",
        "Adverse event reported to the MHRA (Yellow Card)",
        "arrangements",
        "radios",
        vocabulary=YELLOW_CARD,
        open_label="Adverse event not yet reported to the MHRA (Yellow Card)",
    ),
    _discussion_field("yellow_card_reference", "Yellow Card reference", "arrangements", "line"),
)


def still_open(definition: Field, value: str) -> bool:
    """Whether one of NICE's arrangements is still to do: a box not ticked, or an adverse event
    not yet reported to the MHRA."""
    if definition.vocabulary is ARRANGEMENT:
        return value != "yes"
    if definition.vocabulary is YELLOW_CARD:
        return value == "no"
    return False


def arrangements(all_fields: Iterable[Field]) -> list[Field]:
    """NICE's arrangements that can be still open, in the order the record shows them."""
    return [f for f in all_fields if f.vocabulary in (ARRANGEMENT, YELLOW_CARD)]


def _on(
    obj: PatientQuestion | QuestionToAsk | RecordItem, name: str
) -> tuple[Callable[[Discussion], str], Callable[[Discussion, str], None]]:
    def read(_discussion: Discussion) -> str:
        return str(getattr(obj, name) or "")

    def write(_discussion: Discussion, value: str) -> None:
        setattr(obj, name, value)

    return read, write


def _item(
    discussion: Discussion, items: dict[tuple[str, str], RecordItem], kind: str, item_id: str
) -> RecordItem:
    """The stored row of a risk, benefit or option, added (not yet discussed) if there is none."""
    existing = items.get((kind, item_id))
    if existing is None:
        existing = RecordItem(kind=kind, item_id=item_id, discussed=False, figure=None)
        existing.figure_source = ""
        discussion.record_items.append(existing)
        items[(kind, item_id)] = existing
    return existing


def question_key(question: PatientQuestion | signed.OwnQuestion, number: int) -> str:
    """The form's name for a patient's own question (a demonstration one has no id yet)."""
    return f"q-{question.id if question.id is not None else f'new{number}'}"


def _question_fields(
    key: str,
    label: str,
    question: PatientQuestion | QuestionToAsk,
    about: str,
    lang: str = "en",
) -> list[Field]:
    """A question's fields: an English gloss for the patient's own words, the answer given and
    whether it was answered."""
    gloss = (
        [
            Field(
                f"{key}-gloss",
                f"{label}: English gloss",
                "questions",
                "line",
                *_on(question, "gloss"),
                limit=TEXT_LIMIT,
                about=about,
                lang=lang,
            )
        ]
        if isinstance(question, PatientQuestion)
        else []
    )
    return [
        *gloss,
        Field(
            f"{key}-answer",
            f"{label}: answer given",
            "questions",
            "text",
            *_on(question, "answer"),
            limit=TEXT_LIMIT,
            about=about,
            lang=lang,
        ),
        Field(
            f"{key}-status",
            f"{label}: status",
            "questions",
            "radios",
            *_on(question, "status"),
            vocabulary=QUESTION_STATUS,
            about=about,
            lang=lang,
        ),
    ]


def fields(discussion: Discussion, pack: ContentPack) -> list[Field]:
    """Every field this discussion's record holds, in the order the form shows them. A signed
    record's fields are those it held when signed, read from what was signed."""
    snapshot = signed.snapshot_of(discussion)
    if snapshot is None:
        return _fields(discussion, pack, discussion.questions_to_ask, discussion.patient_questions)
    answers = snapshot.answers
    frozen = [
        replace(f, read=_signed_value(snapshot, f.name), write=_unwritable)
        for f in _fields(
            discussion,
            pack,
            [QuestionToAsk(question_id=q) for q in answers.asked],
            [
                PatientQuestion(id=q.id, text=q.text, language=q.language)
                for q in answers.own_questions
            ],
        )
    ]
    return frozen


def _signed_value(snapshot: signed.Snapshot, name: str) -> Callable[[Discussion], str]:
    return lambda _discussion: snapshot.values.get(name, "")


def _unwritable(_discussion: Discussion, _value: str) -> None:
    raise TypeError("a signed record is changed by amendment, never written over")


def _fields(
    discussion: Discussion,
    pack: ContentPack,
    asked: Sequence[QuestionToAsk],
    own_questions: Sequence[PatientQuestion],
) -> list[Field]:
    result: list[Field] = []
    prompts = {q.id: q.text for q in pack.questions}
    for number, marked in enumerate(asked, start=1):
        about = prompts.get(marked.question_id, marked.question_id)
        result += _question_fields(
            f"nq-{marked.question_id}", f"Guide question {number}", marked, about
        )
    for number, own in enumerate(own_questions, start=1):
        result += _question_fields(
            question_key(own, number),
            f"The patient's question {number}",
            own,
            own.text,
            own.language,
        )
    items = {(i.kind, i.item_id): i for i in discussion.record_items}
    for kind, section, choices in (
        ("risk", "risks", pack.risks),
        ("benefit", "benefits", pack.benefits),
        ("option", "options", pack.options),
    ):
        for choice in choices:
            result.append(_discussed(items, kind, choice.id, section, choice.name))
            if kind == "risk":
                result.extend(_figure(items, choice.id, choice.name))
    for fixed in FIXED_FIELDS:
        if fixed.name == "decision":
            result.extend(_readiness(pack))
        result.append(fixed)
    return result


def _discussed(
    items: dict[tuple[str, str], RecordItem],
    kind: str,
    item_id: str,
    section: str,
    name: str,
) -> Field:
    def read(_d: Discussion) -> str:
        entry = items.get((kind, item_id))
        return "yes" if entry is not None and entry.discussed else ""

    def write(d: Discussion, value: str) -> None:
        _item(d, items, kind, item_id).discussed = value == "yes"

    return Field(
        f"{kind}-{item_id}-discussed",
        f"{name}: discussed",
        section,
        "checkbox",
        read,
        write,
        vocabulary=DISCUSSED,
        about=name,
    )


def _figure(items: dict[tuple[str, str], RecordItem], risk_id: str, name: str) -> list[Field]:
    def read_figure(_d: Discussion) -> str:
        entry = items.get(("risk", risk_id))
        return "" if entry is None or entry.figure is None else str(entry.figure)

    def write_figure(d: Discussion, value: str) -> None:
        _item(d, items, "risk", risk_id).figure = int(value) if value else None

    def read_source(_d: Discussion) -> str:
        entry = items.get(("risk", risk_id))
        return entry.figure_source if entry is not None else ""

    def write_source(d: Discussion, value: str) -> None:
        _item(d, items, "risk", risk_id).figure_source = value

    return [
        Field(
            f"risk-{risk_id}-figure",
            f"{name}: figure given",
            "risks",
            "number",
            read_figure,
            write_figure,
            hint="How many in 100 people",
            about=name,
        ),
        Field(
            f"risk-{risk_id}-source",
            f"{name}: source of the figure",
            "risks",
            "line",
            read_source,
            write_source,
            limit=column_limit(RecordItem.figure_source),
            about=name,
        ),
    ]


def _readiness(pack: ContentPack) -> Iterator[Field]:
    for phase in (Phase.BEFORE, Phase.AFTER):
        when = phase.value
        for item in pack.readiness_items:

            def read(d: Discussion, phase: str = phase, item_id: str = item.id) -> str:
                return next(
                    (
                        a.answer
                        for a in d.readiness_answers
                        if a.phase == phase and a.item_id == item_id
                    ),
                    "",
                )

            def write(
                d: Discussion, value: str, phase: str = phase, item_id: str = item.id
            ) -> None:
                answer_readiness(d, item_id, value or None, phase)

            yield Field(
                f"ready-{phase}-{item.id}",
                f"Readiness {when} the discussion: {item.text}",
                "readiness",
                "select",
                read,
                write,
                vocabulary=READINESS,
                about=item.text,
            )


def question_statuses(discussion: Discussion) -> list[str]:
    """The status in force of each question the patient asked, without reading the pack."""
    amended = {a.field: a.after for a in discussion.amendments}
    statuses = [
        amended.get(f"nq-{m.question_id}-status", m.status) for m in discussion.questions_to_ask
    ]
    statuses += [
        amended.get(f"{question_key(q, n)}-status", q.status)
        for n, q in enumerate(discussion.patient_questions, start=1)
    ]
    return statuses


def vocabulary_options(
    vocabulary: Vocabulary, current: str = ""
) -> list[tuple[str, str, dict[str, str]]]:
    """A vocabulary as the radios macro takes it: a retired choice only where it is the value."""
    return [
        (c.value, c.staff, {}) for c in vocabulary.choices if not c.retired or c.value == current
    ]


def vocabulary_pairs(vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """A vocabulary as the select macro takes it."""
    return [(c.value, c.staff) for c in vocabulary.choices]


def template_helpers() -> dict[str, object]:
    """What the record's templates need to draw any field from its definition."""
    return {
        "vocabulary_options": vocabulary_options,
        "vocabulary_pairs": vocabulary_pairs,
        "question_key": question_key,
        "readiness_vocabulary": READINESS,
        "rating_vocabulary": VALUE_RATING,
        "yellow_card_url": YELLOW_CARD_URL,
        "format_nhs_number": nhs_number.formatted,
    }


def by_name(discussion: Discussion, pack: ContentPack) -> dict[str, Field]:
    return {f.name: f for f in fields(discussion, pack)}


def stored_values(discussion: Discussion, pack: ContentPack) -> dict[str, str]:
    """Every field as stored: what the form edits before sign-off."""
    return {f.name: f.read(discussion) for f in fields(discussion, pack)}


def current_values(discussion: Discussion, pack: ContentPack) -> dict[str, str]:
    """Every field's value in force: as signed off, with each later amendment applied in turn."""
    values = stored_values(discussion, pack)
    for amendment in discussion.amendments:
        if amendment.field in values:
            values[amendment.field] = amendment.after
    return values


def changes(discussion: Discussion) -> dict[str, list[Amendment]]:
    found: dict[str, list[Amendment]] = {}
    for amendment in discussion.amendments:
        found.setdefault(amendment.field, []).append(amendment)
    return found


def check(all_fields: Mapping[str, Field], values: Mapping[str, str]) -> dict[str, str]:
    errors = {}
    for name, value in values.items():
        problem = all_fields[name].check(value)
        if problem:
            errors[name] = problem
    return errors


def apply(
    discussion: Discussion, all_fields: Mapping[str, Field], values: Mapping[str, str]
) -> None:
    for name, value in values.items():
        all_fields[name].write(discussion, value)
