"""Where the patient is, and which steps they have seen.

A step counts as seen once the patient leaves it, by any path: a button, a link in the guide,
the list of steps, Back, or a page opened from the browser's history. The server hears of the
leaving when the next page of the same discussion is asked for, so every page of the walkthrough
`arrive`s: the page the patient was on before, if it was another step, is seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, get_flashed_messages, redirect, url_for
from werkzeug.wrappers import Response

from .. import discussions
from ..content import ContentPack, Step, pack_shown
from ..models import Discussion

REVIEW = discussions.REVIEW_PAGE


@dataclass(frozen=True)
class ContentsEntry:
    """One line of the list of steps the patient's pages show."""

    number: int
    step: Step
    seen: bool
    here: bool


def arrive(discussion: Discussion, pack: ContentPack, page: str) -> None:
    """The patient is now on `page` (a step's id, or the review page)."""
    left = discussion.current_page
    if left != page and any(step.id == left for step in pack.steps):
        discussions.record_visit(discussion, left)
    discussions.show_page(discussion, page)


def leave(discussion: Discussion, step_id: str) -> None:
    discussions.record_visit(discussion, step_id)


def seen(discussion: Discussion) -> set[str]:
    return {visit.step_id for visit in discussion.step_visits}


def contents(discussion: Discussion, pack: ContentPack, here: str) -> list[ContentsEntry]:
    read = seen(discussion)
    return [
        ContentsEntry(number, step, step.id in read, step.id == here)
        for number, step in enumerate(pack.steps, start=1)
    ]


def not_seen(discussion: Discussion, pack: ContentPack) -> list[ContentsEntry]:
    return [entry for entry in contents(discussion, pack, "") if not entry.seen]


def page_to_go_to(pack: ContentPack, asked: str) -> str | None:
    """The page a "go to" button of the step form names: a step number or the review page."""
    if asked == REVIEW:
        return REVIEW
    if asked.isdigit() and 1 <= int(asked) <= len(pack.steps):
        return asked
    return None


def url_of(token: str, pack: ContentPack, page: str) -> str:
    if page == REVIEW:
        return url_for(".review", token=token)
    return url_for(".step", token=token, number=int(page))


def welcome_back(discussion: Discussion) -> Response:
    """Back to the page the patient left, saying so: the step they were on, or their answers."""
    pack = pack_shown(discussion.procedure, discussion.content_version)
    if discussion.current_page:
        flash("welcome-back", "progress")
    if discussion.current_page == REVIEW:
        return redirect(url_for(".review", token=discussion.token))
    here = discussion.current_page
    number = pack.step_number(here) if any(step.id == here for step in pack.steps) else 1
    return redirect(url_for(".step", token=discussion.token, number=number))


def welcomed() -> bool:
    """Whether this page is the first the patient sees on coming back."""
    return "welcome-back" in get_flashed_messages(category_filter=["progress"])
