"""One commit per request: what a request changed is written together, or not at all.

Services add to the database session and never commit. The request commits once, after the view
has made its answer and before the answer is sent, so an answer that says "saved" is never sent
for something that was not. A request that ends in a server error (an exception no view handled)
rolls back everything it changed. `flask` commands commit at their own end.
"""

from __future__ import annotations

from flask import Flask, Response

from ..models import db


def commit_or_roll_back(response: Response) -> Response:
    if response.status_code >= 500:
        db.session.rollback()
    else:
        # Should the commit itself fail, Flask answers with its server error instead, and this
        # runs again for that answer, rolling back.
        db.session.commit()
    return response


def init_app(app: Flask) -> None:
    # Registered before every other after-request function, so it runs after them all: the
    # commit is the last thing before the answer goes.
    app.after_request(commit_or_roll_back)
