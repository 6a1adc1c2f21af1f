"""Quality gates for translation catalogs, run by the tests and by `flask translations-check`.

A catalog passes when it holds every message of its template, none untranslated or fuzzy, and
each translation keeps the English's placeholders, numbers and HTML tags: nothing can arrive in
a patient's page through a translation that was not in the English.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from babel.numbers import get_decimal_symbol, get_group_symbol

from .content import FIGURE_PLACEHOLDER

PLACEHOLDER = re.compile(r"%\(\w+\)s")
# Marks that may stand inside a number: a decimal point or comma, a group separator (including
# the no-break spaces Polish and Portuguese group with, and the Arabic decimal and group marks).
SEPARATORS = ".,\u00a0\u202f\u066b\u066c"
NUMBER = re.compile(rf"\d+(?:[{SEPARATORS}]\d+)*")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def problems(template: Catalog, translated: Catalog) -> list[str]:
    """Everything wrong with one translated catalog, one line each; empty when it passes."""
    found: list[str] = []
    expected = {m.id for m in template if m.id}
    present = {m.id for m in translated if m.id}
    found += [f"missing: {m!r}" for m in sorted(map(str, expected - present))]
    found += [f"not in the template: {m!r}" for m in sorted(map(str, present - expected))]
    for message in translated:
        if not message.id:
            continue
        english = str(message.id[0] if isinstance(message.id, tuple) else message.id)
        raw = message.string if isinstance(message.string, tuple | list) else (message.string,)
        strings = [str(s or "") for s in raw]
        name = repr(english)
        if not all(strings):
            found.append(f"untranslated: {name}")
            continue
        if message.fuzzy:
            found.append(f"fuzzy (needs review): {name}")
        for string in strings:
            if sorted(PLACEHOLDER.findall(string)) != sorted(PLACEHOLDER.findall(english)):
                found.append(f"placeholders differ: {name}")
            if sorted(FIGURE_PLACEHOLDER.findall(string)) != sorted(
                FIGURE_PLACEHOLDER.findall(english)
            ):
                found.append(f"figures differ: {name}")
            if sorted(TAG.findall(string)) != sorted(TAG.findall(english)):
                found.append(f"HTML tags differ: {name}")
            found += number_problems(english, string, str(translated.locale or "en"), name)
    return found


def ascii_digits(text: str) -> str:
    """Digits of any script (Arabic-Indic, Bengali, Gujarati, ...) as 0-9, to compare values."""
    return "".join(
        str(unicodedata.digit(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in text
    )


def read_number(token: str, locale: str) -> Decimal | None:
    """The value a reader of `locale` takes `token` to be: its decimal mark is a decimal mark,
    its group separator groups three digits. A mark the locale does not use is read as English
    writes it; a token that reads as nothing sensible gives None."""
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    parts = re.split(f"[{SEPARATORS}]", token)
    marks = re.findall(f"[{SEPARATORS}]", token)
    whole, fraction = parts[0], ""
    for n, (mark, part) in enumerate(zip(marks, parts[1:], strict=True)):
        last = n == len(marks) - 1
        if mark == decimal and last:
            fraction = part
        elif mark in (group, "\u00a0", "\u202f", "\u066c") and len(part) == 3:
            whole += part
        elif mark in (".", "\u066b") and last:
            fraction = part
        elif mark == "," and len(part) == 3:
            whole += part
        else:
            return None
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def number_problems(english: str, translation: str, locale: str, name: str) -> list[str]:
    """Every number of the English must be in the translation with the same value, as a reader
    of the translation's language reads it: "1,252" in a Spanish sentence is one point two five
    two, not twelve hundred and fifty-two."""
    written = NUMBER.findall(ascii_digits(translation))
    values = {read_number(token, locale) for token in written}
    lost, misread = [], []
    for token in NUMBER.findall(english):
        if read_number(token, "en") in values:
            continue
        digits = re.sub(r"\D", "", token)
        twin = next((w for w in written if re.sub(r"\D", "", w) == digits), None)
        if twin is None:
            lost.append(token)
        else:
            misread.append(f"{twin} reads as {read_number(twin, locale)} in {locale}")
    found = []
    if lost:
        found.append(f"numbers lost ({', '.join(lost)}): {name}")
    if misread:
        found.append(f"numbers misread ({'; '.join(misread)}): {name}")
    return found


def drop_mismatched_suggestions(path: Path) -> int:
    """Empty each fuzzy suggestion whose placeholders differ from its English; return how many.

    `pybabel update` offers the translation of a similar old message as a fuzzy suggestion for a
    new one. When the two have different placeholders ("Step %(number)s of %(total)s" offered
    for "Read more in step %(number)s: %(title)s"), `pybabel compile` refuses the whole catalog,
    so such a suggestion is removed and the message left for the translator.
    """
    catalog = read_catalog(path)
    dropped = 0
    for message in catalog:
        if not message.id or not message.fuzzy:
            continue
        english = str(message.id[0] if isinstance(message.id, tuple) else message.id)
        raw = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if any(
            sorted(PLACEHOLDER.findall(str(s or ""))) != sorted(PLACEHOLDER.findall(english))
            for s in raw
        ):
            message.string = ("",) * len(raw) if isinstance(message.string, tuple | list) else ""
            message.flags.discard("fuzzy")
            dropped += 1
    if dropped:
        with path.open("wb") as f:
            write_po(f, catalog, width=76)
    return dropped


if __name__ == "__main__":
    # After `pybabel update` (make update-catalogs): python -m companion.translation_checks PO...
    for name in sys.argv[1:]:
        if count := drop_mismatched_suggestions(Path(name)):
            print(f"{name}: {count} fuzzy suggestions with other placeholders removed")
