"""The record never misstates: after any sequence of saves, a sign-off and amendments, the form
(or the signed-off record), both copies on screen, both PDFs and the export all show the value in
force of every field, and an amended value shows what it was."""

from __future__ import annotations

import json
import re
import subprocess

from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from companion.record.fields import Field
from tests.support.database import ROOT, sqlite_only
from tests.support.record import (
    CLINICIAN,
    form_values,
    record_app,
    start_with_questions,
)
from tests.support.staff import amend, sign_off

PATIENT_LANGUAGE = "pl"
# Staff text with what escaping gets wrong (apostrophes, quotes, ampersands, angle brackets) and
# a number that makes each value unique, so a stale value cannot pass for the current one.
WORDS = ["don't", "A&E", "“quoted”", '"plain"', "<b>x</b>", "Nurse's note", "ok"]
TEXTS = st.builds(lambda w, n: f"{w} {n}", st.sampled_from(WORDS), st.integers(100, 999))
BIDI = dict.fromkeys(range(0x202A, 0x202F))


def value_for(definition: Field) -> st.SearchStrategy[str]:
    """A value the field accepts."""
    if definition.vocabulary is not None:
        allowed = list(definition.vocabulary.values)
        if definition.control != "radios":
            # A browser cannot clear a radio once one is chosen; a box or a drop-down it can.
            allowed.append("")
        return st.sampled_from(allowed)
    if definition.control == "number":
        return st.one_of(st.just(""), st.integers(0, 100).map(str))
    return st.one_of(st.just(""), TEXTS)


def as_a_browser_sends(form: dict[str, str], fields: dict[str, Field]) -> dict[str, str]:
    """An unticked box and an unchosen radio send nothing; every other control sends its value,
    empty or not. (A field the form never showed keeps its stored value.)"""
    return {
        k: v
        for k, v in form.items()
        if v != "" or k not in fields or fields[k].control not in ("checkbox", "radios")
    }


def normal(text: str) -> str:
    return " ".join(text.split())


def patient_translation(msgid: str) -> str:
    with (ROOT / "translations" / "pl" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        found = read_po(f).get(msgid)
    return str(found.string) if found is not None and found.string else msgid


def staff_shows(definition: Field, value: str) -> str:
    """On the record page: a choice's label, the text as typed, or "Not recorded"."""
    return definition.staff_value(value) or "Not recorded"


def copy_shows(definition: Field, value: str) -> str:
    """In the clinician's copy: the same, with a dash for nothing written."""
    if definition.vocabulary is None and definition.control != "number" and not value:
        return "–"
    return definition.staff_value(value)


def patient_shows(definition: Field, value: str) -> str:
    if definition.vocabulary is not None:
        msgid = definition.vocabulary.patient(value)
        if not msgid:
            return definition.vocabulary.staff(value) if value else "–"
        return patient_translation(msgid)
    if definition.control == "number":
        if not value:
            return "–"
        return patient_translation("About %(count)s in 100 people") % {"count": value}
    return value or "–"


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return normal(out.stdout.decode().translate(BIDI))


def shown_values(page: BeautifulSoup, selector: str) -> dict[str, set[str]]:
    """Each field's value as a reader sees it, wherever the page shows it."""
    found: dict[str, set[str]] = {}
    for tag in page.select(selector):
        assert isinstance(tag, Tag)
        found.setdefault(str(tag["data-field"]), set()).add(normal(tag.get_text()))
    return found


class RecordMachine(RuleBasedStateMachine):
    app: Flask
    client: FlaskClient

    def __init__(self) -> None:
        super().__init__()
        self.discussion_id, self.fields = start_with_questions(
            self.app, self.client, PATIENT_LANGUAGE
        )
        with self.app.app_context():
            self.expected: dict[str, str] = form_values(self.app, self.discussion_id)
        self.original = dict(self.expected)
        self.amended: dict[str, list[str]] = {}
        self.version = 0
        self.signed_off = False

    @initialize()
    def nothing_recorded_yet(self) -> None:
        assert all(v in ("", "not-discussed") for v in self.expected.values())

    # ---- what staff do -------------------------------------------------------------------------

    @precondition(lambda self: not self.signed_off)
    @rule(data=st.data())
    def save(self, data: st.DataObject) -> None:
        names = data.draw(
            st.lists(st.sampled_from(sorted(self.fields)), min_size=1, max_size=6, unique=True)
        )
        changes = {n: data.draw(value_for(self.fields[n]), label=n) for n in names}
        form = {**self.expected, **changes, "version": str(self.version)}
        sent = as_a_browser_sends(form, self.fields)
        response = self.client.post(f"/staff/discussions/{self.discussion_id}", data=sent)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        if any(self.expected[n] != v for n, v in changes.items()):
            self.version += 1
        self.expected.update(changes)

    @precondition(lambda self: not self.signed_off)
    @rule(data=st.data())
    def sign_off_with_edits(self, data: st.DataObject) -> None:
        """Sign off with edits typed just before: they are saved first, then the record locks."""
        name = data.draw(st.sampled_from(sorted(self.fields)))
        value = data.draw(value_for(self.fields[name]))
        form = {**self.expected, name: value, "version": str(self.version), "confirm": "yes"}
        sent = as_a_browser_sends(form, self.fields)
        response = sign_off(self.client, self.discussion_id, sent)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        self.expected[name] = value
        self.signed_off = True

    @precondition(lambda self: self.signed_off)
    @rule(data=st.data())
    def amend(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.fields)))
        value = data.draw(value_for(self.fields[name]).filter(lambda v: v != self.expected[name]))
        reason = data.draw(TEXTS, label="reason")
        response = amend(self.client, self.discussion_id, name, value, reason)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        self.amended.setdefault(name, []).append(self.expected[name])
        self.expected[name] = value

    # ---- what every output shows ---------------------------------------------------------------

    def page(self, url: str) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert not re.search(
            r"&(amp|#39|#34|quot|lt|gt);", BeautifulSoup(html, "html.parser").get_text()
        ), f"an entity shows as text on {url}"
        return BeautifulSoup(html, "html.parser")

    @invariant()
    def the_record_page_shows_the_value_in_force(self) -> None:
        page = self.page(f"/staff/discussions/{self.discussion_id}")
        if not self.signed_off:
            assert page.select_one("form#record") is not None
            assert form_from_page(page, self.fields) == self.expected
            return
        assert page.select_one("form#record") is None, "a signed-off record reads as text"
        shown = shown_values(page, ".app-recorded[data-field]")
        for name, definition in self.fields.items():
            want = normal(staff_shows(definition, self.expected[name]))
            assert shown.get(name) == {want}, (name, shown.get(name), want)
        self.amendments_are_beside(page, ".app-amended[data-amended]", staff=True)

    def amendments_are_beside(self, page: BeautifulSoup, selector: str, *, staff: bool) -> None:
        notes: dict[str, list[str]] = {}
        for tag in page.select(selector):
            notes.setdefault(str(tag["data-amended"]), []).append(normal(tag.get_text()))
        for name, befores in self.amended.items():
            if name not in notes:
                assert not staff, f"{name} amended but not marked"
                continue
            definition = self.fields[name]
            # A field shown in two places (the clinician's copy gives the decision at the top and
            # in its section) carries all its amendments in each: the notes, place by place.
            places, left_over = divmod(len(notes[name]), len(befores))
            assert places >= 1 and left_over == 0, (name, befores, notes[name])
            for before, note in zip(befores * places, notes[name], strict=True):
                was = (
                    staff_shows(definition, before) if staff else patient_shows(definition, before)
                )
                if staff:
                    was = definition.staff_value(before) or "(empty)"
                    assert f"it was “{normal(was)}”" in note, (name, note)
                else:
                    assert normal(was) in note, (name, note, was)

    @invariant()
    def both_copies_show_the_value_in_force(self) -> None:
        url = f"/staff/discussions/{self.discussion_id}/summary?copy="
        clinician = self.page(url + "clinician")
        shown = shown_values(clinician, ".record-value[data-field]")
        for name, definition in self.fields.items():
            want = normal(copy_shows(definition, self.expected[name]))
            if name not in shown and name.endswith("-gloss"):
                # A gloss is shown where there is one, or was one.
                assert not self.expected[name] and name not in self.amended, name
                continue
            assert shown.get(name) == {want}, (name, shown.get(name), want)
        self.amendments_are_beside(clinician, ".record-amended[data-amended]", staff=True)

        patient = self.page(url + "patient")
        shown = shown_values(patient, ".record-value[data-field]")
        assert "decision" in shown and "next_steps" in shown
        for name, values in shown.items():
            assert values == {normal(patient_shows(self.fields[name], self.expected[name]))}, name
        self.amendments_are_beside(patient, ".record-amended[data-amended]", staff=False)

    @invariant()
    def the_export_holds_the_value_in_force(self) -> None:
        response = self.client.get(f"/staff/discussions/{self.discussion_id}/export.json")
        entries = {e["field"]: e for e in json.loads(response.data)["entries"]}
        assert {n: e["value"] for n, e in entries.items()} == self.expected
        for name, befores in self.amended.items():
            assert [a["before"] for a in entries[name]["amendments"]] == befores

    def teardown(self) -> None:
        """The PDFs of both copies say what the screen says (checked once a sequence: slow)."""
        base = f"/staff/discussions/{self.discussion_id}/record.pdf?copy="
        clinician = pdf_text(self.client.get(base + "clinician").data)
        patient = pdf_text(self.client.get(base + "patient").data)
        decision = self.fields["decision"]
        assert f"Decision {staff_shows(decision, self.expected['decision'])}" in clinician
        assert normal(patient_shows(decision, self.expected["decision"])) in patient
        for name, definition in self.fields.items():
            value = self.expected[name]
            if definition.vocabulary is None and definition.control != "number" and value:
                assert normal(value) in clinician, name
        if self.expected["next_steps"]:
            assert normal(self.expected["next_steps"]) in patient
        for name, befores in self.amended.items():
            for before in befores:
                was = self.fields[name].staff_value(before) or "(empty)"
                assert f"it was “{normal(was)}”" in clinician, name


def form_from_page(page: BeautifulSoup, all_fields: dict[str, Field]) -> dict[str, str]:
    """What the form would send for each field, read from its controls as a browser would."""
    found: dict[str, str] = {}
    for name, definition in all_fields.items():
        if definition.control in ("radios", "checkbox"):
            checked = page.select_one(f'form#record input[name="{name}"][checked]')
            found[name] = str(checked["value"]) if isinstance(checked, Tag) else ""
        elif definition.control == "select":
            chosen = page.select_one(f'form#record select[name="{name}"] option[selected]')
            found[name] = str(chosen["value"]) if isinstance(chosen, Tag) else ""
        elif definition.control == "text":
            area = page.select_one(f'form#record textarea[name="{name}"]')
            assert isinstance(area, Tag), name
            text = area.get_text()
            found[name] = text[1:] if text.startswith("\n") else text
        else:
            box = page.select_one(f'form#record input[name="{name}"]')
            assert isinstance(box, Tag), name
            found[name] = str(box.get("value", ""))
    return found


STATEFUL = settings(
    max_examples=3,
    # Shrinking a failure re-renders PDFs many times over: report the first failure as found.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# Every output renders PDFs at each step: once, on SQLite. Amending and signing off are stored and
# read back on both engines by tests/test_record_pages.py.
@sqlite_only
def test_every_output_shows_the_value_in_force(database: str) -> None:
    app, client = record_app(database, CLINICIAN)

    class Machine(RecordMachine):
        pass

    Machine.app, Machine.client = app, client
    run_state_machine_as_test(Machine, settings=STATEFUL)
