"""The discussion record as a PDF, made by WeasyPrint from the same summary as the screen.

Imported only where a PDF is made: WeasyPrint takes about half a second to import.

Safe by construction: the HTML escapes every piece of patient and staff text, and the URL
fetcher serves only files under static/ (no network, no redirects, no file outside static), so
whatever a patient typed prints as text and fetches nothing. Fonts come from the system's Noto
faces through :lang() rules; one font configuration and one parsed stylesheet serve every render
in a process.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

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


def static_root() -> Path:
    return Path(current_app.static_folder or "static")


def render(summary: Summary, *, fetcher: StaticFilesOnly | None = None) -> bytes:
    """The record as PDF/UA-1 bytes: tagged, titled and with its language set."""
    return _write_pdf(record_html(summary), fetcher)


def _write_pdf(record: str, fetcher: StaticFilesOnly | None = None) -> bytes:
    root = static_root()
    html = HTML(
        string=record,
        base_url=root.resolve().as_uri() + "/",
        url_fetcher=fetcher or StaticFilesOnly(root),
    )
    with _render_lock:
        pdf = html.write_pdf(
            stylesheets=[stylesheet(root / "css" / "record.css")],
            font_config=font_configuration(),
            pdf_variant="pdf/ua-1",
            pdf_tags=True,
        )
    assert pdf is not None
    return bytes(pdf)


class RenderedPdfs:
    """The PDFs rendered lately in this process, so a second download costs no render.

    Keyed by discussion, record version, copy, language, content version and a digest of the
    record's HTML: the HTML holds everything the PDF shows (a patient's later answer, a
    sign-off, an amendment, none of which changes the record version), so a changed record
    never meets an old PDF. Kept in memory only, and bounded: nothing of a patient lands on
    disk where purging discussions would not reach it.
    """

    def __init__(self, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._pdfs: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> bytes | None:
        with self._lock:
            pdf = self._pdfs.get(key)
            if pdf is not None:
                self._pdfs.move_to_end(key)
            return pdf

    def put(self, key: tuple[object, ...], pdf: bytes) -> None:
        with self._lock:
            if key in self._pdfs or len(pdf) > self.max_bytes:
                return
            self._pdfs[key] = pdf
            self._size += len(pdf)
            while self._size > self.max_bytes:
                _, dropped = self._pdfs.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._pdfs.clear()
            self._size = 0


rendered = RenderedPdfs()


def render_record(summary: Summary, discussion_id: int, record_version: int) -> bytes:
    """render(), from the PDFs rendered lately when this very record was rendered before."""
    record = record_html(summary)
    key = (
        discussion_id,
        record_version,
        summary.copy,
        summary.lang,
        summary.content_version,
        hashlib.sha256(record.encode()).hexdigest(),
    )
    pdf = rendered.get(key)
    if pdf is None:
        pdf = _write_pdf(record)
        rendered.put(key, pdf)
    return pdf
