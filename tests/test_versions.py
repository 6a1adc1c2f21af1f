"""No version strings for strangers: not in the development server's headers, not in gunicorn's
(checked in tests/test_shared_throttles.py, which starts it), not in the PDF's metadata."""

from __future__ import annotations

import http.client
import re
import subprocess
import zlib
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.database import serve
from tests.support.staff import signed_in_with_discussion

VERSIONED = ("Werkzeug", "Python", "WeasyPrint", "gunicorn")


def test_the_development_server_names_no_product_or_version(database: str) -> None:
    app, _client, _ = signed_in_with_discussion(database, "en", "AB")
    with serve(app) as base:  # the request handler `flask run` uses
        parts = urlsplit(base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request("GET", "/en/")
        response = connection.getresponse()
        response.read()
    server = response.getheader("Server") or ""
    assert server == "heart-pump-companion"
    for name in VERSIONED:
        assert name not in str(response.headers), name


def streams(pdf: bytes) -> list[bytes]:
    """Every stream in the file, inflated where it is compressed."""
    found = []
    for chunk in pdf.split(b"stream")[1::2]:
        body = chunk.split(b"endstream")[0].strip(b"\r\n")
        try:
            found.append(zlib.decompress(body))
        except zlib.error:
            found.append(body)
    return found


def test_the_pdf_names_no_renderer_or_version(database: str, tmp_path: Path) -> None:
    _app, client, discussion_id = signed_in_with_discussion(database, "ar", "AB")
    pdf = client.get(f"/staff/discussions/{discussion_id}/record.pdf?copy=patient").get_data()
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Producer: +heart-pump-companion$", info.stdout, re.M), info.stdout
    xmp = subprocess.run(
        ["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert 'pdf:Producer="heart-pump-companion"' in xmp
    for name in VERSIONED:
        assert name not in info.stdout and name not in xmp, name
        assert all(name.encode() not in part for part in [pdf, *streams(pdf)]), name
