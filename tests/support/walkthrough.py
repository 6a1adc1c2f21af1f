"""A patient's pages addressed by what they are, not where they are.

The content pack decides the order of the steps, and it changes: a test names a step by its type
("values", "own_questions", "readiness") or its id ("risks"), and the pack gives its number. URLs
come from the app's own routes by endpoint, so a changed path changes here too.

    link = PatientLink.from_url(location)          # after starting, or from a browser's page.url
    pages.get(link.step(type="values"))
    pages.post(link.step(id="risks"), {"ask": "yes"})
    link.review(), link.later(), link.in_language("ur").step(type="own_questions")
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask

from app import create_app
from companion.content import ContentPack, Step
from companion.models import Discussion
from tests.support.database import SECRET_KEY

PROCEDURE = "htg492"


@functools.cache
def reference_app() -> Flask:
    """An app with no database behind it, for its routes and content packs."""
    return create_app(
        {"TESTING": True, "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )


def url(endpoint: str, **values: Any) -> str:
    """The path of an endpoint, as `url_for` gives it inside the app."""
    return reference_app().url_map.bind("localhost").build(endpoint, values)


def pack(procedure: str = PROCEDURE) -> ContentPack:
    result: ContentPack = reference_app().extensions["companion.packs"][procedure]
    return result


def steps(procedure: str = PROCEDURE) -> tuple[Step, ...]:
    return pack(procedure).steps


def step_number(
    *, type: str | None = None, id: str | None = None, procedure: str = PROCEDURE
) -> int:
    """The number of the first step of this type, or of the step with this id."""
    for number, step in enumerate(steps(procedure), start=1):
        if (type is None or step.type == type) and (id is None or step.id == id):
            return number
    raise LookupError(f"{procedure} has no step with type={type!r} id={id!r}")


def numbers_of(type: str, procedure: str = PROCEDURE) -> list[int]:
    """The numbers of every step of this type, in order."""
    return [n for n, step in enumerate(steps(procedure), start=1) if step.type == type]


def with_question(procedure: str = PROCEDURE) -> list[int]:
    """The numbers of the steps that end with a question to think about."""
    return [n for n, step in enumerate(steps(procedure), start=1) if step.question is not None]


LINK = re.compile(r"/(?P<lang>[\w-]+)/w/(?P<token>[\w-]+)/")


@dataclass(frozen=True)
class PatientLink:
    """One discussion's patient pages, in one language; with an origin for a browser."""

    lang: str
    token: str
    procedure: str = PROCEDURE
    origin: str = ""

    @classmethod
    def from_url(cls, address: str, procedure: str = PROCEDURE) -> PatientLink:
        parts = urlsplit(address)
        match = LINK.match(parts.path)
        assert match, f"not a patient page: {address}"
        origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        return cls(match["lang"], match["token"], procedure, origin)

    @classmethod
    def of(cls, discussion: Discussion, origin: str = "") -> PatientLink:
        return cls(discussion.language, discussion.token, discussion.procedure, origin)

    def in_language(self, lang: str) -> PatientLink:
        return replace(self, lang=lang)

    def _url(self, endpoint: str, **values: Any) -> str:
        return self.origin + url(f"walkthrough.{endpoint}", lang=self.lang, **values)

    def number(self, *, type: str | None = None, id: str | None = None) -> int:
        return step_number(type=type, id=id, procedure=self.procedure)

    def step(
        self,
        number: int | None = None,
        *,
        type: str | None = None,
        id: str | None = None,
        anchor: str = "",
        **query: str,
    ) -> str:
        """A step by number (where the order itself is what a test is about), type or id."""
        if number is None:
            number = self.number(type=type, id=id)
        address = self._url("step", token=self.token, number=number)
        if query:
            address += "?" + urlencode(query)
        return address + (f"#{anchor}" if anchor else "")

    def first(self) -> str:
        return self.step(1)

    def last(self) -> str:
        return self.step(len(steps(self.procedure)))

    def after(self, *, type: str | None = None, id: str | None = None) -> str:
        """Where "Continue" leads from this step: the next one, or the review after the last."""
        number = self.number(type=type, id=id)
        return self.review() if number == len(steps(self.procedure)) else self.step(number + 1)

    def review(self) -> str:
        return self._url("review", token=self.token)

    def later(self) -> str:
        return self._url("later", token=self.token)

    def finish(self) -> str:
        return self._url("finish", token=self.token)

    def before_finishing(self) -> str:
        return self._url("before_finishing", token=self.token)

    def finished(self) -> str:
        return self._url("finished", token=self.token)

    def questions_to_print(self) -> str:
        return self._url("questions_to_print", token=self.token)

    def clear(self) -> str:
        return self._url("clear", token=self.token)

    def continue_discussion(self) -> str:
        return self._url("continue_discussion", token=self.token)

    def edit_question(self, question_id: int) -> str:
        return self._url("edit_question", token=self.token, question_id=question_id)

    def remove_question(self, question_id: int) -> str:
        return self._url("remove_question", token=self.token, question_id=question_id)


def patient_with_link(app: Flask, link: PatientLink) -> Any:
    """A browser that opened the patient's link, as a patient at home does: it may show the
    discussion's pages from then on (their addresses alone open nothing)."""
    client = app.test_client()
    assert client.get(link.continue_discussion()).status_code == 302
    return client
