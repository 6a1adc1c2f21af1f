"""Languages: the list the app speaks, the language of each request, and translated content text.

The language is always in the URL (/<lang>/...), so a link or a bookmark keeps it. Interface
strings use Flask-Babel's default "messages" domain; content pack text uses the "content" domain,
so each can be handed to translators and counted on its own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import babel
import yaml
from babel import Locale
from babel.numbers import format_decimal, format_percent
from flask import Flask, abort, current_app, g, request
from flask_babel import Babel, Domain, force_locale, get_translations
from markupsafe import Markup, escape

from .content import FIGURE_PLACEHOLDER

REVIEW_STATES = ("source", "draft", "reviewed")


class LanguageListError(ValueError):
    """translations/languages.yaml cannot be used; the message names the entry and field."""


@dataclass(frozen=True)
class Language:
    code: str
    locale: str
    name: str
    dir: str
    review: str
    reviewer: str | None = None
    reviewed_on: dt.date | None = None

    @property
    def is_draft(self) -> bool:
        return self.review == "draft"


# libyaml's parser when PyYAML has it: the same documents, ten times faster than pure Python.
YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BabelDirections:
    """Babel's text direction for each locale, kept in a small file between starts.

    Babel loads a locale's whole CLDR data (tens of milliseconds each) to answer; the answer only
    changes with Babel's version, so it is kept per version. Every start still compares every
    language's "dir" with it: only the lookup is saved, never the check.
    """

    def __init__(self, cache_file: Path | None) -> None:
        self.cache_file = cache_file
        self.known: dict[str, str] = {}
        self.changed = False
        if cache_file is not None:
            try:
                saved = json.loads(cache_file.read_text(encoding="utf-8"))
                if saved.get("babel") == babel.__version__:
                    self.known = {str(k): str(v) for k, v in saved["directions"].items()}
            except (OSError, ValueError, KeyError, AttributeError):
                pass  # no usable file: ask Babel, and write a new one

    def __getitem__(self, locale: str) -> str:
        if locale not in self.known:
            rtl = Locale.parse(locale).text_direction == "rtl"
            self.known[locale] = "rtl" if rtl else "ltr"
            self.changed = True
        return self.known[locale]

    def save(self) -> None:
        if self.cache_file is None or not self.changed:
            return
        data = json.dumps({"babel": babel.__version__, "directions": self.known}, indent=1)
        try:
            # Written whole and renamed into place: workers starting at once never read half.
            with tempfile.NamedTemporaryFile(
                "w", dir=self.cache_file.parent, delete=False, encoding="utf-8"
            ) as out:
                out.write(data)
            os.replace(out.name, self.cache_file)
        except OSError:
            pass  # a read-only instance folder only means asking Babel again next time


def load_languages(path: Path, cache_dir: Path | None = None) -> dict[str, Language]:
    """The language list, checked; cache_dir keeps Babel's answers between starts."""
    try:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506
    except yaml.YAMLError as error:
        raise LanguageListError(f"{path}: not valid YAML: {error}") from None
    directions = BabelDirections(cache_dir / "babel-directions.json" if cache_dir else None)
    if not isinstance(entries, list) or not entries:
        raise LanguageListError(f"{path}: must be a non-empty list of languages")
    languages: dict[str, Language] = {}
    for i, entry in enumerate(entries):
        where = f"{path}: [{i}]"
        if not isinstance(entry, dict):
            raise LanguageListError(f"{where}: must be a mapping")
        for field in ("code", "locale", "name", "dir", "review"):
            if not entry.get(field):
                raise LanguageListError(f"{where}.{field}: is missing")
        if entry["review"] not in REVIEW_STATES:
            raise LanguageListError(f"{where}.review: must be one of {', '.join(REVIEW_STATES)}")
        if entry["review"] == "reviewed" and not (
            entry.get("reviewer") and entry.get("reviewed_on")
        ):
            raise LanguageListError(
                f"{where}: a reviewed language names its reviewer and reviewed_on"
            )
        babel_dir = directions[entry["locale"]]
        if entry["dir"] != babel_dir:
            raise LanguageListError(
                f"{where}.dir: is {entry['dir']!r} but Babel says {babel_dir!r}"
            )
        language = Language(
            code=entry["code"],
            locale=entry["locale"],
            name=entry["name"],
            dir=entry["dir"],
            review=entry["review"],
            reviewer=entry.get("reviewer"),
            reviewed_on=entry.get("reviewed_on"),
        )
        if language.code in languages:
            raise LanguageListError(f"{where}.code: {language.code!r} is listed twice")
        languages[language.code] = language
    if "en" not in languages:
        raise LanguageListError(f"{path}: English (en) is the source language and must be listed")
    directions.save()
    return languages


def languages() -> dict[str, Language]:
    result: dict[str, Language] = current_app.extensions["companion.languages"]
    return result


def best_language() -> Language:
    """The supported language that best matches the browser's Accept-Language header."""
    available = languages()
    by_primary = {code.lower().split("-")[0]: code for code in reversed(list(available))}
    # Werkzeug's best_match prefers any exact match, so "ur-PK, en;q=0.5" would give English;
    # the reader's order of preference matters more than an exact regional match.
    for accepted, _quality in request.accept_languages:
        tag = accepted.replace("_", "-")
        for code in available:
            if code.lower() == tag.lower():
                return available[code]
        primary = tag.lower().split("-")[0]
        if primary in by_primary:
            return available[by_primary[primary]]
    return available["en"]


def current_language() -> Language:
    language: Language | None = g.get("language")
    return language if language is not None else best_language()


def use_language_from_url(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """URL value preprocessor: take <lang> out of the URL and make it the request's language."""
    if values is None or "lang" not in values:
        return
    code = values.pop("lang")
    language = languages().get(code)
    if language is None:
        g.unknown_language = code
        abort(404)
    g.language = language


def add_language_to_urls(endpoint: str, values: dict[str, Any]) -> None:
    if "lang" in values or not current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        return
    values["lang"] = current_language().code


def english_name(language: Language) -> str:
    """The language's name in English, for staff screens and the English record."""
    return str(Locale.parse(language.locale).get_display_name("en"))


def language_options() -> list[tuple[str, str, dict[str, str]]]:
    """Radio options naming each language in itself, marked up in its own language."""
    return [
        (lang.code, lang.name, {"lang": lang.code, "dir": lang.dir})
        for lang in languages().values()
    ]


@contextmanager
def in_language(code: str) -> Iterator[Language]:
    """Render something in one language inside a request in another (a patient's copy)."""
    language = languages()[code]
    previous = g.get("language")
    g.language = language
    try:
        with force_locale(language.locale):
            yield language
    finally:
        g.language = previous


def select_locale() -> str:
    return current_language().locale


ENGLISH = Markup('<span lang="en" dir="ltr">{}</span>')
# A run of Latin words in right-to-left text (a study's name and year, "PCI", "NICE"): isolated
# left to right, so "PROTECT II (2012): 30 ..." keeps the study, its year and the number after it
# in the order written instead of the bidi algorithm joining the year to the next number.
LATIN_RUN = re.compile(
    r"(?<![&#\w])[A-Za-z][A-Za-z0-9\-]*(?: [A-Za-z0-9][A-Za-z0-9\-]*)*(?: \((?:19|20)\d\d\))?"
)


def isolate_latin_runs(text: Markup) -> Markup:
    """Escaped right-to-left text with each Latin run in a left-to-right span of its own (left
    as it is in left-to-right text, and where it is English shown in place of a translation)."""
    if current_language().dir != "rtl" or 'lang="en"' in text:
        return text
    # The text is escaped already, and a run holds only letters, digits, spaces, hyphens and a
    # bracketed year: nothing of it can be markup.
    spans = LATIN_RUN.sub(lambda run: f'<span dir="ltr">{run[0]}</span>', str(text))
    return Markup(spans)  # noqa: S704


def _translated(translations: Any, key: str | tuple[str, int]) -> str | None:
    """The compiled translation of key, or None. Fuzzy entries are never compiled, so a sentence
    whose English changed since it was translated has none until a translator confirms it."""
    catalog: dict[Any, str] = getattr(translations, "_catalog", {})
    return catalog.get(key) or None


def _in_language(msgid: str, translated: str | None) -> Markup:
    if current_language().code == "en":
        return escape(msgid)
    if translated is None:
        # Shown in English and marked as English rather than as an outdated translation.
        return ENGLISH.format(msgid)
    return escape(translated)


def _memo(kind: str, msgid: str, domain: Any) -> Markup:
    """A text in the reader's language, looked up once per process: the compiled catalogs are
    read when the app starts and never change while it runs."""
    code = current_language().code
    known: dict[tuple[str, str, str], Markup] = current_app.extensions["companion.texts"]
    key = (kind, code, msgid)
    found = known.get(key)
    if found is None:
        translations = domain.get_translations() if domain is not None else get_translations()
        found = known[key] = _in_language(msgid, _translated(translations, msgid))
    return found


def content_text(msgid: str, numbers: tuple[tuple[str, str], ...] = ()) -> Markup:
    """Content pack text in the reader's language, its figures formatted for the reader."""
    text = _memo("content", msgid, current_app.extensions["companion.content_domain"])
    if not numbers:
        return text
    figures = {name: format_figure(written) for name, written in numbers}
    # The text is already escaped Markup; each figure is escaped as it goes in.
    filled = FIGURE_PLACEHOLDER.sub(lambda m: escape(figures.get(m[1], m[0])), text)
    return Markup(filled)  # noqa: S704


def format_figure(written: str) -> str:
    """A figure as the pack writes it ("1252", "0.85", "26.7%") in the reader's locale, with as
    many decimal places as written: "1.252" and "26,7 %" in Spanish, "1 252" in Polish."""
    locale = current_language().locale
    digits = written.removesuffix("%")
    places = len(digits.partition(".")[2])
    number = format_decimal(
        Decimal(digits), format="#,##0" + ("." + "0" * places if places else ""), locale=locale
    )
    if not written.endswith("%"):
        return number
    # The locale's own percent layout: "40%", "40 %", sign first or last.
    return format_percent(1, locale=locale).replace(format_decimal(100, locale=locale), number)


def interface_gettext(msgid: str) -> Markup:
    """Interface text in the reader's language; Jinja formats the placeholders afterwards."""
    return _memo("interface", msgid, None)


def interface_ngettext(singular: str, plural: str, count: int) -> Markup:
    translations = get_translations()
    if current_language().code == "en" or _translated(translations, (singular, 0)) is None:
        return _in_language(singular if count == 1 else plural, None)
    return escape(translations.ngettext(singular, plural, count))


def N_(msgid: str) -> str:
    """Mark a message for translation where it is defined; it is translated where it is shown."""
    return msgid


def _(msgid: str, **variables: Any) -> Markup:
    """gettext for Python code: translate first, then fill the named placeholders (escaped)."""
    return interface_gettext(msgid) % variables


def init_app(app: Flask, languages_file: Path) -> None:
    app.extensions["companion.languages"] = load_languages(languages_file, Path(app.instance_path))
    Babel(app, locale_selector=select_locale)
    # One content domain per app: Flask-Babel caches translations on the Domain object.
    app.extensions["companion.content_domain"] = Domain(domain="content")
    app.extensions["companion.texts"] = {}
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=interface_gettext, ngettext=interface_ngettext, newstyle=True
    )
    app.jinja_env.globals["isolate_latin_runs"] = isolate_latin_runs
    app.url_value_preprocessor(use_language_from_url)
    app.url_defaults(add_language_to_urls)
