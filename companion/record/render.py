"""The record's HTML for the screen, the browser's print and the PDF, in the copy's language."""

from __future__ import annotations

import re

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


def filename(summary: Summary) -> str:
    label = "".join(ch for ch in summary.patient_label if ch.isalnum())[:20]
    parts = ["discussion-record", summary.code, label, summary.copy]
    return "-".join(p for p in parts if p) + ".pdf"
