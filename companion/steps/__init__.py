"""The kinds of walkthrough step, as a registry: one class per kind.

A content pack names each step's kind (`type: values`); the class of that name says what content
the step needs, which template part draws its form, what it reads from the patient's form and
what it keeps. Nothing outside this package compares a step's kind by name: the patient's views
ask `kind_of(step)` and call the same methods whatever the kind.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask

from ..content import ContentPack, ContentPackError, Step, versions_of_every_pack
from .base import HowMany, StepKind
from .kinds import KINDS, Comparison, Information, Leaning, OwnQuestions, Readiness, Values

__all__ = [
    "KINDS",
    "Comparison",
    "HowMany",
    "Information",
    "Leaning",
    "OwnQuestions",
    "Readiness",
    "StepKind",
    "Values",
    "check_pack",
    "init_app",
    "kind_of",
    "step_of",
]


def kind_of(step: Step) -> StepKind:
    return KINDS[step.type]


def step_of(pack: ContentPack, kind: type[StepKind]) -> Step:
    """The pack's step of a kind it has exactly one of (the pack was checked at start-up)."""
    return next(step for step in pack.steps if step.type == kind.name)


def problems(pack: ContentPack) -> Iterator[str]:
    """What makes a pack's steps unusable, each naming the field: "steps[3].type: ..."."""
    for i, step in enumerate(pack.steps):
        kind = KINDS.get(step.type)
        if kind is None:
            yield f"steps[{i}].type: is {step.type!r}, not one of {', '.join(KINDS)}"
            continue
        yield from (f"steps[{i}].{problem}" for problem in kind.content_problems(step))
    for kind in KINDS.values():
        count = sum(step.type == kind.name for step in pack.steps)
        if kind.how_many is HowMany.EXACTLY_ONE and count != 1:
            yield f"steps: must have exactly one step of type {kind.name!r}"
        if kind.how_many is HowMany.AT_MOST_ONE and count > 1:
            yield f"steps: must have at most one step of type {kind.name!r}"
        if count and kind.needs_option_rows and not pack.option_rows:
            yield f"option_rows: is needed by the {kind.name} step"


def check_pack(pack: ContentPack) -> None:
    """Refuse a pack whose steps no kind can show, naming its file and the field."""
    for problem in problems(pack):
        raise ContentPackError(f"{pack.file}: {problem}")


def init_app(app: Flask) -> None:
    for pack in versions_of_every_pack(app):
        check_pack(pack)
