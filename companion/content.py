"""Content packs: one folder per procedure, English source text as data, checked at start-up.

A pack that is malformed stops the app with one message naming the file and the field, so a content
editor can fix it without reading code.

A published version is never edited: each version of a procedure lives in its own folder
(content/<procedure>/<version>/pack.yaml). New discussions get the newest version, and a discussion
keeps the version it was shown, so its walkthrough and record show exactly that text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from flask import Flask, current_app

PACK_FILE = "pack.yaml"
LIST_NAMES = ("benefits", "risks", "options")
# The fields whose text a patient reads: they go through the "content" gettext catalogs.
TRANSLATABLE_FIELDS = frozenset({"title", "summary", "text", "name", "label", "heading"})
ABOUT_FIELDS = ("made_by", "not_nice", "funding", "update_policy")
VERSION = re.compile(r"\d+\.\d+\.\d+")
# Drawings a pack may show: the project's own files in static/img, named in lower case.
PICTURE_FOLDER = Path(__file__).resolve().parent.parent / "static" / "img"
PICTURE_FILE = re.compile(r"[a-z0-9-]+\.svg")
# From content 2.1.0 on, the other side of a figure says its outcome again ("About 73 in 100 did
# not die from heart causes.", never "About 73 in 100 did not."), so that no reader or translator
# has to guess what did not happen. Earlier versions are published and stay as they are.
FULL_COMPLEMENT_FROM = (2, 1, 0)
# The leaning answer of a patient who has not chosen an option yet.
NOT_SURE = "not-sure"


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
    # Figures the text names as {placeholders}, as the pack writes them ("26.7%", "0.85",
    # "1252"): never in a translatable string, where a comma or point could be misread, but
    # formatted for the reader's locale where the text is shown (i18n.content_text).
    numbers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Picture:
    """A drawing in static/img, with a text alternative and a numbered key, all translatable.

    The drawing holds no words, only the numbers of the key, so every language reads the same
    file and the key below it in its own words."""

    file: str
    alt: Sourced
    labels: tuple[Sourced, ...]


@dataclass(frozen=True)
class Paragraph(Sourced):
    shows: str | None = None
    # A sub-heading shown above the paragraph ("Before", "During", "After").
    heading: str | None = None
    # Ids of study figures drawn as icon arrays after the paragraph (see ContentPack.figures).
    figures: tuple[str, ...] = ()
    # A drawing shown after the paragraph.
    picture: Picture | None = None


@dataclass(frozen=True)
class Choice:
    """A benefit, risk or option the patient and staff can point to by id."""

    id: str
    name: str
    text: str | None
    source: str
    # For options: the same rows for every option (what it involves, benefits, harms...).
    rows: dict[str, Sourced] = field(default_factory=dict)


@dataclass(frozen=True)
class Arm:
    """One option's figure in a study: `count` people in 100, said both ways in `text`."""

    option: str | None
    name: str
    count: int
    text: str
    source: str


@dataclass(frozen=True)
class Figure:
    """A figure a cited study gives for two options, drawn as icon arrays on the same scale."""

    id: str
    name: str
    text: str
    note: Sourced
    source: str
    arms: tuple[Arm, ...]


@dataclass(frozen=True)
class Answer(Sourced):
    """The guide's short answer to a question to think about, and the step that says more."""

    step: str = ""


@dataclass(frozen=True)
class Section:
    """A titled part of the About page."""

    id: str
    title: str
    paragraphs: tuple[Sourced, ...]


@dataclass(frozen=True)
class Prompt:
    """A question to think about, a values statement or a readiness item."""

    id: str
    text: str
    source: str
    answer: Answer | None = None


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
    not_sure: Sourced | None = None


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
    option_rows: tuple[Choice, ...] = ()
    figures: tuple[Figure, ...] = ()
    about_sections: tuple[Section, ...] = ()
    last_search: dt.date | None = None
    # The pack.yaml it was read from, for error messages that name it.
    file: str = ""

    def step_number(self, step_id: str) -> int:
        return next(i for i, step in enumerate(self.steps, start=1) if step.id == step_id)

    @property
    def values_step(self) -> Step:
        """The step where the patient rates what matters (companion/steps checks there is one)."""
        return next(step for step in self.steps if step.statements)

    @property
    def value_statements(self) -> tuple[Prompt, ...]:
        return self.values_step.statements

    @property
    def readiness_step(self) -> Step:
        """The step with the readiness (SURE) items (companion/steps checks there is one)."""
        return next(step for step in self.steps if step.items)

    @property
    def readiness_items(self) -> tuple[Prompt, ...]:
        return self.readiness_step.items

    @property
    def leaning_step(self) -> Step | None:
        """The step that asks which option the patient leans towards, if the pack has one."""
        return next((step for step in self.steps if step.not_sure), None)

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

    def option_name(self, option_id: str) -> str | None:
        """The name of an option the patient may lean towards, or None if the id is not one."""
        leaning = self.leaning_step
        if leaning is None:
            return None
        if option_id == NOT_SURE and leaning.not_sure is not None:
            return leaning.not_sure.text
        return next((o.name for o in self.options if o.id == option_id), None)


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
    return Sourced(text=reader.text("text"), source=_source(reader, keys), numbers=_numbers(reader))


# A figure as the pack writes it: digits with an optional decimal part and percent sign, no
# grouping ("1252", "0.85", "26.7%"), so that it means the same in every locale.
FIGURE = re.compile(r"\d+(?:\.\d+)?%?")
FIGURE_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _numbers(reader: _Reader) -> tuple[tuple[str, str], ...]:
    given = reader.data.get("numbers") or {}
    if not isinstance(given, dict):
        reader.fail("must be a mapping of names to figures", "numbers")
    named = set(FIGURE_PLACEHOLDER.findall(reader.text("text")))
    if named != set(given):
        reader.fail(f"names {sorted(given)} but the text has {sorted(named)}", "numbers")
    for name, figure in given.items():
        if not isinstance(figure, str) or not FIGURE.fullmatch(figure):
            reader.fail(
                f'is {figure!r}: write it in quotes as digits, like "26.7%"', f"numbers.{name}"
            )
    return tuple(sorted(given.items()))


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


def _option_rows(reader: _Reader, rows: tuple[Choice, ...], keys: set[str]) -> dict[str, Sourced]:
    """Every option is described by the same rows, so no option gets less detail than another."""
    if not rows:
        return {}
    given = reader.child("rows")
    for name in given.data:
        if name not in {row.id for row in rows}:
            given.fail("is not one of the option_rows", str(name))
    return {row.id: _sourced(given.child(row.id), keys) for row in rows}


def _last_words(sentence: str, n: int = 2) -> list[str]:
    return re.findall(r"[\w'-]+", sentence.lower())[-n:]


def _restates_outcome(reader: _Reader, text: str, count: int) -> None:
    """The complement ends with the same words as the outcome: "... died from heart causes.
    About 73 in 100 did not die from heart causes." """
    sentences = re.split(r"(?<=[.!?])\s+", text)
    outcome = next(s for s in sentences if re.search(rf"\b{count} in 100\b", s))
    complement = next(
        (s for s in sentences if s is not outcome and re.search(rf"\b{100 - count} in 100\b", s)),
        None,
    )
    if complement is None or _last_words(complement) != _last_words(outcome):
        reader.fail(
            f"must restate the outcome in full in the sentence with '{100 - count} in 100', "
            f"ending as the outcome does ('{' '.join(_last_words(outcome))}')",
            "text",
        )


def _figures(
    readers: list[_Reader],
    options: tuple[Choice, ...],
    keys: set[str],
    *,
    full_complement: bool = False,
) -> tuple[Figure, ...]:
    option_ids = {o.id for o in options}
    figures = []
    for r in readers:
        arms = []
        arm_readers = r.children("arms")
        if len(arm_readers) < 2:
            r.fail("must compare at least two options", "arms")
        for a in arm_readers:
            option = a.optional_text("option")
            if option is not None and option not in option_ids:
                a.fail(f"is {option!r}, not the id of an option", "option")
            name = a.optional_text("name") or next((o.name for o in options if o.id == option), "")
            if not name:
                a.fail("is missing: give the option or a name", "name")
            count = a.data.get("count")
            if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 100:
                a.fail("must be a whole number of people in 100", "count")
            text = a.text("text")
            # Both ways: who has the outcome and who does not.
            for n in (count, 100 - count):
                if not re.search(rf"\b{n} in 100\b", text):
                    a.fail(f"must say '{n} in 100': every figure is given both ways", "text")
            if full_complement:
                _restates_outcome(a, text, count)
            arms.append(Arm(option, name, count, text, _source(a, keys)))
        figures.append(
            Figure(
                id=r.text("id"),
                name=r.text("name"),
                text=r.text("text"),
                note=_sourced(r.child("note"), keys),
                source=_source(r, keys),
                arms=tuple(arms),
            )
        )
    _unique(readers, [f.id for f in figures])
    return tuple(figures)


def _sections(readers: list[_Reader], keys: set[str]) -> tuple[Section, ...]:
    sections = tuple(
        Section(
            r.text("id"),
            r.text("title"),
            tuple(_sourced(p, keys) for p in r.children("paragraphs")),
        )
        for r in readers
    )
    _unique(readers, [s.id for s in sections])
    return sections


def _picture(reader: _Reader, keys: set[str]) -> Picture:
    file = reader.text("file")
    if not PICTURE_FILE.fullmatch(file):
        reader.fail(f"is {file!r}: name an .svg file in static/img, in lower case", "file")
    if not (PICTURE_FOLDER / file).is_file():
        reader.fail(f"is {file!r}, not a file in static/img", "file")
    return Picture(
        file=file,
        alt=_sourced(reader.child("alt"), keys),
        labels=tuple(_sourced(r, keys) for r in reader.children("labels")),
    )


class _Id:
    """One id in a list of ids, remembering where it is for error messages."""

    def __init__(self, reader: _Reader, field: str, data: str) -> None:
        self.reader, self.field, self.data = reader, field, data

    def fail(self, problem: str) -> ContentPackError:
        return self.reader.fail(problem, self.field)


def _id_list(reader: _Reader, field: str) -> list[_Id]:
    value = reader.data.get(field)
    if not isinstance(value, list) or not value:
        reader.fail("must be a non-empty list of ids", field)
    ids = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            reader.fail("must be an id", f"{field}[{i}]")
        ids.append(_Id(reader, f"{field}[{i}]", item.strip()))
    return ids


def _step(reader: _Reader, keys: set[str]) -> Step:
    step_type = reader.text("type")  # a kind in companion/steps, checked there
    paragraphs = []
    for p in reader.children("paragraphs"):
        shows = p.optional_text("shows")
        if shows is not None and shows not in LIST_NAMES:
            p.fail(f"is {shows!r}, not one of {', '.join(LIST_NAMES)}", "shows")
        figure_ids: tuple[str, ...] = ()
        if p.data.get("figures") is not None:
            figure_ids = tuple(r.data for r in _id_list(p, "figures"))
        picture = _picture(p.child("picture"), keys) if "picture" in p.data else None
        paragraphs.append(
            Paragraph(
                text=p.text("text"),
                source=_source(p, keys),
                numbers=_numbers(p),
                shows=shows,
                heading=p.optional_text("heading"),
                figures=figure_ids,
                picture=picture,
            )
        )
    question = None
    if "question" in reader.data:
        q = reader.child("question")
        answer = None
        if "answer" in q.data:
            a = q.child("answer")
            answer = Answer(text=a.text("text"), source=_source(a, keys), step=a.text("step"))
        question = Prompt(q.text("id"), q.text("text"), _source(q, keys), answer)
    step = Step(
        id=reader.text("id"),
        type=step_type,
        title=reader.text("title"),
        paragraphs=tuple(paragraphs),
        question=question,
    )
    # What a kind of step needs beyond its paragraphs (companion/steps says which kind needs what).
    if "statements" in reader.data:
        step = replace(step, statements=_prompts(reader.children("statements"), keys))
    if "items" in reader.data:
        step = replace(step, items=_prompts(reader.children("items"), keys))
    if "ready" in reader.data:
        step = replace(step, ready=_sourced(reader.child("ready"), keys))
    if "not_ready" in reader.data:
        step = replace(step, not_ready=_sourced(reader.child("not_ready"), keys))
    if "not_sure" in reader.data:
        step = replace(step, not_sure=_sourced(reader.child("not_sure"), keys))
    return step


def parse_pack(file: Path, data: Any) -> ContentPack:
    top = _Reader(file, data, "")
    sources = _sources(top)
    keys = {s.key for s in sources}
    step_readers = top.children("steps")
    steps = _steps(step_readers, keys)
    option_rows, options = _options(top, keys)
    about = top.child("about")
    version = top.text("content_version")
    full_complement = bool(VERSION.fullmatch(version)) and (
        version_key(version) >= FULL_COMPLEMENT_FROM
    )
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
        options=options,
        steps=steps,
        about={name: _sourced(about.child(name), keys) for name in ABOUT_FIELDS},
        option_rows=option_rows,
        figures=_figures(
            top.children("figures", required=False),
            options,
            keys,
            full_complement=full_complement,
        ),
        about_sections=_sections(about.children("sections", required=False), keys),
        last_search=top.date("last_search", required=False),
        file=str(file),
    )
    _check_figures_drawn(step_readers, {f.id for f in pack.figures})
    _check_folder(top, pack)
    return pack


def _sources(top: _Reader) -> tuple[Source, ...]:
    return tuple(
        Source(
            key=r.text("key"),
            label=r.text("label"),
            citation=r.text("citation"),
            published=r.date("published", required=False),
            updated=r.date("updated", required=False),
            url=r.optional_text("url"),
        )
        for r in top.children("sources")
    )


def _steps(step_readers: list[_Reader], keys: set[str]) -> tuple[Step, ...]:
    """The steps, each id once, and every question's answer pointing at a step. (Which kinds
    of step a pack needs, and what each kind needs, companion/steps checks.)"""
    steps = tuple(_step(r, keys) for r in step_readers)
    _unique(step_readers, [s.id for s in steps])
    question_readers = [r.child("question") for r in step_readers if "question" in r.data]
    _unique(question_readers, [q.text("id") for q in question_readers])
    step_ids = {s.id for s in steps}
    for q, question in zip(
        question_readers, [s.question for s in steps if s.question], strict=True
    ):
        if question.answer is not None and question.answer.step not in step_ids:
            q.child("answer").fail(f"is {question.answer.step!r}, not the id of a step", "step")
    return steps


def _options(top: _Reader, keys: set[str]) -> tuple[tuple[Choice, ...], tuple[Choice, ...]]:
    """The rows every option is described by, and the options, each with every row."""
    option_rows: tuple[Choice, ...] = ()
    if "option_rows" in top.data:
        row_readers = top.children("option_rows")
        option_rows = tuple(
            Choice(r.text("id"), r.text("name"), None, _source(r, keys)) for r in row_readers
        )
        _unique(row_readers, [row.id for row in option_rows])
    option_readers = top.children("options")
    options = tuple(
        replace(choice, rows=_option_rows(r, option_rows, keys))
        for r, choice in zip(option_readers, _choices(option_readers, keys), strict=True)
    )
    return option_rows, options


def _check_figures_drawn(step_readers: list[_Reader], figure_ids: set[str]) -> None:
    """Every figure a paragraph draws after it is one the pack defines."""
    for step_reader in step_readers:
        for paragraph in step_reader.children("paragraphs"):
            if paragraph.data.get("figures") is not None:
                for item in _id_list(paragraph, "figures"):
                    if item.data not in figure_ids:
                        item.fail(f"is {item.data!r}, not the id of a figure")


def _check_folder(top: _Reader, pack: ContentPack) -> None:
    """The pack's id names its procedure's folder, and its version its version's folder."""
    file = top.file
    procedure_folder = file.parent.parent if VERSION.fullmatch(file.parent.name) else file.parent
    if pack.id != procedure_folder.name:
        top.fail(f"is {pack.id!r} but the folder is {procedure_folder.name!r}", "id")
    if VERSION.fullmatch(file.parent.name) and pack.content_version != file.parent.name:
        top.fail(
            f"is {pack.content_version!r} but the folder is {file.parent.name!r}",
            "content_version",
        )


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def load_versions(folder: Path) -> dict[str, ContentPack]:
    """Every published version of one procedure, oldest first.

    A procedure folder holds one folder per version (1.0.0/pack.yaml, 2.0.0/pack.yaml), or,
    for a procedure with a single version, pack.yaml itself.
    """
    if (folder / PACK_FILE).is_file():
        pack = _load_file(folder)
        return {pack.content_version: pack}
    versions = sorted(
        (p for p in folder.iterdir() if p.is_dir() and VERSION.fullmatch(p.name)),
        key=lambda p: version_key(p.name),
    )
    if not versions:
        raise ContentPackError(f"{folder / PACK_FILE}: file is missing")
    return {p.name: _load_file(p) for p in versions}


def load_pack(folder: Path) -> ContentPack:
    """The newest version of one procedure."""
    return list(load_versions(folder).values())[-1]


def _load_file(folder: Path) -> ContentPack:
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


def load_all_versions(content_dir: Path) -> dict[str, dict[str, ContentPack]]:
    """Every version of every procedure: {procedure: {version: pack}}, oldest version first."""
    folders = sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise ContentPackError(f"{content_dir}: holds no content pack folders")
    return {folder.name: load_versions(folder) for folder in folders}


def load_packs(content_dir: Path) -> dict[str, ContentPack]:
    """The newest version of every procedure: what a new discussion is shown."""
    return {
        name: list(versions.values())[-1]
        for name, versions in load_all_versions(content_dir).items()
    }


def init_app(app: Flask, content_dir: Path) -> None:
    versions = load_all_versions(content_dir)
    app.extensions["companion.pack_versions"] = versions
    app.extensions["companion.packs"] = {
        name: list(by_version.values())[-1] for name, by_version in versions.items()
    }


def versions_of_every_pack(app: Flask) -> list[ContentPack]:
    """Every version of every procedure the app has loaded."""
    versions: dict[str, dict[str, ContentPack]] = app.extensions["companion.pack_versions"]
    return [pack for by_version in versions.values() for pack in by_version.values()]


def packs() -> dict[str, ContentPack]:
    """The newest version of each procedure by id, in folder order: what a new discussion gets."""
    result: dict[str, ContentPack] = current_app.extensions["companion.packs"]
    return result


def pack(procedure: str) -> ContentPack:
    """The newest version of one procedure; KeyError if the app has none by that id."""
    return packs()[procedure]


def pack_shown(procedure: str, version: str) -> ContentPack:
    """The version of a procedure a discussion was shown: what its walkthrough and record show."""
    versions: dict[str, dict[str, ContentPack]] = current_app.extensions["companion.pack_versions"]
    return versions[procedure][version]


def versions_of(procedure: str) -> dict[str, ContentPack]:
    """Every published version of one procedure, oldest first."""
    result: dict[str, ContentPack] = current_app.extensions["companion.pack_versions"][procedure]
    return result


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
