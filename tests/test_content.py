"""The content pack: faithful to NICE, every statement sourced, and malformed packs refused."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from app import create_app
from companion.content import ContentPackError, load_pack, load_packs, load_versions
from companion.steps import check_pack
from tests.support.pages import PageClient, text_of

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "content" / "htg492"
SOURCES = PACK / "sources"
STUDIES = ("CHIP-BCIS3", "PROTECT II", "BCIS-1", "REVIVED-BCIS2", "PROTECT IV", "SURE test")
NEWEST = "2.1.0"
PACK_FILE = PACK / NEWEST / "pack.yaml"
# Published versions are never edited: a discussion shown one must be able to show it again.
PUBLISHED = {
    "1.0.0": "573865f776a29d6d9a89123e73d755d1a6d87f8435791182eb4a96633f4fd407",
    "2.0.0": "efe287ec86fd455eeaf9615db2e3bd9c308f0ac57ca3668e1a713bdd77714cea",
}


def nice_questions() -> list[str]:
    text = (SOURCES / "nice-htg492-information-for-the-public.txt").read_text()
    block = text.split("## Some questions to think about", 1)[1]
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


def test_the_five_nice_questions_appear_word_for_word_in_order() -> None:
    expected = nice_questions()
    assert len(expected) == 5
    pack = load_pack(PACK)
    assert [q.text for q in pack.questions] == expected


def walk(node: Any, path: str = "") -> Any:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from walk(item, f"{path}[{i}]")


def test_every_statement_carries_a_source_reference() -> None:
    raw = yaml.safe_load(PACK_FILE.read_text())
    statements = [
        (path, node)
        for path, node in walk(raw)
        if ("text" in node or "name" in node) and not path.startswith("sources")
    ]
    assert len(statements) > 60
    missing = [path for path, node in statements if not node.get("source")]
    assert missing == []


def test_every_figure_cites_the_study_it_comes_from() -> None:
    """A number of people ("35 in 100", "452 people") may only appear with its study named."""
    pack = load_pack(PACK)
    texts = [(p.text, p.source) for s in pack.steps for p in s.paragraphs]
    figures = [(t, s) for t, s in texts if re.search(r"\d+ (in 100|people)", t)]
    assert len(figures) >= 3
    for text, source in figures:
        assert any(study in source for study in STUDIES), f"figure without its study: {text}"
        assert any(study in text for study in STUDIES), f"figure must name its study: {text}"
    for figure in pack.figures:
        assert any(study in figure.name and study in figure.source for study in STUDIES)
        assert re.search(r"\((19|20)\d\d\)", figure.name), f"{figure.name}: give the year"


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def source_numbers() -> set[str]:
    """Every number in the pack's sources, with each decimal also rounded to a whole number."""
    found: set[str] = set()
    for file in SOURCES.glob("*.*"):
        for number in NUMBER.findall(file.read_text()):
            found.add(number)
            if re.fullmatch(r"\d+\.\d+", number):
                found.add(str(round(float(number))))
    return found


def rates(text: str) -> set[str]:
    """The "N in 100" figures a text gives: each percentage rounded, and "about N in 100"."""
    found = {str(round(float(n))) for n in re.findall(r"(\d+(?:\.\d+)?)%", text)}
    return found | set(re.findall(r"(\d+) in 100\b", text))


def study_rates(reference: str) -> set[str]:
    """The rates given by the parts of the evidence summary about the studies a reference names."""
    sections = (SOURCES / "clinical-evidence.md").read_text().split("\n## ")
    found: set[str] = set()
    for part in reference.split(";"):
        study = part.strip()
        found |= {r for section in sections if study in section for r in rates(section)}
    return found


def test_every_number_in_the_english_guide_is_in_its_sources() -> None:
    """No figure is invented: each number is in the NICE texts or the evidence summary, or is the
    other side of an "N in 100" figure that is (73 in 100 did not, when 27 in 100 did)."""
    raw = yaml.safe_load(PACK_FILE.read_text())
    known = source_numbers()
    missing = []
    for path, node in walk({k: v for k, v in raw.items() if k != "sources"}):
        if node.get("source", "").strip() == "publisher":
            continue  # about this guide itself (dates, reading age), not a clinical statement
        for field in ("text", "name"):
            text = node.get(field)
            if not isinstance(text, str):
                continue
            given: list[str] = []
            study = study_rates(node.get("source", ""))
            for number in re.findall(r"(\d+) in 100\b", text):
                # A figure of people in 100 is a rate a source gives, or the other side of one
                # given just before it ("about 27 in 100 died ... about 73 in 100 did not").
                if number in study or any(int(number) == 100 - int(g) for g in given):
                    given.append(number)
                else:
                    missing.append(f"{path}.{field}: {number} in 100")
            for number in NUMBER.findall(re.sub(r"\d+ in 100\b", "", text)):
                if number not in known:
                    missing.append(f"{path}.{field}: {number}")
        # Figures kept as data beside the text ({people}: "1252") are checked the same way.
        for name, figure in (node.get("numbers") or {}).items():
            if figure.removesuffix("%") not in {n.replace(",", "") for n in known}:
                missing.append(f"{path}.numbers.{name}: {figure}")
    assert missing == []
    assert {"27", "15"} <= study_rates("CHIP-BCIS3") and "42" not in study_rates("PROTECT II")


def test_published_versions_are_never_edited_in_place() -> None:
    versions = load_versions(PACK)
    assert list(versions) == [*PUBLISHED, NEWEST]
    for version, digest in PUBLISHED.items():
        data = (PACK / version / "pack.yaml").read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"{version} was edited"
        assert versions[version].content_version == version
    assert load_pack(PACK).content_version == NEWEST


def test_the_pack_covers_what_the_patient_needs_to_know() -> None:
    pack = load_pack(PACK)
    everything = " ".join(
        [p.text for s in pack.steps for p in s.paragraphs]
        + [c.name + " " + (c.text or "") for c in pack.risks + pack.benefits + pack.options]
        + [row.text for o in pack.options for row in o.rows.values()]
    )
    for needed in (
        "local anaesthetic",
        "groin or under the collarbone",
        "console",
        "fluoroscopy",
        "taken out when you are stable",
        "Damage to blood vessels",
        "Bleeding",
        "haemolysis",
        "left ventricle",
        "BCIS",
        "clinical governance",
        "audit",
        "Not having PCI",
        "CHIP-BCIS3",
        "New England Journal of Medicine in 2026",
        "not designed to prove",
        "cardiogenic shock",
        "HTG775",
        "balloon pump",
        "bypass surgery",
        "Before",
        "During",
        "After",
        "DVLA",
        "drive a car for a week",
        "same day or the next day",
        "DanGer Shock",
        "Tell your team what you would want if this happened",
        "did not find a benefit",
        "a little better or a little worse",
        "about 28 in 100",
        "about 39 in 100",
        "This guide has no figure for bleeding",
        "deaths from any cause in CHIP-BCIS3",
    ):
        assert needed in everything + " ".join(
            p.heading or "" for s in pack.steps for p in s.paragraphs
        ), needed
    for withdrawn in (
        "Most people do not need extra support",
        "long-term effects",
        "their outcomes were poor",
        "This lowers the risk",
        "found no benefit",
        "The sources of this guide do not",
        "the best study",
    ):
        assert withdrawn not in everything, withdrawn
    assert [s.type for s in pack.steps][-4:] == ["values", "own_questions", "leaning", "readiness"]
    readiness = pack.readiness_step
    assert [i.id for i in readiness.items] == [
        "sure",
        "understand",
        "risk-benefit",
        "encouragement",
    ]
    assert "PROTECT IV" in pack.about["update_policy"].text
    assert "not a NICE product" in pack.about["not_nice"].text
    sections = {s.id: " ".join(p.text for p in s.paragraphs) for s in pack.about_sections}
    assert {
        "for-whom",
        "authors",
        "funding",
        "evidence",
        "updates",
        "stories",
        "privacy",
        "reading-level",
    } <= set(sections)
    assert "4 December 2026" in sections["evidence"]
    assert "numbers" in sections and "{low} to {high}" in sections["numbers"]
    figures = {n for s in pack.about_sections for p in s.paragraphs for n in p.numbers}
    assert {("low", "0.63"), ("high", "1.15"), ("people", "1252")} <= figures
    assert "not heart doctors" in sections["authors"]
    assert "without outside money" in sections["funding"]
    assert "PROTECT IV" in sections["updates"] and "may change" in sections["updates"]
    assert "cardiogenic shock" in sections["for-whom"] and "emergency" in sections["for-whom"]


def test_every_figure_restates_its_outcome_in_full() -> None:
    """ "About 73 in 100 did not." leaves the reader, or a translator, to guess what did not happen:
    every "N in 100" complement in the newest English says the outcome again."""
    raw = yaml.safe_load(PACK_FILE.read_text())
    elliptical = [
        f"{path}: {node['text']}"
        for path, node in walk(raw)
        if isinstance(node.get("text"), str)
        and re.search(r"\bin 100 (people )?did not\.", " ".join(node["text"].split()))
    ]
    assert elliptical == []


def test_no_values_statement_leans_towards_an_option() -> None:
    """Each statement weighs a gain against a cost, and none appeals to what a study found."""
    values = load_pack(PACK).values_step
    for statement in values.statements:
        assert ", even " in statement.text, statement.id
        assert "study" not in statement.text.lower(), statement.id


def test_every_option_is_described_in_the_same_detail() -> None:
    pack = load_pack(PACK)
    assert [o.id for o in pack.options] == ["planned-pump", "no-support", "balloon-pump", "no-pci"]
    rows = [row.id for row in pack.option_rows]
    assert rows == ["involves", "benefits", "harms", "unknown", "for-you"]
    for option in pack.options:
        assert list(option.rows) == rows, option.id
    compared = {arm.option for figure in pack.figures for arm in figure.arms}
    assert {"planned-pump", "no-support", "balloon-pump", "no-pci"} <= compared


def test_each_nice_question_has_an_answer_in_the_guide_that_links_to_more() -> None:
    pack = load_pack(PACK)
    step_ids = [s.id for s in pack.steps]
    for question in pack.questions:
        assert question.answer is not None, question.id
        assert question.answer.step in step_ids
        assert len(question.answer.text.split()) >= 15, question.id


def broken_pack(tmp_path: Path, change: Any) -> Path:
    """A copy of the procedure whose newest version has one thing wrong."""
    folder = tmp_path / "content" / "htg492"
    shutil.copytree(PACK, folder)
    file = folder / NEWEST / "pack.yaml"
    data = yaml.safe_load(file.read_text())
    change(data)
    file.write_text(yaml.safe_dump(data, allow_unicode=True))
    return folder


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda d: d.pop("review_due"), "review_due", "must be a date"),
        (lambda d: d["steps"][0].pop("title"), "steps[0].title", "is missing"),
        (lambda d: d["steps"][2].update(type="quiz"), "steps[2].type", "'quiz'"),
        (
            lambda d: d["steps"][1]["question"].update(text=""),
            "steps[1].question.text",
            "non-empty",
        ),
        (
            lambda d: d["steps"][0]["paragraphs"][1].pop("source"),
            "steps[0].paragraphs[1].source",
            "is missing",
        ),
        (
            lambda d: d["risks"][0].update(source="a blog 2.1"),
            "risks[0].source",
            "no declared source",
        ),
        (
            lambda d: (
                d["risks"][1].update(id="bleeding-x") or d["risks"][0].update(id="bleeding-x")
            ),
            "risks[1].id",
            "repeats",
        ),
        (
            lambda d: d["steps"][0]["paragraphs"][0].update(shows="harms"),
            "paragraphs[0].shows",
            "'harms'",
        ),
        (
            lambda d: d["options"][2]["rows"].pop("harms"),
            "options[2].rows.harms",
            "is missing",
        ),
        (
            lambda d: d["figures"][0]["arms"][0].update(text="About 27 in 100 people died."),
            "figures[0].arms[0].text",
            "both ways",
        ),
        (
            lambda d: d["figures"][0]["arms"][0].update(
                text="About 27 in 100 people died from heart causes. About 73 in 100 did not."
            ),
            "figures[0].arms[0].text",
            "restate the outcome in full",
        ),
        (
            lambda d: d["figures"][1]["arms"][1].update(
                text="About 40 in 100 people had a serious problem. About 60 in 100 were fine."
            ),
            "figures[1].arms[1].text",
            "('serious problem')",
        ),
        (
            lambda d: d["steps"][3]["paragraphs"][5].update(figures=["heart-death"]),
            "steps[3].paragraphs[5].figures[0]",
            "not the id of a figure",
        ),
        (
            lambda d: d["steps"][1]["paragraphs"][6]["picture"].update(file="pump.png"),
            "steps[1].paragraphs[6].picture.file",
            "name an .svg file",
        ),
        (
            lambda d: d["steps"][1]["paragraphs"][6]["picture"].update(file="no-such-drawing.svg"),
            "steps[1].paragraphs[6].picture.file",
            "not a file in static/img",
        ),
        (
            lambda d: d["steps"][1]["paragraphs"][6]["picture"]["alt"].pop("source"),
            "steps[1].paragraphs[6].picture.alt.source",
            "is missing",
        ),
        (
            lambda d: d["figures"][1]["arms"][1].update(option="a-stent"),
            "figures[1].arms[1].option",
            "not the id of an option",
        ),
        (
            lambda d: d["steps"][4]["question"]["answer"].update(step="nowhere"),
            "steps[4].question.answer.step",
            "not the id of a step",
        ),
        (
            lambda d: d["about"]["sections"][4]["paragraphs"][2]["numbers"].pop("ratio"),
            "about.sections[4].paragraphs[2].numbers",
            "but the text has",
        ),
        (
            lambda d: d["about"]["sections"][4]["paragraphs"][2]["numbers"].update(ratio="0,85"),
            "about.sections[4].paragraphs[2].numbers.ratio",
            "write it in quotes as digits",
        ),
        (
            lambda d: d.update(content_version="2.0.1"),
            "content_version",
            "but the folder is '2.1.0'",
        ),
    ],
)
def test_a_malformed_pack_is_refused_naming_file_and_field(
    tmp_path: Path, change: Any, field: str, problem: str
) -> None:
    folder = broken_pack(tmp_path, change)
    with pytest.raises(ContentPackError) as caught:
        check_pack(load_pack(folder))  # the app checks its steps' kinds as it starts
    message = str(caught.value)
    assert message.startswith(f"{folder / NEWEST / 'pack.yaml'}: ")
    assert field in message
    assert problem in message


def test_the_app_will_not_start_on_a_broken_pack(tmp_path: Path) -> None:
    folder = broken_pack(tmp_path, lambda d: d["steps"][3]["paragraphs"][0].pop("source"))
    with pytest.raises(ContentPackError, match=r"steps\[3\]\.paragraphs\[0\]\.source: is missing"):
        create_app({"TESTING": True, "CONTENT_DIR": str(folder.parent)})


def test_invalid_yaml_and_missing_file_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "empty"
    folder.mkdir(parents=True)
    with pytest.raises(ContentPackError, match=r"pack\.yaml: file is missing"):
        load_packs(folder.parent)
    (folder / "pack.yaml").write_text("id: [unclosed\n")
    with pytest.raises(ContentPackError, match=r"pack\.yaml: not valid YAML"):
        load_pack(folder)


@pytest.mark.parametrize(
    ("lang", "people", "percent", "ratio"),
    [
        ("en", "about 1,252 people", "26.7% with a planned pump", "win ratio 0.85"),
        ("es", "unas 1.252 personas", "26,7 %", "0,85"),
        ("pl", "1 252", "26,7%", "0,85"),  # a no-break space, read as a space
        ("ur", "1,252", "26.7%", "0.85"),
    ],
)
def test_figures_are_written_as_each_reader_reads_numbers(
    pages: PageClient, lang: str, people: str, percent: str, ratio: str
) -> None:
    """The About page's numbers in detail: each figure is data, formatted for the reader's
    locale, so no translation can turn 1,252 people into one point two five two."""
    about = pages.get(f"/{lang}/about/htg492", lang=lang)
    main = text_of(about, "main")
    assert people in main and percent in main and ratio in main
    assert "{" not in main, "every figure is filled in"
