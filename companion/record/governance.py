"""Figures for clinical governance across discussions: counts, rates and dates, never a patient.

NICE allows this procedure only with special arrangements for consent, clinical governance and
audit. Here a governance lead reads, by month or quarter for a chosen period and content version,
what happened across discussions. Each discussion counts in the month it was started. What a
record says is read through its one definition (`fields.current_values`, the signed snapshot,
`readiness`), so a figure here agrees with the records it counts; the page and the CSV both read
one `Report`, so they cannot disagree with each other. Counts of 1 to 4, and any count from which
one could be worked out, are not shown (`suppression`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..content import ContentPack
from ..models import Discussion, Phase
from . import fields as defs
from . import readiness, signed
from .governance_groups import Group, groups_for
from .suppression import FEWER, Sum, suppress

Key = tuple[str, str, str]  # (group, category, bucket)
MAX_MONTHS = 36
STARTED, FINISHED, SIGNED, SIGNED_OPEN, CHANGED = (
    "started",
    "finished",
    "signed-off",
    "signed-off-open",
    "changed-after",
)


@dataclass(frozen=True)
class Period:
    """From the first month to the last, both whole, and the content version ("" for all)."""

    first: dt.date
    last: dt.date
    version: str = ""

    @property
    def months(self) -> list[dt.date]:
        found, month = [], self.first
        while month <= self.last:
            found.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return found

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period."""
        after = (self.last + dt.timedelta(days=32)).replace(day=1)
        return dt.datetime.combine(after, dt.time())

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time())


@dataclass(frozen=True)
class Bucket:
    """A month, a quarter (within the period) or the whole period."""

    key: str
    label: str
    kind: str
    months: tuple[str, ...]


def buckets(period: Period) -> list[Bucket]:
    months = period.months
    found = [Bucket(f"{m:%Y-%m}", f"{m:%b %Y}", "month", (f"{m:%Y-%m}",)) for m in months]
    quarters: dict[str, list[dt.date]] = {}
    for m in months:
        quarters.setdefault(f"{m.year}-Q{(m.month - 1) // 3 + 1}", []).append(m)
    for key, inside in quarters.items():
        span = f"{inside[0]:%b}" + (f"–{inside[-1]:%b}" if len(inside) > 1 else "")
        label = f"{key[-2:]} {inside[0].year} ({span})"
        found.append(Bucket(key, label, "quarter", tuple(f"{m:%Y-%m}" for m in inside)))
    whole = f"{months[0]:%b %Y} to {months[-1]:%b %Y}"
    found.append(Bucket("period", whole, "period", tuple(f"{m:%Y-%m}" for m in months)))
    return found


@dataclass(frozen=True)
class Facts:
    """What one discussion adds to the figures: no identifier, no date but its month."""

    month: str
    language: str
    finished: bool
    signed_off: bool = False
    open_kinds: frozenset[str] = frozenset()
    decision: str = ""
    leaning: str = ""
    ready_before: str = ""
    ready_after: str = ""
    interpreter: str = ""
    days_to_sign_off: float | None = None
    change_kinds: frozenset[str] = frozenset()
    amended: tuple[str, ...] = ()
    open_arrangements: frozenset[str] = frozenset()


def readiness_words(ready: readiness.Readiness) -> str:
    if ready.ready:
        return "ready"
    return "not-ready" if ready.no else "not-finished"


def amended_label(definition: defs.Field) -> str:
    """A field as the governance view names it: its label, a question's by what it is of (never
    the patient's words, which a question's `about` holds)."""
    if definition.section != "questions":
        return definition.label
    part = definition.name.rsplit("-", 1)[-1]
    return f"{defs.SECTIONS['questions']}: " + {
        "gloss": "English gloss",
        "answer": "answer given",
        "status": "status",
    }.get(part, part)


def facts_of(discussion: Discussion, pack: ContentPack) -> Facts:
    base = Facts(
        month=f"{discussion.created_at:%Y-%m}",
        language=discussion.language,
        finished=discussion.finished_at is not None,
    )
    if discussion.finalised_at is None:
        return base
    all_fields = defs.fields(discussion, pack)
    by_name = {f.name: f for f in all_fields}
    values = defs.current_values(discussion, pack)
    answers = signed.answers_of_record(discussion)
    snapshot = signed.snapshot_of(discussion)
    items = [i.id for i in pack.readiness_items]
    staff = readiness.staff_sets(discussion, values, items)
    guide = (dict(answers.readiness), readiness.parse_time(answers.readiness_at))
    before = readiness.latest(items, {Phase.WALKTHROUGH: guide, Phase.BEFORE: staff[Phase.BEFORE]})
    after = readiness.latest(items, {Phase.AFTER: staff[Phase.AFTER]})
    taken = discussion.finalised_at - discussion.created_at
    return Facts(
        month=base.month,
        language=base.language,
        finished=base.finished,
        signed_off=True,
        open_kinds=frozenset(i.kind for i in snapshot.open_items) if snapshot else frozenset(),
        decision=values.get("decision", ""),
        leaning=answers.leaning,
        ready_before=readiness_words(before),
        ready_after=readiness_words(after),
        interpreter=values.get("interpreter", ""),
        days_to_sign_off=taken.total_seconds() / 86400,
        change_kinds=frozenset(c.kind for c in discussion.changes_after_sign_off),
        amended=tuple(
            amended_label(by_name[a.field]) for a in discussion.amendments if a.field in by_name
        ),
        open_arrangements=frozenset(
            f.label for f in defs.arrangements(all_fields) if defs.still_open(f, values[f.name])
        ),
    )


def categories_of(facts: Facts) -> dict[str, Iterable[str]]:
    """The categories one discussion counts in, by group."""
    activity = [STARTED]
    activity += [FINISHED] if facts.finished else []
    if not facts.signed_off:
        return {"activity": activity, "language": [facts.language]}
    activity += [SIGNED] + ([SIGNED_OPEN] if facts.open_kinds else [])
    activity += [CHANGED] if facts.change_kinds else []
    interpreter = facts.interpreter
    return {
        "activity": activity,
        "language": [facts.language],
        "open-kinds": facts.open_kinds,
        "decision": [facts.decision],
        "leaning": [facts.leaning],
        "leaning-decision": [f"{facts.leaning}|{facts.decision}"],
        "readiness-before": [facts.ready_before],
        "readiness-after": [facts.ready_after],
        "interpreter": [interpreter],
        "interpreted-by": [
            "professional"
            if interpreter in defs.PROFESSIONAL_INTERPRETER
            else "informal"
            if interpreter in defs.INFORMAL_INTERPRETER
            else "none"
        ],
        "changes-after": facts.change_kinds,
        "amendments": facts.amended,
        "arrangements": facts.open_arrangements,
    }


@dataclass(frozen=True)
class Report:
    """Every figure for a period: each count by (group, category, bucket), which are hidden and
    what shows instead, the median time to sign-off by bucket, and the rates."""

    period: Period
    buckets: tuple[Bucket, ...]
    groups: tuple[Group, ...]
    counts: Mapping[Key, int]
    hidden: Mapping[Key, str]
    medians: Mapping[str, str] = field(default_factory=dict)

    @property
    def period_words(self) -> str:
        version = f", content version {self.period.version}" if self.period.version else ""
        return f"{self.period.first:%b %Y} to {self.period.last:%b %Y}{version}"

    def group(self, key: str) -> Group:
        return next(g for g in self.groups if g.key == key)

    def of_kind(self, kind: str) -> list[Bucket]:
        return [b for b in self.buckets if b.kind == kind]

    def value(self, group: str, category: str, bucket: str) -> int | None:
        """The count, or None where it is not shown."""
        key = (group, category, bucket)
        return None if key in self.hidden else self.counts.get(key, 0)

    def shown(self, group: str, category: str, bucket: str) -> str:
        key = (group, category, bucket)
        return self.hidden.get(key) or str(self.counts.get(key, 0))

    def rate(self, part: str, whole: str, bucket: str) -> str:
        """A percentage of two activity counts, only where both are shown."""
        top, bottom = (self.value("activity", c, bucket) for c in (part, whole))
        if top is None or bottom is None:
            return "not shown"
        return f"{round(100 * top / bottom)}%" if bottom else "–"


RATES = (
    ("Finished by the patient, % of started", FINISHED, STARTED),
    ("Signed off, % of started", SIGNED, STARTED),
    ("Signed off with items open, % of signed off", SIGNED_OPEN, SIGNED),
)


def report(period: Period, discussions: Iterable[tuple[Discussion, ContentPack]]) -> Report:
    """The figures for these discussions (each with the pack version it was shown)."""
    all_buckets = buckets(period)
    in_month: dict[str, list[str]] = {}
    for bucket in all_buckets:
        for month in bucket.months:
            in_month.setdefault(month, []).append(bucket.key)
    counts: dict[Key, int] = {}
    days: dict[str, list[float]] = {}
    packs: dict[str, ContentPack] = {}
    languages: set[str] = set()
    for discussion, pack in discussions:
        packs[pack.content_version] = pack
        facts = facts_of(discussion, pack)
        languages.add(facts.language)
        for bucket_key in in_month.get(facts.month, []):
            if facts.days_to_sign_off is not None:
                days.setdefault(bucket_key, []).append(facts.days_to_sign_off)
            for group, categories in categories_of(facts).items():
                for category in categories:
                    key = (group, category, bucket_key)
                    counts[key] = counts.get(key, 0) + 1
    groups = groups_for(list(packs.values()), languages, counts)
    return Report(
        period=period,
        buckets=tuple(all_buckets),
        groups=tuple(groups),
        counts=counts,
        hidden=suppress(counts, sums(groups, all_buckets)),
        medians={b.key: median_words(days.get(b.key, [])) for b in all_buckets},
    )


def median_words(days: Sequence[float]) -> str:
    """The median in days, only over enough records that it describes no one patient."""
    if len(days) == 0:
        return "–"
    if len(days) < 5:
        return f"not shown ({FEWER} signed off)"
    return f"{statistics.median(days):.1f}"


def sums(groups: Sequence[Group], all_buckets: Sequence[Bucket]) -> list[Sum[Key]]:
    """Every sum the figures hold, so that no hidden count can be worked out from one of them."""
    found: list[Sum[Key]] = []
    months = [b for b in all_buckets if b.kind == "month"]
    for group in groups:
        for category, _label in group.categories:
            for bucket in all_buckets:
                if bucket.kind != "month":
                    parts = [(group.key, category, m.key) for m in months if m.key in bucket.months]
                    found.append(Sum((group.key, category, bucket.key), parts))
        for bucket in all_buckets:
            if group.base:
                parts = [(group.key, c, bucket.key) for c, _label in group.categories]
                found.append(Sum(("activity", group.base, bucket.key), parts))
            for total, parts_of in group.sums_within:
                found.append(
                    Sum(
                        (total[0], total[1], bucket.key),
                        [(g, c, bucket.key) for g, c in parts_of],
                    )
                )
    return found
