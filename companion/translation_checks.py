"""Quality gates for translation catalogs, run by the tests and by `flask translations-check`.

A catalog passes when it holds every message of its template, none untranslated or fuzzy, and
each translation keeps the English's placeholders, numbers and HTML tags: nothing can arrive in
a patient's page through a translation that was not in the English.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

PLACEHOLDER = re.compile(r"%\(\w+\)s")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
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
            if sorted(TAG.findall(string)) != sorted(TAG.findall(english)):
                found.append(f"HTML tags differ: {name}")
            lost = [n for n in NUMBER.findall(english) if n not in string]
            if lost:
                found.append(f"numbers lost ({', '.join(lost)}): {name}")
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
