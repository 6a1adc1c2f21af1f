"""The patient's readiness (SURE) as it stands: the latest answers, from wherever they were given.

The patient answers the four questions in the guide; staff record them again before and after the
discussion. Whichever complete set was given last is the patient's readiness now: a patient who
answered "yes" to all four in the guide after staff recorded "not ready" is ready, and the record
and the dashboard say so, with the time. A set half answered counts only when no set is complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..models import Discussion, Phase
from .signed import PatientAnswers

# Where a set of answers was given, as the record names it.
PLACES = {
    Phase.WALKTHROUGH: "in the guide",
    Phase.BEFORE: "before the discussion",
    Phase.AFTER: "after the discussion",
}
STAFF_PHASES = (Phase.BEFORE, Phase.AFTER)


@dataclass(frozen=True)
class Readiness:
    answers: Mapping[str, str]
    place: Phase
    at: dt.datetime | None
    total: int

    @property
    def complete(self) -> bool:
        return len(self.answers) == self.total

    @property
    def no(self) -> int:
        return sum(1 for answer in self.answers.values() if answer == "no")

    @property
    def ready(self) -> bool:
        return self.complete and not self.no

    def words(self) -> str:
        """The readiness for staff: what was answered, where and when."""
        where = PLACES[self.place]
        when = f", {self.at:%d %b %Y %H:%M} UTC" if self.at else ""
        if not self.answers:
            return "Readiness check not answered yet"
        if self.no:
            return f"Not ready yet: answered no to {self.no} of {self.total} {where}{when}"
        if not self.complete:
            return f"Readiness check not finished {where}{when}"
        return f"Ready: answered yes to all {self.total} {where}{when}"


def latest(
    item_ids: Sequence[str],
    sets: Mapping[Phase, tuple[Mapping[str, str], dt.datetime | None]],
) -> Readiness:
    """The latest complete set of answers (or, with none complete, the latest set begun)."""
    total = len(item_ids)
    found = [
        Readiness({i: a[i] for i in item_ids if a.get(i)}, place, at, total)
        for place, (a, at) in sets.items()
    ]
    began = [r for r in found if r.answers]
    complete = [r for r in began if r.complete]
    pool = complete or began
    if not pool:
        return Readiness({}, Phase.WALKTHROUGH, None, total)
    oldest = dt.datetime.min
    return max(pool, key=lambda r: (r.at or oldest, r.place != Phase.WALKTHROUGH))


def staff_sets(
    discussion: Discussion, values: Mapping[str, str], item_ids: Sequence[str]
) -> dict[Phase, tuple[dict[str, str], dt.datetime | None]]:
    """What staff recorded before and after the discussion, as the record holds it (`values`,
    amendments applied), each with the time it was last given or amended."""
    found: dict[Phase, tuple[dict[str, str], dt.datetime | None]] = {}
    for phase in STAFF_PHASES:
        answers = {i: values.get(f"ready-{phase}-{i}", "") for i in item_ids}
        times = [a.answered_at for a in discussion.readiness_answers if a.phase == phase]
        times += [a.at for a in discussion.amendments if a.field.startswith(f"ready-{phase}-")]
        found[phase] = (
            {i: v for i, v in answers.items() if v},
            max((t for t in times if t is not None), default=None),
        )
    return found


def live(discussion: Discussion, item_ids: Sequence[str]) -> Readiness:
    """The readiness as it stands now, from the stored answers (for the dashboard): the patient's
    latest answers in the guide, or staff's before and after the discussion, amended or not."""
    values = {
        f"ready-{a.phase}-{a.item_id}": a.answer
        for a in discussion.readiness_answers
        if a.phase != Phase.WALKTHROUGH
    }
    values |= {a.field: a.after for a in discussion.amendments if a.field.startswith("ready-")}
    sets = staff_sets(discussion, values, item_ids)
    in_guide = [a for a in discussion.readiness_answers if a.phase == Phase.WALKTHROUGH]
    times = [a.answered_at for a in in_guide if a.answered_at is not None]
    sets[Phase.WALKTHROUGH] = ({a.item_id: a.answer for a in in_guide}, max(times, default=None))
    return latest(item_ids, sets)


def parse_time(text: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def now(
    discussion: Discussion,
    values: Mapping[str, str],
    answers: PatientAnswers,
    item_ids: Sequence[str],
) -> Readiness:
    """The readiness the record shows: the latest set from the guide (`answers`) or from staff."""
    sets = staff_sets(discussion, values, item_ids)
    sets[Phase.WALKTHROUGH] = (dict(answers.readiness), parse_time(answers.readiness_at))
    return latest(item_ids, sets)
