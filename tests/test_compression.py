"""Text is sent compressed to browsers that accept it, and static files are cached for a year."""

from __future__ import annotations

import gzip

from flask.testing import FlaskClient


def test_pages_and_static_text_are_gzipped_for_browsers_that_accept_it(client: FlaskClient) -> None:
    page = client.get("/en/", headers={"Accept-Encoding": "gzip, br"})
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
    html = gzip.decompress(page.data).decode()
    assert "<h1>" in html
    css_url = next(
        part.split('"')[0] for part in html.split('href="')[1:] if "nhsuk-frontend" in part
    )
    css = client.get(css_url, headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert len(css.data) < 40_000 < len(gzip.decompress(css.data))
    assert (
        css.headers["Cache-Control"].startswith("public, max-age=31536000")
        or "max-age=31536000" in css.headers["Cache-Control"]
    )
    plain = client.get(css_url)
    assert "Content-Encoding" not in plain.headers and plain.data == gzip.decompress(css.data)
