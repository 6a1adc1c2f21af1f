"""The tables of the governance view: what each counts, its categories, and the sums it holds.

Categories come from the record's one definition of each vocabulary (`fields`), the kinds of
open item and of change after sign-off (`signed`), and the content packs; never from free text.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ..content import ContentPack
from ..i18n import languages as all_languages
from . import fields as defs
from . import signed
from .summary import language_label

Cell = tuple[str, str]  # (group, category)

ACTIVITY = (
    ("started", "Discussions started"),
    ("finished", "Finished by the patient in the guide"),
    ("signed-off", "Records signed off"),
    ("signed-off-open", "Signed off with items open"),
    ("changed-after", "Changed by the patient after sign-off"),
)
READINESS = (
    ("ready", "Ready: yes to all four"),
    ("not-ready", "Not ready: no to at least one"),
    ("not-finished", "Not asked, or not finished"),
)
INTERPRETED_BY = (
    ("professional", "A professional interpreter"),
    ("informal", "A family member, friend or child"),
    ("none", "No interpreter (none needed, declined or not recorded)"),
)
OF_SIGNED = "Of the records signed off, as each reads now (amendments included)."


@dataclass(frozen=True)
class Group:
    """One table: its categories (code, label); `base`, the activity count they add up to; and
    other sums inside one bucket, as (group, category) = the sum of (group, category) cells."""

    key: str
    title: str
    about: str
    categories: tuple[Cell, ...]
    base: str = ""
    sums_within: tuple[tuple[Cell, tuple[Cell, ...]], ...] = ()
    # "bars" (the whole period, across), "months" (each row, up), "cross" (a table of two ways).
    chart: str = "bars"


def choices(vocabulary: defs.Vocabulary) -> tuple[Cell, ...]:
    return (*((c.value, c.staff) for c in vocabulary.choices), ("", vocabulary.empty_staff))


def leanings(packs: Sequence[ContentPack]) -> tuple[Cell, ...]:
    """Every option a patient could lean towards in these versions, "not sure", and none."""
    found: dict[str, str] = {}
    for pack in sorted(packs, key=lambda p: p.content_version, reverse=True):
        for option_id in [o.id for o in pack.options] + ["not-sure"]:
            name = pack.option_name(option_id)
            if name and option_id not in found:
                found[option_id] = name
    return (*found.items(), ("", "No leaning given in the guide"))


def cross_sums(
    leaning: Sequence[Cell], decisions: Sequence[Cell]
) -> tuple[tuple[Cell, tuple[Cell, ...]], ...]:
    """Each leaning is its row of the cross table, and each decision its column."""
    rows = [
        (("leaning", lv), tuple(("leaning-decision", f"{lv}|{dv}") for dv, _ in decisions))
        for lv, _ in leaning
    ]
    columns = [
        (("decision", dv), tuple(("leaning-decision", f"{lv}|{dv}") for lv, _ in leaning))
        for dv, _ in decisions
    ]
    return (*rows, *columns)


def groups_for(
    packs: Sequence[ContentPack],
    languages: Collection[str],
    counts: Mapping[tuple[str, str, str], int],
) -> list[Group]:
    """The tables for discussions shown these pack versions, in these languages."""
    return _decision_groups(packs) + _later_groups(languages, counts)


def _decision_groups(packs: Sequence[ContentPack]) -> list[Group]:
    """The tables up to the decision: activity, what was open, decisions and leanings."""
    decisions = choices(defs.DECISION)
    leaning = leanings(packs)
    cross = tuple((f"{lv}|{dv}", f"{ll} / {dl}") for lv, ll in leaning for dv, dl in decisions)
    return [
        Group(
            "activity",
            "Discussions by month",
            "Each discussion counts in the month it was started.",
            ACTIVITY,
            chart="months",
        ),
        Group(
            "open-kinds",
            "Signed off with items open, by kind",
            "Records signed off with at least one item of each kind open (a record can have "
            "several kinds).",
            tuple(signed.OPEN_ITEM_KINDS.items()),
        ),
        Group("decision", "Decisions by option", OF_SIGNED, decisions, base="signed-off"),
        Group(
            "leaning",
            "Leaning in the guide",
            "Of the records signed off: the option the patient leant towards, as signed.",
            leaning,
            base="signed-off",
        ),
        Group(
            "leaning-decision",
            "Leaning in the guide against the decision",
            "Of the records signed off: each leaning (rows) against the decision in force "
            "(columns).",
            cross,
            base="signed-off",
            sums_within=(
                *(
                    (
                        ("leaning", lv),
                        tuple(("leaning-decision", f"{lv}|{dv}") for dv, _ in decisions),
                    )
                    for lv, _ in leaning
                ),
                *(
                    (
                        ("decision", dv),
                        tuple(("leaning-decision", f"{lv}|{dv}") for lv, _ in leaning),
                    )
                    for dv, _ in decisions
                ),
            ),
            chart="cross",
        ),
    ]


def _later_groups(
    languages: Collection[str], counts: Mapping[tuple[str, str, str], int]
) -> list[Group]:
    """The tables after the decisions: readiness, interpreters, languages, what happened after."""
    return [
        *_readiness_groups(),
        *_interpreter_groups(),
        Group(
            "language",
            "The patient's language",
            "Of the discussions started.",
            tuple((code, language_label(code)) for code in all_languages() if code in languages),
            base="started",
        ),
        *_after_sign_off_groups(counts),
    ]


def _readiness_groups() -> list[Group]:
    return [
        Group(
            "readiness-before",
            "Readiness before the discussion",
            "Of the records signed off: the latest complete SURE answers in the guide or "
            "before the discussion.",
            READINESS,
            base="signed-off",
        ),
        Group(
            "readiness-after",
            "Readiness after the discussion",
            "Of the records signed off: the SURE answers recorded after the discussion.",
            READINESS,
            base="signed-off",
        ),
    ]


def _interpreter_groups() -> list[Group]:
    """Interpreter use as recorded, and the same records by who interpreted, whose counts sum
    the recorded choices (so each is suppressed where the other would give it away)."""
    return [
        Group(
            "interpreter", "Interpreter", OF_SIGNED, choices(defs.INTERPRETER), base="signed-off"
        ),
        Group(
            "interpreted-by",
            "Who interpreted",
            OF_SIGNED + " Consent discussions should use a professional interpreter.",
            INTERPRETED_BY,
            base="signed-off",
            sums_within=(
                (
                    ("interpreted-by", "professional"),
                    tuple(("interpreter", v) for v in defs.PROFESSIONAL_INTERPRETER),
                ),
                (
                    ("interpreted-by", "informal"),
                    tuple(("interpreter", v) for v in defs.INFORMAL_INTERPRETER),
                ),
                (
                    ("interpreted-by", "none"),
                    tuple(("interpreter", v) for v in ("none-needed", "declined", "")),
                ),
            ),
        ),
    ]


def _after_sign_off_groups(counts: Mapping[tuple[str, str, str], int]) -> list[Group]:
    """What changed after sign-off, and NICE's arrangements still open."""
    amended = sorted({key[1] for key in counts if key[0] == "amendments"})
    return [
        Group(
            "changes-after",
            "Changes by the patient after sign-off",
            "Records the patient changed in the guide after sign-off, by what they changed.",
            tuple(signed.CHANGE_KINDS.items()),
        ),
        Group(
            "amendments",
            "Amendments by field",
            "Amendments made after sign-off, by the entry amended (each amendment counts).",
            tuple((label, label) for label in amended),
        ),
        Group(
            "arrangements",
            "NICE's arrangements still outstanding",
            "Records signed off where the arrangement is still open now.",
            tuple((f.label, f.open_label or f.label) for f in defs.arrangements(defs.FIXED_FIELDS)),
        ),
    ]
