"""Free text: one check for every field anyone types into, and text that cannot change how the
text around it reads.

`check` is the one test of a piece of free text, for the patient's fields and staff's alike: too
long for its field, holding control characters (NUL cannot even be stored in PostgreSQL; a
one-line field takes no line break either), bidi controls, nothing visible, or a direction mark
inside a number. It returns why, as a `Refusal`; each caller says that in its reader's language.

Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) let a few invisible
characters reorder what follows them: a phone number shown with its groups reversed, `exe.txt`
shown as `txt.exe`. They are refused wherever someone types free text. The direction marks
U+200E, U+200F and U+061C, which a right-to-left writer may need, are allowed, except between
the groups of a number ("943\u200f 476 5919"), where nothing can stop them turning it round.
Text with no visible character at all is refused too: it would be saved, and shown as a blank.

Whatever is shown is shown isolated, in an element of its own: dir="auto" on screen; in the PDF,
whose renderer ignores dir="auto", <bdi> and unicode-bidi, the direction the browser would pick
(that of the first strong letter) written out as dir="ltr" or dir="rtl". Inside it, a number of
several groups ("943 476 5919", "943-476-5919") is set left to right in a span of its own: in
right-to-left text, or after a direction mark, the bidi algorithm would otherwise show its groups
in reverse order ("5919 476 943"), and a clinician copying it would copy the wrong number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Literal

from flask import Flask, g
from markupsafe import Markup, escape

from . import emoji

# Control characters other than line breaks and tabs: invisible, and NUL cannot be stored in
# PostgreSQL at all, so text holding them is refused rather than silently changed.
CONTROL_CHARACTERS = frozenset({chr(c) for c in range(32) if chr(c) not in "\n\r\t"} | {"\x7f"})
LINE_BREAKS = frozenset("\r\n\t")
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Letters and symbols that draw nothing: a "question" made of them shows as a blank.
BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


class Refusal(StrEnum):
    """Why a piece of free text cannot be stored as typed."""

    TOO_LONG = "too long"
    CONTROL = "control characters"
    LINE_BREAK = "line break in a one-line field"
    BIDI = "bidi controls"
    INVISIBLE = "nothing visible"
    NUMBERS = "direction mark in a number"


def check(text: str, limit: int, *, one_line: bool = False) -> Refusal | None:
    """Why this text, as it would be stored, cannot be: the first of the reasons in Refusal's
    order; None when it can. Empty text passes (whether a field may be empty is the caller's)."""
    if len(text) > limit:
        return Refusal.TOO_LONG
    if has_control_characters(text):
        return Refusal.CONTROL
    if one_line and any(ch in LINE_BREAKS for ch in text):
        return Refusal.LINE_BREAK
    if has_bidi_controls(text):
        return Refusal.BIDI
    if text and not has_visible_character(text):
        return Refusal.INVISIBLE
    if MARK_IN_A_NUMBER.search(text):
        return Refusal.NUMBERS
    return None


def has_control_characters(text: str) -> bool:
    return any(ch in CONTROL_CHARACTERS for ch in text)


def has_bidi_controls(text: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in text)


def has_visible_character(text: str) -> bool:
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LNPS" and ch not in BLANK_GLYPHS:
            return True
        if category == "Mc":  # spacing marks draw something even alone
            return True
    return False


# A number of several groups: digits, and between each group one to three spaces, dashes, dots,
# commas, colons, slashes, plus signs or brackets.
NUMBER_SEPARATORS = " \u00a0\u2009\u202f\\-\u2010-\u2015./,:+()"
NUMBER_RUN = re.compile(rf"\d+(?:[{NUMBER_SEPARATORS}]{{1,3}}\d+)+")
# A direction mark among a number's groups: inside the number's own span it still turns it round.
MARK_IN_A_NUMBER = re.compile(
    rf"\d[{NUMBER_SEPARATORS}]*[\u200e\u200f\u061c][{NUMBER_SEPARATORS}\u200e\u200f\u061c]*\d"
)


def direction(text: str) -> Literal["ltr", "rtl"]:
    """What dir="auto" decides: the direction of the first strong letter (UAX #9, P2 and P3)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"


@contextmanager
def for_print() -> Iterator[None]:
    """Within this block isolated text carries an explicit direction, for the PDF renderer."""
    previous = g.get("free_text_for_print", False)
    g.free_text_for_print = True
    try:
        yield
    finally:
        g.free_text_for_print = previous


def for_the_pdf() -> bool:
    """Whether the HTML being made is for the PDF renderer (inside for_print())."""
    return bool(g.get("free_text_for_print", False))


def isolated(text: object, lang: str | None = None, css_class: str | None = None) -> Markup:
    """The text, escaped, in an element of its own whose direction comes from the text itself."""
    value = "" if text is None else str(text)
    way = direction(value) if for_the_pdf() else "auto"
    if for_the_pdf():
        value = emoji.printable(value)
    attributes = f' dir="{way}"'
    if lang:
        attributes += f' lang="{escape(lang)}"'
    if css_class:
        attributes += f' class="{escape(css_class)}"'
    return Markup(f"<bdi{attributes}>{numbers_in_order(value)}</bdi>")  # noqa: S704 - escaped


def numbers_apart(text: str) -> list[str]:
    """The text in pieces, every second one a number of several groups (to set left to right):
    what a script putting text on a page needs to show it as `numbers_in_order` does."""
    return re.split(f"({NUMBER_RUN.pattern})", text)


def numbers_in_order(text: str) -> Markup:
    """The text, escaped, with each number of several groups set left to right on its own."""
    pieces = numbers_apart(text)
    return Markup("").join(
        Markup('<span dir="ltr">{}</span>').format(piece) if n % 2 else escape(piece)
        for n, piece in enumerate(pieces)
    )


def init_app(app: Flask) -> None:
    app.jinja_env.globals["isolated"] = isolated
    app.jinja_env.globals["for_the_pdf"] = for_the_pdf
