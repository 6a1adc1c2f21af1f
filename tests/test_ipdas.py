"""docs/ipdas.md says where the guide meets each IPDAS item: every content id it names exists."""

from __future__ import annotations

import re
from pathlib import Path

from companion.content import ContentPack, load_pack

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ipdas.md"
ITEMS = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "C1", "C2", "C3", "C4", "C5", "C6"]
DOMAINS = [
    "Information",
    "Probabilities",
    "Values",
    "Guidance",
    "Development",
    "Evidence",
    "Disclosure",
    "Plain language",
    "Evaluation",
    "Stories",
]


def ids(pack: ContentPack) -> dict[str, set[str]]:
    values = pack.values_step
    readiness = pack.readiness_step
    return {
        "step": {s.id for s in pack.steps},
        "question": {q.id for q in pack.questions},
        "option": {o.id for o in pack.options},
        "row": {r.id for r in pack.option_rows},
        "figure": {f.id for f in pack.figures},
        "risk": {r.id for r in pack.risks},
        "benefit": {b.id for b in pack.benefits},
        "statement": {s.id for s in values.statements},
        "item": {i.id for i in readiness.items},
        "about": {s.id for s in pack.about_sections} | set(pack.about),
    }


def test_every_content_id_the_ipdas_page_names_exists() -> None:
    text = DOC.read_text()
    known = ids(load_pack(ROOT / "content" / "htg492"))
    named = re.findall(r"`([a-z]+)/([a-z0-9_-]+)`", text)
    assert len(named) > 40
    missing = [f"{kind}/{name}" for kind, name in named if name not in known.get(kind, set())]
    assert missing == []


def test_the_ipdas_page_covers_every_item_and_domain() -> None:
    text = DOC.read_text()
    for item in ITEMS:
        assert re.search(rf"^\| {item} ", text, re.MULTILINE), item
    for domain in DOMAINS:
        assert f"| {domain} |" in text, domain
    assert "version **" + load_pack(ROOT / "content" / "htg492").content_version in text
