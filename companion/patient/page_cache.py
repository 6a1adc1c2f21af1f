"""A walkthrough step page, rendered once per worker for everything that is not the patient's.

Most of a step page depends only on the content pack and its version, the language, the step and
a few display settings (text size, a tablet handed to the patient, opened from the review page,
the readiness score's message). That part is rendered once, with markers where the patient's link,
this request's CSRF token and CSP nonce go, and kept. Each request then puts its own values into a
copy: the marked answers, the typed text (escaped), the token, the CSRF token and the nonce, in a
single pass, so nothing put in is read again as a marker.

Pages that show more of a patient (their code after starting, their own questions, a refused or
unsent form, a notice) are rendered in full every time.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from flask import current_app, g
from flask.sansio.app import App
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from ..content import ContentPack, Step

# Random per process, so no content, translation or typed text can contain them by chance.
_MARK = secrets.token_hex(6)
TOKEN = f"t{_MARK}t"
CSRF = f"c{_MARK}c"
NONCE = f"n{_MARK}n"
VALUES_NOTE = f"v{_MARK}v"
NEW_QUESTION = f"q{_MARK}q"
LEANING_REASON = f"l{_MARK}l"
_MARKS = re.compile("|".join((TOKEN, CSRF, NONCE, VALUES_NOTE, NEW_QUESTION, LEANING_REASON)))

# Pages kept per worker: packs × versions × languages × steps × display settings stays small,
# but a bound keeps a worker's memory flat whatever happens.
MAX_PAGES = 4000

Key = tuple[Any, ...]

# The step types whose answers _checked and the text markers put in; a page of any other type
# (a new one) is rendered in full until it is added here.
KEPT_STEP_TYPES = frozenset(
    {"information", "values", "own_questions", "readiness", "comparison", "leaning"}
)


def csrf_token() -> str:
    """The templates' csrf_token(): the marker while a page to keep is rendered. Macros see
    the app's globals, not the page's variables, so the marker cannot be passed to them."""
    return CSRF if g.get("keeping_page") else str(generate_csrf())


def init_app(app: App) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token


def _kept() -> dict[Key, str]:
    kept: dict[Key, str] = current_app.extensions.setdefault("companion.step_pages", {})
    return kept


def blank_answers() -> dict[str, Any]:
    """Answers as the kept page is rendered with: none chosen, markers where text goes."""
    return {
        "asked": set(),
        "ratings": {},
        "concerns": set(),
        "readiness": {},
        "values_note": VALUES_NOTE,
        "new_question": NEW_QUESTION,
        "leaning": "",
        "leaning_reason": LEANING_REASON,
    }


def _checked(page: str, step: Step, answers: dict[str, Any]) -> str:
    """Tick the patient's radio buttons and checkboxes in a kept page (ids from the pack)."""
    chosen: dict[str, str] = {}  # radio group name -> the value chosen
    if step.type == "values":
        chosen |= {f"rating-{s.id}": answers["ratings"].get(s.id) for s in step.statements}
    if step.type == "leaning":
        chosen["leaning"] = answers["leaning"]
    if step.type == "readiness":
        chosen |= {f"ready-{i.id}": answers["readiness"].get(i.id) for i in step.items}
    needles = [
        f'id="{name}-{value}" name="{name}" type="radio" value="{value}"'
        for name, value in chosen.items()
        if value
    ]
    if step.type == "values":
        needles += [
            f'id="concern-{risk}" name="concern" type="checkbox" value="{risk}"'
            for risk in answers["concerns"]
        ]
    if step.question is not None and step.question.id in answers["asked"]:
        needles.append('id="ask" name="ask" type="checkbox" value="yes"')
    for needle in needles:
        # Ids and values come from the pack and the stored answers: escaped all the same.
        needle = str(escape(needle)).replace("&#34;", '"')
        page = page.replace(needle + ">", needle + " checked>", 1)
    return page


def step_page(
    key: Key,
    pack: ContentPack,
    step: Step,
    answers: dict[str, Any],
    *,
    token: str,
    csrf_token: str,
    nonce: str,
    render: Callable[[], str],
) -> str:
    """The page for this key (rendered by `render` the first time), with this patient's answers
    and this request's token, CSRF token and nonce put in."""
    key = (pack.id, pack.content_version, *key)
    kept = _kept()
    page = kept.get(key)
    if page is None:
        g.keeping_page = True
        try:
            page = render()
        finally:
            g.pop("keeping_page", None)
        if len(kept) >= MAX_PAGES:
            kept.clear()
        kept[key] = page
    page = _checked(page, step, answers)
    values = {
        TOKEN: token,
        CSRF: str(escape(csrf_token)),
        NONCE: str(escape(nonce)),
        VALUES_NOTE: str(escape(answers["values_note"] or "")),
        NEW_QUESTION: str(escape(answers["new_question"] or "")),
        LEANING_REASON: str(escape(answers["leaning_reason"] or "")),
    }
    return _MARKS.sub(lambda found: values[found.group(0)], page)
