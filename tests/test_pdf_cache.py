"""A record's PDF is rendered once per state of the record: a second download renders nothing,
a saved, signed-off or amended record never gets an old PDF, and purging takes the PDFs too."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from companion.models import Discussion, db
from companion.record import pdf, pdf_cache
from tests.support.pdf import pdf_text
from tests.support.staff import amend, record_form, sign_off, signed_in_with_discussion


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the PDFs WeasyPrint is asked to write; starts with nothing rendered."""
    written: list[str] = []
    write = pdf._write_pdf

    def counted(record: str, fetcher: pdf.StaticFilesOnly | None = None) -> bytes:
        written.append(record)
        return write(record, fetcher)

    monkeypatch.setattr(pdf, "_write_pdf", counted)
    return written


def test_a_repeat_download_is_not_rendered_again_and_a_changed_record_is(
    database: str, renders: list[str], tmp_path: Path
) -> None:
    app, client, discussion_id = signed_in_with_discussion(
        database, "en", "AB12", PDF_CACHE_DIR=str(tmp_path / "pdfs")
    )
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
        "decision": "planned-pump",
        "next_steps": "List for Tuesday",
    }
    assert client.post(f"/staff/discussions/{discussion_id}", data=data).status_code == 302
    saved = client.get(url)
    assert len(renders) == 3 and "List for Tuesday" in pdf_text(saved.data)
    assert "List for Tuesday" not in pdf_text(first.data)

    signed = sign_off(client, discussion_id)
    assert signed.status_code == 302
    final = client.get(url)
    assert len(renders) == 4 and "DRAFT" in pdf_text(saved.data)
    assert "DRAFT" not in pdf_text(final.data)

    amended = amend(client, discussion_id, "next_steps", "List for Wednesday", "Theatre moved")
    assert amended.status_code == 302
    after = client.get(url)
    assert len(renders) == 5 and after.data != final.data
    assert "List for Wednesday" in pdf_text(after.data)
    assert client.get(url).data == after.data and len(renders) == 5

    # Purging the discussion takes its PDFs with it.
    assert len(list((tmp_path / "pdfs").glob(f"{discussion_id}-*.pdf"))) == 5
    with app.app_context():
        db.session.get(Discussion, discussion_id).created_at -= dt.timedelta(days=400)
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    assert list((tmp_path / "pdfs").glob("*.pdf")) == []


def test_the_cache_keeps_to_its_size_dropping_the_least_recently_used(tmp_path: Path) -> None:
    files = [tmp_path / f"{n}-x.pdf" for n in range(3)]
    for age, file in enumerate(files):
        file.write_bytes(b"%PDF" + b"x" * 96)
        stamp = 1_000_000 + age
        os.utime(file, (stamp, stamp))
    pdf_cache.trim(tmp_path, 250)
    assert [f.exists() for f in files] == [False, True, True]
