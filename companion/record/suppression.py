"""Small numbers kept out of published figures, so that no count points at a patient.

A count of 1 to 4 is never shown: it reads "fewer than 5". Zero is shown (it points at nobody).
Hiding one cell is not enough where the others of a sum are shown: a total less its shown parts
gives the hidden one back. So, for every sum the figures hold (a quarter is its months, a period
its months, a breakdown its base), a sum with exactly one hidden cell has one more withheld, the
smallest shown part that is not zero, until no hidden cell can be worked out from a single sum.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

SMALL = 5
FEWER = f"fewer than {SMALL}"
WITHHELD = "withheld"

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Sum(Generic[Key]):
    """One relation the figures hold: `total` is the sum of `parts`."""

    total: Key
    parts: Sequence[Key]


def suppress(counts: Mapping[Key, int], sums: Iterable[Sum[Key]]) -> dict[Key, str]:
    """The cells not to show, each with what to show instead."""
    hidden: dict[Key, str] = {k: FEWER for k, n in counts.items() if 0 < n < SMALL}
    relations = [s for s in sums if s.parts]
    changed = True
    while changed:
        changed = False
        for relation in relations:
            cells = [relation.total, *relation.parts]
            if sum(1 for cell in cells if cell in hidden) != 1:
                continue
            shown = [cell for cell in relation.parts if cell not in hidden and counts.get(cell)]
            if not shown and relation.total not in hidden and counts.get(relation.total):
                shown = [relation.total]
            if shown:
                hidden[min(shown, key=lambda cell: counts.get(cell, 0))] = WITHHELD
                changed = True
    return hidden
