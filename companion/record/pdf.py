"""The discussion record as a PDF, made by WeasyPrint from the same summary as the screen.

Imported only where a PDF is made: WeasyPrint takes about half a second to import.

Safe by construction: the HTML escapes every piece of patient and staff text, and the URL
fetcher serves only files under static/ (no network, no redirects, no file outside static), so
whatever a patient typed prints as text and fetches nothing. Fonts come from the system's Noto
faces through :lang() rules; one font configuration and one parsed stylesheet serve every render
in a process.
"""

from __future__ import annotations

import gc
import hashlib
import mimetypes
import re
import threading
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from flask import current_app
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..web.free_text import for_print
from ..web.server_name import SERVER_NAME
from . import pdf_cache
from .render import record_html
from .summary import Summary

# WeasyPrint's font configuration is not safe to share between threads rendering at once.
_render_lock = threading.Lock()


class StaticFilesOnly(URLFetcher):  # type: ignore[misc]
    """Fetch file: URLs inside one folder; refuse everything else before any I/O happens."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=1)
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if (
            path is None
            or parts.netloc not in ("", "localhost")
            or not path.is_relative_to(self.root)
        ):
            self.refused.append(url)
            raise ValueError(f"refused: {url[:80]}")
        if not path.is_file():
            raise ValueError("not a static file")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


@cache
def font_configuration() -> FontConfiguration:
    return FontConfiguration()


@cache
def stylesheet(path: Path) -> CSS:
    return CSS(filename=str(path), font_config=font_configuration())


@cache
def _freeze_what_lasts() -> None:
    """Once per process, with WeasyPrint, its fonts and the stylesheet loaded, put every object
    alive now out of the garbage collector's reach (gc.freeze).

    A render leaves about as many objects in reference cycles as the whole app holds, and the
    full collections that sets off would walk the app, its templates and WeasyPrint's own
    stylesheets every time: with them frozen a warm render spends a third as long collecting.
    """
    gc.collect()
    gc.freeze()


def static_root() -> Path:
    return Path(current_app.static_folder or "static")


def without_versions(document: object, pdf: pydyf.PDF) -> None:
    """Name the app, not the renderer and its version, as the PDF's producer (both the document
    information and the XMP metadata, which PDF/UA requires to agree)."""
    producer = SERVER_NAME.encode()
    pdf.info["Producer"] = pydyf.String(SERVER_NAME)
    for candidate in pdf.objects:
        if isinstance(candidate, pydyf.Stream) and candidate.extra.get("Type") == "/Metadata":
            candidate.stream = [
                re.sub(rb"WeasyPrint [0-9][0-9.a-z]*", producer, part)
                if isinstance(part, bytes)
                else part
                for part in candidate.stream
            ]


def printed_html(summary: Summary) -> str:
    """The record's HTML for WeasyPrint, which ignores dir="auto": each piece of free text carries
    its own direction written out."""
    with for_print():
        return record_html(summary)


def render(summary: Summary, *, fetcher: StaticFilesOnly | None = None) -> bytes:
    """The record as PDF/UA-1 bytes: tagged, titled and with its language set."""
    return _write_pdf(printed_html(summary), fetcher)


def _write_pdf(record: str, fetcher: StaticFilesOnly | None = None) -> bytes:
    root = static_root()
    sheet = stylesheet(root / "css" / "record.css")
    _freeze_what_lasts()
    html = HTML(
        string=record,
        base_url=root.resolve().as_uri() + "/",
        url_fetcher=fetcher or StaticFilesOnly(root),
    )
    with _render_lock:
        pdf = html.write_pdf(
            stylesheets=[sheet],
            font_config=font_configuration(),
            pdf_variant="pdf/ua-1",
            pdf_tags=True,
            finisher=without_versions,
        )
    assert pdf is not None
    return bytes(pdf)


def render_record(summary: Summary, discussion_id: int, record_version: int) -> bytes:
    """render(), or the same record's PDF from the disk cache when it was rendered before."""
    record = printed_html(summary)
    file = pdf_cache.key_file(
        discussion_id,
        record_version,
        summary.copy,
        summary.lang,
        summary.content_version,
        hashlib.sha256(record.encode()).hexdigest(),
    )
    pdf = pdf_cache.get(file)
    if pdf is None:
        pdf = _write_pdf(record)
        pdf_cache.put(file, pdf)
    return pdf
