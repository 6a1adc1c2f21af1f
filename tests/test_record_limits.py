"""Nothing is cut: every limit of the record is stated once, shown beside its box, and text just
under, at and over it is either kept whole or refused with a message naming the field."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.models import Discussion, RecordItem, db
from companion.record import fields as defs
from tests.support.pages import textarea_value
from tests.support.record import (
    CLINICIAN,
    fields_of,
    form_values,
    patient_fills_in,
    record_app,
    start,
)
from tests.support.staff import amend, sign_off

# Letters from several scripts, none of them space: strip() must not change the length.
LETTERS = st.sampled_from(list("aZ9éßب中ক😀'&\"<"))
LIMITS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_each_limit_is_the_columns_where_the_column_has_one() -> None:
    """Stated once: a field stored in a bounded column takes its limit from that column."""
    assert defs.column_limit(Discussion.interpreter_id) == 64
    assert defs.column_limit(RecordItem.figure_source) == 200
    assert defs.column_limit(Discussion.next_steps) == defs.TEXT_LIMIT
    for definition in defs.FIXED_FIELDS:
        column = getattr(Discussion, definition.name)
        length = getattr(column.type, "length", None)
        if definition.limit is not None and length is not None:
            assert definition.limit <= length, definition.name


def _text(letters: list[str], length: int) -> str:
    return "".join(letters[i % len(letters)] for i in range(length))


def test_text_under_at_and_over_every_limit(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    patient_fills_in(app, discussion_id, every_question=False)
    limited = {n: f for n, f in fields_of(app, discussion_id).items() if f.limit is not None}
    assert {"interpreter_id", "next_steps"} <= set(limited)

    @LIMITS
    @given(
        name=st.sampled_from(sorted(limited)),
        offset=st.sampled_from([-1, 0, 1]),
        letters=st.lists(LETTERS, min_size=1, max_size=5),
    )
    def one_field(name: str, offset: int, letters: list[str]) -> None:
        definition = limited[name]
        assert definition.limit is not None
        length = definition.limit + offset
        typed = _text(letters, length)
        before = form_values(app, discussion_id)
        form = {**before, name: typed, "version": _version(app, discussion_id)}
        response = client.post(f"/staff/discussions/{discussion_id}", data=form)
        stored = form_values(app, discussion_id)[name]
        if length <= definition.limit:
            assert response.status_code == 302
            assert stored == typed, "kept whole"
            return
        assert response.status_code == 400
        assert stored == before[name], "nothing saved, nothing cut"
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        message = page.select_one(f"#{name}-error")
        assert message is not None
        said = " ".join(message.get_text(" ").split())
        assert definition.label in said and f"{definition.limit:,}" in said
        assert f"{length:,} characters" in said
        box = page.select_one(f"#{name}")
        assert box is not None
        kept = textarea_value(box) if box.name == "textarea" else str(box.get("value"))
        assert kept == typed, "what was typed is shown again, whole"
        stated = page.select_one(f"#{name}-limit")
        assert stated is not None and f"{definition.limit}" in stated.get_text()

    one_field()


def _version(app: Flask, discussion_id: int) -> str:
    with app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        return str(discussion.record_version)


def test_an_amendment_over_the_limit_is_refused_by_name(database: str) -> None:
    app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    patient_fills_in(app, discussion_id, every_question=False)
    form = {**form_values(app, discussion_id), "version": "0", "confirm": "yes"}
    assert sign_off(client, discussion_id, form).status_code == 302
    source = next(n for n in fields_of(app, discussion_id) if n.endswith("-source"))
    typed = "s" * 201
    response = amend(client, discussion_id, source, typed, "r" * 4001)
    assert response.status_code == 400
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    errors = " ".join(page.select_one(".nhsuk-error-summary").get_text(" ").split())
    assert "source of the figure: this is 201 characters long; keep it to 200 or fewer" in errors
    assert "Reason for the amendment: this is 4,001 characters long" in errors
    assert form_values(app, discussion_id)[source] == "", "nothing amended"
