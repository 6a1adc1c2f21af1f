"""Gzip for text responses: the NHS.UK stylesheet is 285 KB as sent, 30 KB compressed.

Static files are compressed once per content hash and remembered; pages are compressed per
response (a few kilobytes, well under a millisecond).
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
}
MIN_SIZE = 500


# Keyed by ETag alone: keying on the body too would hash up to 285 KB on every request.
_compressed_static: dict[str, bytes] = {}


def compress(response: Response) -> Response:
    if (
        response.status_code != 200
        or response.mimetype not in COMPRESSIBLE
        or "Content-Encoding" in response.headers
        or "gzip" not in request.headers.get("Accept-Encoding", "")
    ):
        return response
    response.direct_passthrough = False
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    etag = response.headers.get("ETag")
    if request.endpoint == "static" and etag:
        compressed = _compressed_static.get(etag) or _compressed_static.setdefault(
            etag, gzip.compress(body, compresslevel=9, mtime=0)
        )
    else:
        compressed = gzip.compress(body, compresslevel=6, mtime=0)
    response.set_data(compressed)
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(compressed))
    response.vary.add("Accept-Encoding")
    if etag:
        # A compressed body is a different representation from the file's own.
        response.headers["ETag"] = etag.rstrip('"') + '-gzip"'
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
