"""The Yellow Card field: whether an adverse event was reported to the MHRA, with its reference,
on the form, both copies, the PDF and the export; not reported yet is an open arrangement."""

from __future__ import annotations

import json

import jsonschema
from bs4 import BeautifulSoup

from companion.record import export
from tests.support.pages import PageClient, text_of
from tests.support.pdf import pdf_text
from tests.support.record import CLINICIAN, record_app, start
from tests.support.staff import amend, record_form, sign_off

YELLOW_CARD = "https://yellowcard.mhra.gov.uk/"
NOT_REPORTED = (
    "NICE arrangement still open: Adverse event not yet reported to the MHRA (Yellow Card)"
)


def test_an_adverse_event_not_yet_reported_is_open_until_amended_with_its_reference(
    database: str,
) -> None:
    _app, client = record_app(database, CLINICIAN)
    discussion_id = start(client, "en")
    record = f"/staff/discussions/{discussion_id}"
    form = PageClient(client).get(record, lang="en")
    assert [str(i["value"]) for i in form.select("input[name=yellow_card]")] == [
        "yes",
        "no",
        "not-applicable",
    ]
    assert form.select_one("#yellow_card legend").get_text(strip=True) == (
        "Adverse event reported to the MHRA (Yellow Card)"
    )
    assert form.select_one("#arrangements ~ .app-yellow-card a")["href"] == YELLOW_CARD

    refused = client.post(
        f"{record}/finalise",
        data=record_form(client, discussion_id)
        | {
            "confirm": "yes",
            "yellow_card": "no",
        },
    )
    listed = text_of(BeautifulSoup(refused.data, "html.parser"), ".app-open-items")
    assert NOT_REPORTED in " ".join(listed.split())
    assert sign_off(client, discussion_id).status_code == 302
    signed = PageClient(client).get(record, lang="en")
    assert "Adverse event not yet reported" in text_of(signed, "#open-at-sign-off")
    assert signed.select_one("#arrangements-section ~ .app-yellow-card a")["href"] == YELLOW_CARD

    assert amend(client, discussion_id, "yellow_card", "yes", "Reported today").status_code == 302
    assert (
        amend(client, discussion_id, "yellow_card_reference", "YC-2026-0042", "Reported today")
    ).status_code == 302
    copy = PageClient(client).get(f"{record}/summary?copy=clinician", lang="en")
    assert "None: all recorded as done" not in text_of(copy, ".record-glance"), "boxes still open"
    assert "Adverse event not yet reported" not in text_of(copy, ".record-glance")
    for run in copy.select('span[dir="ltr"]'):
        run.unwrap()  # a number isolated left to right is the same text
    copy.smooth()
    body = " ".join(copy.get_text(" ").split())
    assert "Adverse event reported to the MHRA (Yellow Card) Yes Amended" in body
    assert "Yellow Card reference YC-2026-0042" in body
    pdf = pdf_text(client.get(f"{record}/record.pdf").data)
    assert "Adverse event reported to the MHRA (Yellow Card) Yes" in pdf
    assert "Yellow Card reference" in pdf and "YC-2026-0042" in pdf

    data = json.loads(client.get(f"{record}/export.json").data)
    jsonschema.validate(data, export.schema())
    entries = {e["field"]: e for e in data["entries"]}
    assert entries["yellow_card"]["value"] == "yes"
    assert entries["yellow_card"]["amendments"][0]["before_label"] == "No"
    assert entries["yellow_card_reference"]["value"] == "YC-2026-0042"
