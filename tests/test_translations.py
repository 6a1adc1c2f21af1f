"""Translation gates: catalogs current, complete, faithful to placeholders, never stale."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from tests.conftest import make_app
from tests.pages import PageClient

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LANGUAGES = yaml.safe_load((TRANSLATIONS / "languages.yaml").read_text())
TRANSLATED = [lang["locale"] for lang in LANGUAGES if lang["review"] != "source"]
DOMAINS = ("messages", "content")
PLACEHOLDER = re.compile(r"%\(\w+\)s")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def catalog(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as f:
        return read_po(f)


def extract(tmp_path: Path, domain: str) -> set[str]:
    out = tmp_path / f"{domain}.pot"
    subprocess.run(
        ["make", "--no-print-directory", "extract", f"POT_DIR={tmp_path}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return {m.id for m in catalog(out) if m.id}


def test_catalog_templates_match_the_code_and_content(tmp_path: Path) -> None:
    for domain in DOMAINS:
        fresh = extract(tmp_path, domain)
        committed = {m.id for m in catalog(TRANSLATIONS / f"{domain}.pot") if m.id}
        assert fresh == committed, f"{domain}.pot is out of date: run make update-catalogs"


@pytest.mark.parametrize("locale", TRANSLATED)
@pytest.mark.parametrize("domain", DOMAINS)
def test_each_language_is_complete_and_faithful(locale: str, domain: str) -> None:
    template = {m.id for m in catalog(TRANSLATIONS / f"{domain}.pot") if m.id}
    po = catalog(TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po")
    entries = [m for m in po if m.id]
    assert {m.id for m in entries} == template, "catalog not updated from its template"
    for message in entries:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        assert not message.fuzzy, f"needs review (fuzzy): {ids[0]!r}"
        for translated in strings:
            assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(ids[0])), (
                ids[0]
            )
            assert sorted(TAG.findall(translated)) == sorted(TAG.findall(ids[0])), ids[0]
            for number in NUMBER.findall(ids[0]):
                assert number in translated, f"number {number} lost in {ids[0]!r}"


def test_a_changed_english_sentence_shows_in_english_until_reviewed(tmp_path: Path) -> None:
    """Edit one sentence in a copy of the pack: Urdu readers get the new English, marked as such."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    pack = content / "htg492" / "pack.yaml"
    old = "Most people do not need extra support for the heart during angioplasty."
    new = "Most people having angioplasty do not need extra support for the heart."
    pack.write_text(pack.read_text().replace(old, new))
    app = make_app(tmp_path, CONTENT_DIR=str(content))
    pages = PageClient(app.test_client())
    location = pages.post("/ur/start", {"language": "ur"})
    assert isinstance(location, str)
    page = pages.get(location, lang="ur")
    fallbacks = page.select('main [lang="en"][dir="ltr"]')
    assert [f.get_text(strip=True) for f in fallbacks] == [new]
    translated = page.select("main [data-source]")
    assert len(translated) > 3
    assert old not in page.get_text(), page.get_text()[
        page.get_text().find(old) - 300 : page.get_text().find(old) + 100
    ]
