"""No product names or version numbers for strangers: the development server's `Server:` header
says only what this is, so a scan learns nothing to look up in a list of known flaws.

gunicorn's own header is set the same way in deploy/gunicorn.conf.py, and the PDF's producer in
companion/record/pdf.py.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

from werkzeug.serving import WSGIRequestHandler

# What every response and every PDF names as its maker: no product, no version.
SERVER_NAME = "heart-pump-companion"


def version_string(handler: BaseHTTPRequestHandler) -> str:
    return SERVER_NAME


def init_app() -> None:
    # `flask run` (make run) builds its handler from this class; its default names Werkzeug and
    # Python with their versions.
    WSGIRequestHandler.version_string = version_string  # type: ignore[method-assign,assignment]
