"""The content pack: faithful to NICE, every statement sourced, and malformed packs refused."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from app import create_app
from companion.content import ContentPackError, load_pack, load_packs

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "content" / "htg492"
SOURCES = PACK / "sources"
STUDIES = ("PROTECT II", "BCIS-1", "REVIVED-BCIS2", "PROTECT IV", "SURE test")


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
    raw = yaml.safe_load((PACK / "pack.yaml").read_text())
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


def test_the_pack_covers_what_the_patient_needs_to_know() -> None:
    pack = load_pack(PACK)
    everything = " ".join(
        [p.text for s in pack.steps for p in s.paragraphs]
        + [c.name + " " + (c.text or "") for c in pack.risks + pack.benefits + pack.options]
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
        "Not having the procedure",
    ):
        assert needed in everything, needed
    assert [s.type for s in pack.steps][-3:] == ["values", "own_questions", "readiness"]
    readiness = pack.step_of_type("readiness")
    assert [i.id for i in readiness.items] == [
        "sure",
        "understand",
        "risk-benefit",
        "encouragement",
    ]
    assert "PROTECT IV" in pack.about["update_policy"].text
    assert "not a NICE product" in pack.about["not_nice"].text


def broken_pack(tmp_path: Path, change: Any) -> Path:
    folder = tmp_path / "content" / "htg492"
    shutil.copytree(PACK, folder)
    data = yaml.safe_load((folder / "pack.yaml").read_text())
    change(data)
    (folder / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
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
    ],
)
def test_a_malformed_pack_is_refused_naming_file_and_field(
    tmp_path: Path, change: Any, field: str, problem: str
) -> None:
    folder = broken_pack(tmp_path, change)
    with pytest.raises(ContentPackError) as caught:
        load_pack(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'pack.yaml'}: ")
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
