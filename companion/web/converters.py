"""URL converters: <int:...> bounded by what the database stores.

Werkzeug's int converter takes a number of any size, and PostgreSQL refuses to compare an
integer column with one past 2**31 - 1 ("integer out of range"), so /staff/discussions/1e20 as
digits was a server error. Past that bound the address is simply no page: a 404.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

DATABASE_INTEGER_MAX = 2**31 - 1


class DatabaseInteger(IntegerConverter):
    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DATABASE_INTEGER_MAX)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Before any blueprint adds its routes."""
    app.url_map.converters["int"] = DatabaseInteger
