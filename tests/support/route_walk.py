"""Requests to every route the app registers, with values no form of ours sends: for the test
that no input gets a server error (tests/test_every_route.py).

A `World` is one app with what its routes need to go deep: staff accounts, a discussion in
progress and one signed off, each with a question of the patient's, and the names of every field
its pages send. A `Visit` is one request, drawn by Hypothesis: a route and method, the values in
its path, query and form, a form token (good, missing, forged or another browser's), and a body
sent as a form, multipart, raw bytes, in chunks, or over the size limit.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import Flask, session
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from flask_wtf.csrf import generate_csrf
from hypothesis import strategies as st
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from companion import discussions
from companion.models import StaffSession, db
from companion.staff.accounts import find_staff
from companion.web.kiosk import lock_to
from tests.support.staff import add_staff_with_authenticator

STAFF = {
    "nurse": ("walk.nurse@example.org", "nurse"),
    "clinician": ("walk.doctor@example.org", "clinician"),
    "admin": ("walk.admin@example.org", "admin"),
}
PASSWORD = "a-long-walking-phrase-42"
OVER_THE_LIMIT = 2 * 1024 * 1024 + 1

# Values that broke something once, or might: digits int() refuses, digits of other scripts, line
# breaks, NUL, bidi controls, markup, paths, numbers too long for int(), and nothing at all.
KNOWN_BAD = [
    "",
    " ",
    "¹",
    "1²",
    "①",
    "١٢",
    "۵",
    "߁",
    "-1",
    "1e9",
    "NaN",
    "9" * 5000,
    "x" * 5000,
    "\r\n",
    "/en/\r\nSet-Cookie: x=1",
    "\x00",
    "a\x00b",
    "\u202e\u2066",
    "\u200f943 476 5919",
    "943\u200f 476",
    "<script>alert(1)</script>",
    "//evil.example/",
    "\\\\evil",
    "../../etc/passwd",
    "%0d%0a",
    "\ud7ff\ue000\uffff",
    "🫀👍🏽",
]
# Letters, digits and marks of every category, spaces, format and private-use characters
# (surrogates cannot be sent as UTF-8 at all).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
VALUES = st.one_of(st.sampled_from(KNOWN_BAD), ANY_TEXT)
QUERY_NAMES = [
    "next",
    "copy",
    "size",
    "q",
    "ids",
    "version",
    "field",
    "from",
    "again",
    "started",
    "expired",
]


@dataclass
class World:
    app: Flask
    token: str
    question_id: int
    discussion_id: int
    signed_off_id: int
    names: list[str] = field(default_factory=list)
    rules: list[tuple[Rule, str]] = field(default_factory=list)

    @classmethod
    def build(cls, app: Flask) -> World:
        with app.app_context():
            for email, role in STAFF.values():
                add_staff_with_authenticator(email, role, PASSWORD, f"Walking {role}")
            made = []
            for _ in range(2):
                discussion = discussions.start_discussion("htg492", "ar", link_days=30)
                discussions.add_question(discussion, "هل سيؤلمني؟ 943 476 5919", "ar")
                made.append(discussion)
            db.session.commit()
            first, second = made
            found = cls(app, first.token, first.patient_questions[0].id, first.id, second.id)
        found.rules = [
            (rule, method)
            for rule in app.url_map.iter_rules()
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        ]
        return found

    def patient(self, *, handed_over: bool) -> FlaskClient:
        """A patient's browser: their own, or a tablet staff handed over, locked to their guide."""
        client = self.app.test_client()
        if handed_over:
            with self.app.test_request_context():
                lock_to(self.token)
                kept = dict(session)
            with client.session_transaction() as stored:
                stored.update(kept)
        return client

    def staff(self, who: str) -> FlaskClient:
        """A member of staff signed in (a session of their own, as both steps of sign-in make)."""
        client = self.app.test_client()
        with self.app.app_context():
            member = find_staff(STAFF[who][0])
            assert member is not None
            record = StaffSession(id=secrets.token_urlsafe(32), staff_id=member.id)
            db.session.add(record)
            db.session.commit()
            session_id = record.id
        with self.app.test_request_context(environ_base=client.environ_base):
            identifier = _create_identifier()
        with client.session_transaction() as stored:
            stored.update({"_user_id": session_id, "_fresh": True, "_id": identifier})
        return client

    def form_token(self, client: FlaskClient) -> str:
        """A good token for this browser, as its next page would carry."""
        with self.app.test_request_context():
            token = generate_csrf()
            raw = str(session["csrf_token"])
        with client.session_transaction() as stored:
            stored["csrf_token"] = raw
        return str(token)

    def learn_names(self, clients: list[FlaskClient], paths: list[str]) -> None:
        """Every field name the app's own pages send."""
        names = set(QUERY_NAMES) | {"csrf_token", "code", "confirm", "reason", "action"}
        for client in clients:
            for path in paths:
                html = client.get(path).get_data(as_text=True)
                names |= set(re.findall(r'\sname="([^"]+)"', html))
        self.names = sorted(names)

    def good_values(self) -> dict[str, list[Any]]:
        """What each path argument takes to reach a view (the first is the likeliest to)."""
        return {
            "lang": ["ar", "en", "ur", "zh-Hans", "xx"],
            "token": [self.token],
            "discussion_id": [self.discussion_id, self.signed_off_id, 999999, 2**31, 10**20],
            "question_id": [self.question_id, 999999, 2**31, 10**20],
            "number": [1, 4, 0, 12, 2**31, 10**20],
            "procedure": ["htg492"],
            "filename": ["css/app.css", "js/app.js", "../app.py", "nothing"],
        }

    def path_values(self, name: str) -> st.SearchStrategy[Any]:
        good = self.good_values().get(name)
        if good is None:
            return VALUES
        return st.one_of(st.sampled_from(good), st.sampled_from(good), VALUES)


@dataclass
class Visit:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, Any]
    csrf: str
    body: str
    autosave: bool

    def send(self, world: World, client: FlaskClient) -> TestResponse:
        form = dict(self.form)
        if self.csrf == "good":
            form["csrf_token"] = world.form_token(client)
        elif self.csrf == "another browser's":
            form["csrf_token"] = world.form_token(world.app.test_client())
        elif self.csrf == "forged":
            form["csrf_token"] = "IjEyMzQ1Ig.forged.token"
        headers = {"X-Autosave": "1"} if self.autosave else {}
        options: dict[str, Any] = {"query_string": self.query, "headers": headers}
        if self.body == "form":
            options["data"] = form
        elif self.body == "multipart":
            options.update(data=form, content_type="multipart/form-data")
        elif self.body == "bytes":
            options.update(data=b"\xff\xfe\x00garbage=%%%&&==", content_type="text/plain")
        else:
            size = OVER_THE_LIMIT if self.body.startswith("over") else 100
            raw = ("csrf_token=x&values_note=" + "y" * size).encode()
            chunked = self.body.endswith("in chunks")
            options.update(
                input_stream=io.BytesIO(raw),
                content_type="application/x-www-form-urlencoded",
                environ_overrides=(
                    {"wsgi.input_terminated": True, "CONTENT_LENGTH": ""} if chunked else {}
                ),
            )
            if chunked:
                headers["Transfer-Encoding"] = "chunked"
        return client.open(self.path, method=self.method, **options)


def path_of(rule: Rule, values: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        value = str(values[name])
        return quote(value, safe="/" if converter == "path:" else "")

    return re.sub(r"<(\w+:)?(\w+)>", fill, rule.rule)


@st.composite
def visits(draw: st.DrawFn, world: World) -> Visit:
    rule, method = draw(st.sampled_from(world.rules))
    method = draw(st.sampled_from([method] * 9 + ["PUT", "DELETE", "PATCH"]))
    values = {name: draw(world.path_values(name)) for name in sorted(rule.arguments)}
    names = draw(st.lists(st.sampled_from(world.names), max_size=12, unique=True))
    form: dict[str, Any] = {}
    for name in names:
        form[name] = draw(st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3)))
    query_names = draw(st.lists(st.sampled_from(QUERY_NAMES), max_size=3, unique=True))
    return Visit(
        method=method,
        path=path_of(rule, values),
        query={name: draw(VALUES) for name in query_names},
        form=form,
        csrf=draw(st.sampled_from(["good", "good", "missing", "forged", "another browser's"])),
        body=draw(
            st.sampled_from(
                ["form"] * 6
                + ["multipart", "bytes", "small, in chunks", "over the limit", "over, in chunks"]
            )
        ),
        autosave=draw(st.booleans()),
    )


def every_route_once(world: World) -> list[Visit]:
    """Each route and method with the known-bad values spread over every field, under each kind
    of form token, and with no field at all: so no route is left to chance."""
    good = {name: values[0] for name, values in world.good_values().items()}
    tokens = ["good", "missing", "forged", "another browser's"]
    found = []
    for rule, method in world.rules:
        path = path_of(rule, good)
        for k, csrf in enumerate(tokens):
            spread = {
                name: KNOWN_BAD[(n + 7 * k) % len(KNOWN_BAD)] for n, name in enumerate(world.names)
            }
            query = {
                name: KNOWN_BAD[(n + k) % len(KNOWN_BAD)] for n, name in enumerate(QUERY_NAMES)
            }
            found.append(Visit(method, path, query, spread, csrf, "form", autosave=k % 2 == 1))
        found.append(Visit(method, path, {}, {}, "missing", "form", autosave=False))
    return found
