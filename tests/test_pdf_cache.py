"""A record's PDF is rendered once per state of the record: a second download renders nothing,
and a saved, signed-off or amended record never gets an old PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.record import pdf
from tests.conftest import signed_in_with_discussion
from tests.test_pdf import pdf_text
from tests.test_staff import record_form


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the PDFs WeasyPrint is asked to write; starts with nothing rendered."""
    written: list[str] = []
    write = pdf._write_pdf

    def counted(record: str, fetcher: pdf.StaticFilesOnly | None = None) -> bytes:
        written.append(record)
        return write(record, fetcher)

    monkeypatch.setattr(pdf, "_write_pdf", counted)
    pdf.rendered.clear()
    return written


def test_a_repeat_download_is_not_rendered_again_and_a_changed_record_is(
    database: str, renders: list[str], tmp_path: Path
) -> None:
    app, client, discussion_id = signed_in_with_discussion(database, "en", "AB12")
    url = f"/staff/discussions/{discussion_id}/record.pdf"

    first = client.get(url)
    again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert again.data == first.data and len(renders) == 1
    assert again.headers["Cache-Control"] == "no-store"

    # The patient's copy is another PDF, not the clinician's from the cache.
    patient = client.get(url + "?copy=patient")
    assert patient.data != first.data and len(renders) == 2

    data = record_form(client, discussion_id) | {
        "decision": "go-ahead",
        "next_steps": "List for Tuesday",
    }
    assert client.post(f"/staff/discussions/{discussion_id}", data=data).status_code == 302
    saved = client.get(url)
    assert len(renders) == 3 and "List for Tuesday" in pdf_text(saved.data)
    assert "List for Tuesday" not in pdf_text(first.data)

    signed = client.post(f"/staff/discussions/{discussion_id}/finalise", data={"confirm": "yes"})
    assert signed.status_code == 302
    final = client.get(url)
    assert len(renders) == 4 and "DRAFT" in pdf_text(saved.data)
    assert "DRAFT" not in pdf_text(final.data)

    # An amendment leaves the record version as it was: the PDF must change all the same.
    amended = client.post(
        f"/staff/discussions/{discussion_id}/amend",
        data={"field": "next_steps", "after": "List for Wednesday", "reason": "Theatre moved"},
    )
    assert amended.status_code == 302
    after = client.get(url)
    assert len(renders) == 5 and after.data != final.data
    assert "List for Wednesday" in pdf_text(after.data)
    assert client.get(url).data == after.data and len(renders) == 5


def test_the_cache_keeps_to_its_size() -> None:
    cache = pdf.RenderedPdfs(max_bytes=10)
    cache.put(("a",), b"12345")
    cache.put(("b",), b"12345")
    assert cache.get(("a",)) == b"12345"  # now the most recently used
    cache.put(("c",), b"12345")
    assert cache.get(("b",)) is None and cache.get(("a",)) and cache.get(("c",))
    cache.put(("huge",), b"x" * 11)
    assert cache.get(("huge",)) is None
