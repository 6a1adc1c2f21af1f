"""The record's HTML for the screen, the browser's print and the PDF, in the copy's language."""

from __future__ import annotations

import re
import unicodedata

from flask import render_template
from markupsafe import Markup

from ..i18n import in_language, interface_gettext
from .summary import Summary


def page_counter_css() -> str:
    """ "Page N of M" as a CSS content value, in the language being rendered."""
    # Translators: the page counter at the foot of each page of a printed record.
    sentence = interface_gettext("Page %(page)s of %(pages)s").striptags()
    parts = []
    for piece in re.split(r"(%\(page\)s|%\(pages\)s)", sentence):
        if piece == "%(page)s":
            parts.append("counter(page)")
        elif piece == "%(pages)s":
            parts.append("counter(pages)")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(parts)


def record_body_html(summary: Summary) -> Markup:
    """The record's content, rendered in the copy's language whatever the page around it."""
    with in_language(summary.lang):
        return Markup(render_template("summary/body.html", summary=summary))  # noqa: S704


def record_html(summary: Summary) -> str:
    with in_language(summary.lang):
        return render_template(
            "pdf/record.html",
            summary=summary,
            body=record_body_html(summary),
            page_counter=page_counter_css(),
        )


# What a file system refuses in a file name (Windows' list is the longest).
NOT_IN_FILE_NAMES = frozenset('<>:"/\\|?*')
# Invisible characters a name keeps: the joiners some scripts need to draw a letter right.
JOINERS = frozenset("\u200c\u200d")


def file_label(label: str) -> str:
    """The label as it stands in a file name: every character kept, composed (NFC), except what
    a file system refuses (made "_") and invisible characters such as direction marks, which
    could make the name read differently from what it is."""
    kept = []
    for ch in unicodedata.normalize("NFC", label):
        if ch in NOT_IN_FILE_NAMES:
            kept.append("_")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch not in JOINERS:
            continue
        else:
            kept.append(ch)
    return "".join(kept).strip(" .")


def download_name(code: str, label: str, copy: str, extension: str) -> str:
    """A download's name; the response sends it per RFC 6266 (an ASCII fallback and
    filename*=UTF-8''...), so a label in any script comes through whole."""
    parts = ["discussion-record", code, file_label(label), copy]
    return "-".join(p for p in parts if p) + "." + extension


def filename(summary: Summary) -> str:
    return download_name(summary.code, summary.patient_label, summary.copy, "pdf")
