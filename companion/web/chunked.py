"""A request body sent in chunks (no Content-Length) is held to the same limit as any other.

Werkzeug reads a chunked body up to MAX_CONTENT_LENGTH and then stops without a word: the form
would be parsed from its first 2 MB, a field cut short or the form token lost (a "page timed
out" answer instead of "too large"). So such a body is read here first, up to one byte past the
limit. Within it, the body is handed on with its length, like any other; past it, the request
is handed on as one longer than the limit with nothing left to read, and the app answers 413
as it does for every request that is too big, without reading or keeping the rest.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

READ_AT_ONCE = 64 * 1024


def read_at_most(stream: Any, limit: int) -> bytes:
    """The body, or its first limit + 1 bytes when it is longer than limit."""
    body = bytearray()
    while len(body) <= limit:
        piece = stream.read(min(READ_AT_ONCE, limit + 1 - len(body)))
        if not piece:
            break
        body += piece
    return bytes(body)


class BoundedChunkedBodies:
    def __init__(self, wsgi_app: WSGIApplication, limit: int) -> None:
        self.wsgi_app = wsgi_app
        self.limit = limit

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = read_at_most(environ["wsgi.input"], self.limit)
            # From here on the body is an ordinary one of known length (Werkzeug ignores
            # Content-Length beside Transfer-Encoding: chunked).
            del environ["HTTP_TRANSFER_ENCODING"]
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["wsgi.input"] = io.BytesIO(body if len(body) <= self.limit else b"")
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = BoundedChunkedBodies(  # type: ignore[method-assign]
        app.wsgi_app, int(app.config["MAX_CONTENT_LENGTH"])
    )
