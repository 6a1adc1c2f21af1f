"""The readability gate: the newest English guide is plain enough for a UK reading age of about 11.

Targets live in tests/readability.py. A failure names the page and the field paths to rewrite.
"""

from __future__ import annotations

import re

from tests.readability import (
    PAGE_MAX_GRADE,
    SENTENCE_MAX_WORDS,
    WHOLE_GUIDE_MAX_GRADE,
    grade,
    load,
    pages,
    sentences,
    words,
)

PACK = load()
PAGES = pages(PACK)

# Medical words the guide must keep, and what the sentence that first uses each one on a page
# must also say, so a reader meets the word and its meaning together.
EXPLAINED = {
    "angioplasty": "open narrowed arteries",
    "left ventricle": "main pumping chamber",
    "haemolysis": "red blood cells",
    "fluoroscopy": "X-ray",
    "aorta": "main artery",
    "catheter": "small tube",
    "local anaesthetic": "numb",
    "cardiogenic shock": "cannot pump enough blood",
    "intra-aortic balloon pump": "device",
    "clinical governance": "safety",
    "bypass surgery": "operation",
}


def test_the_whole_guide_reads_at_the_target_grade() -> None:
    whole = grade(" ".join(page.joined for page in PAGES))
    assert whole <= WHOLE_GUIDE_MAX_GRADE, f"whole guide: Flesch-Kincaid grade {whole:.1f}"


def test_no_page_is_harder_than_the_target() -> None:
    too_hard = []
    for page in PAGES:
        page_grade = grade(page.joined)
        if page_grade > PAGE_MAX_GRADE:
            hardest = sorted(page.texts, key=lambda t: grade(t.text), reverse=True)[:3]
            fields = ", ".join(f"{t.path} ({grade(t.text):.1f})" for t in hardest)
            too_hard.append(f"{page.name}: grade {page_grade:.1f}; hardest: {fields}")
    assert too_hard == []


def test_no_sentence_is_too_long() -> None:
    too_long = [
        f"{text.path}: {words(sentence)} words: {sentence}"
        for page in PAGES
        for text in page.texts
        for sentence in sentences(text.text)
        if words(sentence) > SENTENCE_MAX_WORDS
    ]
    assert too_long == []


def test_every_page_and_paragraph_is_measured() -> None:
    measured = {text.path for page in PAGES for text in page.texts}
    step_paragraphs = {
        f"steps[{i}].paragraphs[{j}].text"
        for i, step in enumerate(PACK["steps"])
        for j, _ in enumerate(step["paragraphs"])
    }
    assert step_paragraphs <= measured
    assert any(path.startswith("options[0].rows.") for path in measured)
    assert any(path.startswith("about.sections") for path in measured)
    assert len(PAGES) == len(PACK["steps"]) + 2


def test_medical_words_are_explained_in_the_sentence_that_uses_them() -> None:
    unexplained = []
    for page in PAGES:
        for term, meaning in EXPLAINED.items():
            pattern = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
            first = next(
                (
                    (text.path, sentence)
                    for text in page.texts
                    for sentence in sentences(text.text)
                    if pattern.search(sentence)
                ),
                None,
            )
            if first and meaning.lower() not in first[1].lower():
                unexplained.append(f"{page.name}: {first[0]}: {term!r} without {meaning!r}")
    assert unexplained == []
