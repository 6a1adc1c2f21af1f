"""Content packs: one folder per procedure, English source text as data, checked at start-up.

A pack that is malformed stops the app with one message naming the file and the field, so a content
editor can fix it without reading code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from flask import Flask, current_app

PACK_FILE = "pack.yaml"
STEP_TYPES = ("information", "values", "own_questions", "readiness")
LIST_NAMES = ("benefits", "risks", "options")
# The fields whose text a patient reads: they go through the "content" gettext catalogs.
TRANSLATABLE_FIELDS = frozenset({"title", "summary", "text", "name", "label"})
ABOUT_FIELDS = ("made_by", "not_nice", "funding", "update_policy")


class ContentPackError(ValueError):
    """A content pack cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    citation: str
    published: dt.date | None
    updated: dt.date | None
    url: str | None


@dataclass(frozen=True)
class Sourced:
    """A sentence or paragraph a patient reads, with where it comes from ("guidance 1.2")."""

    text: str
    source: str


@dataclass(frozen=True)
class Paragraph(Sourced):
    shows: str | None = None


@dataclass(frozen=True)
class Choice:
    """A benefit, risk or option the patient and staff can point to by id."""

    id: str
    name: str
    text: str | None
    source: str


@dataclass(frozen=True)
class Prompt:
    """A question to think about, a values statement or a readiness item."""

    id: str
    text: str
    source: str


@dataclass(frozen=True)
class Step:
    id: str
    type: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    question: Prompt | None = None
    statements: tuple[Prompt, ...] = ()
    items: tuple[Prompt, ...] = ()
    ready: Sourced | None = None
    not_ready: Sourced | None = None


@dataclass(frozen=True)
class ContentPack:
    id: str
    title: str
    summary: str
    content_version: str
    published: dt.date
    review_due: dt.date
    sources: tuple[Source, ...]
    benefits: tuple[Choice, ...]
    risks: tuple[Choice, ...]
    options: tuple[Choice, ...]
    steps: tuple[Step, ...]
    about: dict[str, Sourced]

    def step_number(self, step_id: str) -> int:
        return next(i for i, step in enumerate(self.steps, start=1) if step.id == step_id)

    def step_of_type(self, step_type: str) -> Step:
        return next(step for step in self.steps if step.type == step_type)

    def cite(self, references: list[str]) -> list[tuple[str, list[str]]]:
        """Group references such as "guidance 1.2; PROTECT II" by source, in first-seen order."""
        by_label: dict[str, list[str]] = {}
        for reference in references:
            for part in reference.split(";"):
                part = part.strip()
                source = max(
                    (s for s in self.sources if part == s.key or part.startswith(s.key + " ")),
                    key=lambda s: len(s.key),
                )
                sections = by_label.setdefault(source.label, [])
                for section in part[len(source.key) :].split(","):
                    if section.strip() and section.strip() not in sections:
                        sections.append(section.strip())
        return list(by_label.items())

    @property
    def questions(self) -> tuple[Prompt, ...]:
        return tuple(step.question for step in self.steps if step.question)


class _Reader:
    """Reads one mapping of a pack, remembering where it is for error messages."""

    def __init__(self, file: Path, data: Any, path: str) -> None:
        self.file, self.data, self.path = file, data, path
        if not isinstance(data, dict):
            self.fail("must be a mapping of fields")

    def fail(self, problem: str, field: str | None = None) -> ContentPackError:
        where = f"{self.path}.{field}" if field and self.path else (field or self.path or "top")
        raise ContentPackError(f"{self.file}: {where}: {problem}")

    def text(self, field: str) -> str:
        value = self.data.get(field)
        if value is None:
            self.fail("is missing", field)
        if not isinstance(value, str | int | float) or not str(value).strip():
            self.fail("must be non-empty text", field)
        return " ".join(str(value).split())

    def optional_text(self, field: str) -> str | None:
        return self.text(field) if self.data.get(field) is not None else None

    def date(self, field: str, *, required: bool = True) -> dt.date | None:
        value = self.data.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, dt.date):
            self.fail("must be a date written as YYYY-MM-DD", field)
        date: dt.date = value
        return date

    def children(self, field: str, *, required: bool = True) -> list[_Reader]:
        value = self.data.get(field)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not value:
            self.fail("must be a non-empty list", field)
        return [
            _Reader(self.file, item, f"{self._join(field)}[{i}]") for i, item in enumerate(value)
        ]

    def child(self, field: str) -> _Reader:
        if field not in self.data:
            self.fail("is missing", field)
        return _Reader(self.file, self.data[field], self._join(field))

    def _join(self, field: str) -> str:
        return f"{self.path}.{field}" if self.path else field


def _unique(readers: list[_Reader], ids: list[str]) -> None:
    seen: set[str] = set()
    for reader, item_id in zip(readers, ids, strict=True):
        if item_id in seen:
            reader.fail(f"repeats the id {item_id!r}", "id")
        seen.add(item_id)


def _source(reader: _Reader, keys: set[str]) -> str:
    """A source reference names a declared source, then optionally a section: "guidance 1.2"."""
    reference = reader.text("source")
    for part in reference.split(";"):
        part = part.strip()
        if not any(part == key or part.startswith(key + " ") for key in keys):
            reader.fail(f"names no declared source ({part!r}); declare it under sources", "source")
    return reference


def _sourced(reader: _Reader, keys: set[str]) -> Sourced:
    return Sourced(text=reader.text("text"), source=_source(reader, keys))


def _prompts(readers: list[_Reader], keys: set[str]) -> tuple[Prompt, ...]:
    prompts = [Prompt(r.text("id"), r.text("text"), _source(r, keys)) for r in readers]
    _unique(readers, [p.id for p in prompts])
    return tuple(prompts)


def _choices(readers: list[_Reader], keys: set[str]) -> tuple[Choice, ...]:
    choices = [
        Choice(r.text("id"), r.text("name"), r.optional_text("text"), _source(r, keys))
        for r in readers
    ]
    _unique(readers, [c.id for c in choices])
    return tuple(choices)


def _step(reader: _Reader, keys: set[str]) -> Step:
    step_type = reader.text("type")
    if step_type not in STEP_TYPES:
        reader.fail(f"is {step_type!r}, not one of {', '.join(STEP_TYPES)}", "type")
    paragraphs = []
    for p in reader.children("paragraphs"):
        shows = p.optional_text("shows")
        if shows is not None and shows not in LIST_NAMES:
            p.fail(f"is {shows!r}, not one of {', '.join(LIST_NAMES)}", "shows")
        paragraphs.append(Paragraph(p.text("text"), _source(p, keys), shows))
    question = None
    if "question" in reader.data:
        q = reader.child("question")
        question = Prompt(q.text("id"), q.text("text"), _source(q, keys))
    step = Step(
        id=reader.text("id"),
        type=step_type,
        title=reader.text("title"),
        paragraphs=tuple(paragraphs),
        question=question,
    )
    if step_type == "values":
        step = replace(step, statements=_prompts(reader.children("statements"), keys))
    if step_type == "readiness":
        step = replace(
            step,
            items=_prompts(reader.children("items"), keys),
            ready=_sourced(reader.child("ready"), keys),
            not_ready=_sourced(reader.child("not_ready"), keys),
        )
    return step


def parse_pack(file: Path, data: Any) -> ContentPack:
    top = _Reader(file, data, "")
    source_readers = top.children("sources")
    sources = tuple(
        Source(
            key=r.text("key"),
            label=r.text("label"),
            citation=r.text("citation"),
            published=r.date("published", required=False),
            updated=r.date("updated", required=False),
            url=r.optional_text("url"),
        )
        for r in source_readers
    )
    keys = {s.key for s in sources}
    step_readers = top.children("steps")
    steps = tuple(_step(r, keys) for r in step_readers)
    _unique(step_readers, [s.id for s in steps])
    for step_type in ("own_questions", "readiness", "values"):
        if sum(s.type == step_type for s in steps) != 1:
            top.fail(f"must have exactly one step of type {step_type!r}", "steps")
    question_readers = [r.child("question") for r in step_readers if "question" in r.data]
    _unique(question_readers, [q.text("id") for q in question_readers])
    about = top.child("about")
    pack = ContentPack(
        id=top.text("id"),
        title=top.text("title"),
        summary=top.text("summary"),
        content_version=top.text("content_version"),
        published=top.date("published") or dt.date.min,
        review_due=top.date("review_due") or dt.date.min,
        sources=sources,
        benefits=_choices(top.children("benefits"), keys),
        risks=_choices(top.children("risks"), keys),
        options=_choices(top.children("options"), keys),
        steps=steps,
        about={field: _sourced(about.child(field), keys) for field in ABOUT_FIELDS},
    )
    if pack.id != file.parent.name:
        top.fail(f"is {pack.id!r} but the folder is {file.parent.name!r}", "id")
    return pack


def load_pack(folder: Path) -> ContentPack:
    file = folder / PACK_FILE
    try:
        # libyaml's safe loader when PyYAML has it: the same data, ten times faster.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    except FileNotFoundError:
        raise ContentPackError(f"{file}: file is missing") from None
    except yaml.YAMLError as error:
        raise ContentPackError(f"{file}: not valid YAML: {error}") from None
    return parse_pack(file, data)


def load_packs(content_dir: Path) -> dict[str, ContentPack]:
    folders = sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise ContentPackError(f"{content_dir}: holds no content pack folders")
    return {folder.name: load_pack(folder) for folder in folders}


def init_app(app: Flask, content_dir: Path) -> None:
    app.extensions["companion.packs"] = load_packs(content_dir)


def packs() -> dict[str, ContentPack]:
    """The app's content packs by procedure id, in folder order."""
    result: dict[str, ContentPack] = current_app.extensions["companion.packs"]
    return result


def pack(procedure: str) -> ContentPack:
    """The content pack of one procedure; KeyError if the app has none by that id."""
    return packs()[procedure]


def extract_content_pack(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Any:
    """Babel extractor: yields every translatable field of a pack with a translator comment.

    Registered in babel-content.cfg so that ordinary `pybabel extract` builds content.pot.
    """
    root = yaml.compose(fileobj.read().decode("utf-8"))

    def walk(node: Any, path: str) -> Any:
        if isinstance(node, yaml.MappingNode):
            fields = {k.value: v for k, v in node.value}
            source = fields.get("source")
            for key_node, value in node.value:
                child_path = f"{path}.{key_node.value}" if path else key_node.value
                if key_node.value in TRANSLATABLE_FIELDS and isinstance(value, yaml.ScalarNode):
                    comment = f"{child_path}"
                    if isinstance(source, yaml.ScalarNode):
                        comment += f" (source: {source.value})"
                    text = " ".join(value.value.split())
                    yield value.start_mark.line + 1, None, text, [comment]
                else:
                    yield from walk(value, child_path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                yield from walk(item, f"{path}[{i}]")

    if root is not None:
        yield from walk(root, "")
