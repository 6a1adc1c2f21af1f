"""Translation gates: catalogs current, complete, faithful to placeholders, never stale."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Catalog

from companion.translation_checks import number_problems, problems, read_catalog, read_number
from tests.support.database import make_app
from tests.support.pages import PageClient

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LANGUAGES = yaml.safe_load((TRANSLATIONS / "languages.yaml").read_text())
TRANSLATED = [lang["locale"] for lang in LANGUAGES if lang["review"] != "source"]
DOMAINS = ("messages", "content")


def catalog(path: Path) -> Catalog:
    return read_catalog(path)


def extract(tmp_path: Path, domain: str) -> set[str]:
    out = tmp_path / f"{domain}.pot"
    subprocess.run(
        ["make", "--no-print-directory", "extract", f"POT_DIR={tmp_path}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return {str(m.id) for m in catalog(out) if m.id}


def test_catalog_templates_match_the_code_and_content(tmp_path: Path) -> None:
    for domain in DOMAINS:
        fresh = extract(tmp_path, domain)
        committed = {str(m.id) for m in catalog(TRANSLATIONS / f"{domain}.pot") if m.id}
        assert fresh == committed, f"{domain}.pot is out of date: run make update-catalogs"


@pytest.mark.parametrize("locale", TRANSLATED)
@pytest.mark.parametrize("domain", DOMAINS)
def test_each_language_is_complete_and_faithful(locale: str, domain: str) -> None:
    template = read_catalog(TRANSLATIONS / f"{domain}.pot")
    translated = read_catalog(TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po")
    assert problems(template, translated) == []


def broken(change: str) -> list[str]:
    template = read_catalog(TRANSLATIONS / "messages.pot")
    translated = read_catalog(TRANSLATIONS / "ur" / "LC_MESSAGES" / "messages.po")
    step = translated["Step %(number)s of %(total)s"]
    if change == "placeholder":
        step.string = step.string.replace("%(total)s", "10")
    elif change == "tag":
        step.string += "<script>alert(1)</script>"
    elif change == "fuzzy":
        step.flags.add("fuzzy")
    elif change == "number":
        translated["You can write up to %(limit)s characters."].string = "x %(limit)s"
        message = translated["It has 8 letters and numbers, for example %(example)s."]
        message.string = message.string.replace("8", "")
    elif change == "untranslated":
        step.string = ""
    return problems(template, translated)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("placeholder", "placeholders differ: 'Step %(number)s of %(total)s'"),
        ("tag", "HTML tags differ: 'Step %(number)s of %(total)s'"),
        ("fuzzy", "fuzzy (needs review): 'Step %(number)s of %(total)s'"),
        ("number", "numbers lost (8): 'It has 8 letters and numbers, for example %(example)s.'"),
        ("untranslated", "untranslated: 'Step %(number)s of %(total)s'"),
    ],
)
def test_the_gates_catch_a_deliberately_broken_catalog(change: str, expected: str) -> None:
    # Only what the break adds counts: the catalog may still be waiting for new translations.
    before = broken("nothing")
    assert [p for p in broken(change) if p not in before] == [expected]


def test_every_catalog_compiles(tmp_path: Path) -> None:
    for locale in TRANSLATED:
        for domain in DOMAINS:
            po = TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po"
            pybabel("compile", "-i", po, "-o", tmp_path / f"{locale}-{domain}.mo")
            assert (tmp_path / f"{locale}-{domain}.mo").stat().st_size > 1000


def pybabel(*args: str | Path, cwd: Path = ROOT) -> None:
    command = [str(Path(sys.executable).parent / "pybabel"), *map(str, args)]
    subprocess.run(
        command,
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_changed_english_is_shown_in_english_until_a_translator_confirms_it(
    tmp_path: Path, database: str
) -> None:
    """The ordinary workflow: edit English, `pybabel update` marks the old translations fuzzy,
    compiling leaves fuzzy entries out, and Urdu readers see the new English, marked as English."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(TRANSLATIONS, tmp_path / "translations")
    old_sentence = "Your family can be involved too, if you wish."
    new_sentence = "Your family can be involved too, if you want them to be."
    # Every version says it, so the old sentence leaves the template (a published version would
    # never change; here it only makes the English change everywhere at once).
    for pack in (tmp_path / "content" / "htg492").glob("*/pack.yaml"):
        assert old_sentence in pack.read_text()
        pack.write_text(pack.read_text().replace(old_sentence, new_sentence))
    shutil.copy(ROOT / "babel-content.cfg", tmp_path)
    pybabel("extract", "-F", "babel-content.cfg", "-o", "content.pot", ".", cwd=tmp_path)
    # An interface string changes too, as if a template had been edited.
    old_label, new_label = "Save and continue", "Save and go on"
    pot = TRANSLATIONS / "messages.pot"
    (tmp_path / "messages.pot").write_text(
        pot.read_text().replace(f'"{old_label}"', f'"{new_label}"')
    )
    for domain in DOMAINS:
        pybabel(
            "update",
            "-i",
            tmp_path / f"{domain}.pot",
            "-d",
            tmp_path / "translations",
            "-D",
            domain,
        )
        pybabel("compile", "-d", tmp_path / "translations", "-D", domain)

    updated = catalog(tmp_path / "translations" / "ur" / "LC_MESSAGES" / "content.po")
    assert updated[new_sentence].fuzzy, "pybabel update marks the changed sentence for review"
    interface = catalog(tmp_path / "translations" / "ur" / "LC_MESSAGES" / "messages.po")
    assert interface[new_label].fuzzy
    old_translation = catalog(TRANSLATIONS / "ur" / "LC_MESSAGES" / "content.po")[
        old_sentence
    ].string
    old_button = catalog(TRANSLATIONS / "ur" / "LC_MESSAGES" / "messages.po")[old_label].string

    def fallbacks_on_the_deciding_step(**config: str) -> tuple[list[str], str]:
        app = make_app(database, **config)
        pages = PageClient(app.test_client())
        location = pages.post("/ur/start", {"language": "ur"})
        assert isinstance(location, str)
        page = pages.get(location.replace("/step/1?started=1", "/step/7"), lang="ur")
        shown = [f.get_text(strip=True) for f in page.select('main [lang="en"][dir="ltr"]')]
        return shown, str(page)

    before, _html = fallbacks_on_the_deciding_step()
    after, html = fallbacks_on_the_deciding_step(
        CONTENT_DIR=str(tmp_path / "content"),
        BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "translations"),
    )
    # The templates here still say the old label, which is no longer in the catalog at all.
    assert new_sentence in after and old_label in after
    assert old_translation not in html and old_button not in html
    assert sorted(after) == sorted([*before, new_sentence, old_label]), after


def test_a_fallback_in_an_attribute_or_title_stays_plain_text(
    tmp_path: Path, database: str
) -> None:
    shutil.copytree(TRANSLATIONS, tmp_path / "translations")
    po_path = tmp_path / "translations" / "ur" / "LC_MESSAGES" / "messages.po"
    po = catalog(po_path)
    for msgid in (
        "Choose a language",
        "Read aloud",
        "Your answers are saved.",
        "Heart pump decision guide",
    ):
        po[msgid].flags.add("fuzzy")
    from babel.messages.pofile import write_po

    with po_path.open("wb") as f:
        write_po(f, po)
    pybabel("compile", "-d", tmp_path / "translations", "-D", "messages")
    app = make_app(database, BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "translations"))
    pages = PageClient(app.test_client())
    location = pages.post("/ur/start", {"language": "ur"})
    assert isinstance(location, str)
    page = pages.get(location, lang="ur")
    assert page.select_one("nav.app-language")["aria-label"] == "Choose a language"
    assert page.select_one("[data-read-aloud]")["data-label-start"] == "Read aloud"
    assert page.select_one("[data-autosave-status]")["data-saved"] == "Your answers are saved."
    assert page.title.get_text().endswith("Heart pump decision guide")
    assert "<span" not in page.title.get_text()


def test_a_suggestion_with_other_placeholders_is_dropped_so_the_catalog_compiles(
    tmp_path: Path,
) -> None:
    """pybabel update may offer "Step %(number)s of %(total)s" for a new message with other
    placeholders; compile would refuse the whole catalog, so the workflow drops the suggestion."""
    from babel.messages.pofile import write_po

    from companion.translation_checks import drop_mismatched_suggestions

    po = catalog(TRANSLATIONS / "ur" / "LC_MESSAGES" / "messages.po")
    # As pybabel update leaves it: a new message, with only a wrong suggestion for a translation.
    del po["Read more in step %(number)s: %(title)s"]
    po.add(
        "Read more in step %(number)s: %(title)s",
        "%(total)s میں سے مرحلہ %(number)s",
        flags=["fuzzy", "python-format"],
    )
    path = tmp_path / "messages.po"
    with path.open("wb") as f:
        write_po(f, po)
    assert drop_mismatched_suggestions(path) == 1
    kept = catalog(path)["Read more in step %(number)s: %(title)s"]
    assert kept.string == "" and not kept.fuzzy
    pybabel("compile", "-i", path, "-o", tmp_path / "messages.mo")


def test_the_number_gate_reads_each_number_as_the_language_does() -> None:
    """ "1,252" in a Spanish sentence reads as one point two five two: the gate refuses it, and
    takes "1.252" (Spanish grouping) as twelve hundred and fifty-two."""
    template = read_catalog(TRANSLATIONS / "content.pot")
    spanish = read_catalog(TRANSLATIONS / "es" / "LC_MESSAGES" / "content.po")
    assert problems(template, spanish) == []
    protect = next(m for m in spanish if m.id and "about 1,252 people" in str(m.id))
    assert "1.252" in str(protect.string)
    protect.string = str(protect.string).replace("1.252", "1,252")
    assert problems(template, spanish) == [
        f"numbers misread (1,252 reads as 1.252 in es): {str(protect.id)!r}"
    ]


@pytest.mark.parametrize(
    ("token", "locale", "value"),
    [
        ("1,252", "en", "1252"),
        ("1.252", "es", "1252"),
        ("1,252", "es", "1.252"),
        ("1\u00a0252", "pl", "1252"),
        ("0,63", "ro", "0.63"),
        ("0.63", "es", "0.63"),
        ("1.252", "ar", "1.252"),
        ("27", "ur", "27"),
    ],
)
def test_numbers_are_read_as_a_reader_of_each_language_reads_them(
    token: str, locale: str, value: str
) -> None:
    assert read_number(token, locale) == Decimal(value)


def test_digits_of_any_script_count_as_the_same_number() -> None:
    english = "About 27 in 100 people."
    assert number_problems(english, "تقريباً ٢٧ من كل ١٠٠ شخص.", "ar", "x") == []
    assert number_problems(english, "তক ২৭ ১০০", "bn", "x") == []
    assert number_problems(english, "About 72 in 100.", "en", "x") == ["numbers lost (27): x"]


# Translate Toolkit's checks that fit this guide, beside the project's own gates: placeholders,
# numbers, markup, whitespace and plural forms. (Brackets and acronyms are left out: a
# translation may explain a term in brackets, or write "UK" in its own script, on purpose.)
POFILTER_CHECKS = [
    "printf",
    "variables",
    "numbers",
    "untranslated",
    "blank",
    "nplurals",
    "urls",
    "emails",
    "xmltags",
    "escapes",
    "newlines",
    "tabs",
    "startwhitespace",
    "endwhitespace",
]


def pofilter(source: Path, out: Path) -> list[str]:
    """Run pofilter's chosen checks over `source` (a file or folder); the failures it reports."""
    command = [str(Path(sys.executable).parent / "pofilter"), "--nofuzzy", "--progress=none"]
    for check in POFILTER_CHECKS:
        command += ["-t", check]
    subprocess.run([*command, str(source), str(out)], check=True, capture_output=True)
    found = out.rglob("*.po") if out.is_dir() else [out] if out.exists() else []
    return [
        line
        for po in found
        for line in po.read_text(encoding="utf-8").splitlines()
        if line.startswith("# (pofilter)")
    ]


def test_translate_toolkit_checks_find_nothing_in_any_catalog(tmp_path: Path) -> None:
    catalogs = tmp_path / "catalogs"
    for locale in TRANSLATED:
        shutil.copytree(TRANSLATIONS / locale, catalogs / locale)
    assert pofilter(catalogs, tmp_path / "failures") == []


def test_translate_toolkit_checks_catch_a_broken_placeholder(tmp_path: Path) -> None:
    po = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"
    broken = tmp_path / "messages.po"
    broken.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgstr "Paso %(number)s de %(total)s"', 'msgstr "Paso %(numero)s de %(total)s"'
        ),
        encoding="utf-8",
    )
    assert pofilter(broken, tmp_path / "failures.po") == [
        "# (pofilter) printf: Added printf variable: %(numero)s"
    ]


def test_a_figure_left_out_of_a_translation_is_caught() -> None:
    """Content 2.1.0 keeps its figures out of the translatable text ({people}): a translation
    that drops or renames one would show a gap or a stray name, so the gate refuses it."""
    template = read_catalog(TRANSLATIONS / "content.pot")
    spanish = read_catalog(TRANSLATIONS / "es" / "LC_MESSAGES" / "content.po")
    protect = next(m for m in spanish if m.id and "about {people} people" in str(m.id))
    protect.string = str(protect.string).replace("{people}", "1.252")
    assert problems(template, spanish) == [f"figures differ: {str(protect.id)!r}"]
