"""Error pages: one handler for every HTTP error, one table of what each says, one template.

An error page speaks the language of the page it replaces: the language in the URL, where the
URL has one, even when the URL did not match a route. Its way on is the front door a feature gave
the layout (web/layout.py): an app with no feature blueprint still draws every error page. A
request made by a page's own script (autosave) gets the error as JSON, which it can read.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from ..i18n import N_, languages
from ..models import db
from .layout import site
from .limits import everyone_key

START = N_("Go to the start of the guide")
HELP = N_("If you need help, ask your nurse or doctor.")
CHECK_THE_ADDRESS = N_("If you typed the web address, check it is correct.")


@dataclass(frozen=True)
class ErrorPage:
    """What one error page says, as message ids (translated when shown)."""

    title: str
    says: tuple[str, ...]
    # The text of the link on: to the front door, or (with `back`) back to the form.
    way_on: str | None = START
    # The guide's languages, listed after the first paragraph, each linking to its front door.
    languages: bool = False
    # Ends with the reference of this request for staff to quote, or where to get help.
    reference: bool = False
    # A page of its own, without the layout (errors/short.html).
    short: bool = False


PAGES: dict[int | str, ErrorPage] = {
    # The description of a 400 is English and technical; the page explains in the reader's words.
    400: ErrorPage(
        N_("Something went wrong"),
        (N_("We could not use what was sent. Your saved answers are not lost."),),
    ),
    # Only staff pages refuse a role, and staff pages are in English.
    403: ErrorPage(
        "You cannot open this page",
        ("This page is not open to your role. If you need what it shows, ask an admin.",),
        way_on=None,
    ),
    404: ErrorPage(N_("Page not found"), (CHECK_THE_ADDRESS,)),
    405: ErrorPage(N_("Something went wrong"), (CHECK_THE_ADDRESS,)),
    # Repeats nothing of what was sent, and stays small.
    413: ErrorPage(
        # Translators: heading when a form sent far more text than any answer needs.
        N_("That was too much to send"),
        (
            N_(
                "Nothing was saved from this page. Please shorten what you wrote, then go back "
                "and try again. Your earlier answers are not lost."
            ),
        ),
        way_on=None,
        short=True,
    ),
    429: ErrorPage(
        N_("Please wait a moment"),
        (
            N_(
                "There have been too many tries from this device. Wait a few minutes, then try "
                "again."
            ),
            HELP,
        ),
        way_on=None,
    ),
    500: ErrorPage(
        # Translators: the heading of the page shown when the guide itself failed, not the
        # patient.
        N_("Sorry, there is a problem with the guide"),
        (
            # Translators: "before this" means before the page that failed; what was just sent
            # may not have been saved.
            N_("Answers you saved before this are not lost. Please try again in a few minutes."),
        ),
        reference=True,
    ),
    # A 404 for a language the guide is not in.
    "unknown language": ErrorPage(
        N_("This language is not available"),
        (
            N_("This guide is available in these languages:"),
            N_("If you need another language, ask your nurse or doctor for an interpreter."),
        ),
        way_on=None,
        languages=True,
    ),
    # A 429 for everyone: the budget of wrong resume codes is spent, not this device's tries.
    "slowed": ErrorPage(
        N_("Please wait a moment"),
        (
            # Translators: shown when many wrong resume codes have been typed by different
            # people, so the guide checks every code slowly for a while (someone may be guessing
            # codes).
            N_(
                "Many codes that did not work have been typed into this guide recently, so codes "
                "are checked more slowly for a while. Wait a minute, then try again, or open the "
                "guide from the link you were given."
            ),
            HELP,
        ),
        way_on=None,
    ),
    # A form sent after its token expired, from a page that cannot be shown again (web/csrf.py).
    "form expired": ErrorPage(
        N_("This page timed out"),
        (
            N_(
                "This page was open for a long time, so for your safety nothing was sent or "
                "changed."
            ),
        ),
        way_on=N_("Go back and try again"),
    ),
}

# When even the error page cannot be drawn: plain words, no template, no database.
LAST_RESORT = (
    '<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with the guide</title></head><body><main>"
    "<h1>Sorry, there is a problem with the guide</h1>"
    "<p>Answers you saved before this are not lost. Please try again in a few minutes.</p>"
    "<p>If this keeps happening, ask your nurse or doctor for help.</p></main></body></html>"
)


def page_for(error: HTTPException) -> int | str:
    """The entry of PAGES this error shows."""
    code = error.code or 500
    if code == 404 and g.get("unknown_language"):
        return "unknown language"
    if code == 429 and getattr(getattr(error, "limit", None), "key_func", None) is everyone_key:
        return "slowed"
    if code in PAGES:
        return code
    return 500 if code >= 500 else 400


def speak_the_language_of_the_url() -> None:
    """Where routing failed before the URL's language was read, read it from the path."""
    if g.get("language") is None and not g.get("unknown_language"):
        code = request.path.split("/")[1] if request.path.count("/") > 1 else ""
        if code in languages():
            g.language = languages()[code]


def render_page(key: int | str, back: str | None = None) -> str:
    """The error page PAGES[key] in the reader's language; `back` is where its link leads, when
    not to the front door."""
    speak_the_language_of_the_url()
    page = PAGES[key]
    return render_template(
        "errors/error.html",
        layout="errors/short.html" if page.short else "base.html",
        page=page,
        way_on_url=back or site().front_door(),
        reference=g.get("request_id", ""),
    )


def wants_json() -> bool:
    return request.headers.get("X-Autosave") == "1" or (
        request.accept_mimetypes.best == "application/json"
    )


def error_page(error: HTTPException) -> ResponseReturnValue:
    """Every HTTP error, and (as a 500) every exception no view handled: a kind page, no
    internals; what the request changed is rolled back (web/transactions) and an exception
    logged without its message (web/logs)."""
    code = error.code or 500
    if code >= 500:
        db.session.rollback()  # the page may need the database, which may be mid-failure
    if wants_json():
        return jsonify(saved=False, status=code), code
    try:
        return render_page(page_for(error)), code
    except Exception:  # whatever broke the view may break its error page too
        if code < 500:
            raise  # logged, and answered as a 500
        return LAST_RESORT, 500


def init_app(app: Flask) -> None:
    # An exception no view handled reaches this handler as an InternalServerError (a 500).
    app.register_error_handler(HTTPException, error_page)
