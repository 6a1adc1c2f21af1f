"""Generated inputs (hypothesis): how many per field, and the fields they are typed into.

`make test` runs two hundred inputs a field; HYPOTHESIS_PROFILE=thorough runs thousands, and
`make check` (HYPOTHESIS_PROFILE=quick) a few dozen.
"""

from __future__ import annotations

import os

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from companion.record import fields
from tests.support.walkthrough import PatientLink

settings.register_profile("default", max_examples=200)
settings.register_profile("quick", max_examples=30)
settings.register_profile("thorough", max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
EXAMPLES = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEWER = settings(EXAMPLES, max_examples=max(settings().max_examples // 3, 50))

# Every free-text field of the record: the fixed ones, and those made per question and per risk.
RECORD_TEXT_FIELDS = [
    *(f.name for f in fields.FIXED_FIELDS if f.control in ("text", "line")),
    "q-{q}-gloss",
    "q-{q}-answer",
    "nq-{n}-answer",
    "risk-{r}-source",
]


def start(app: Flask) -> tuple[FlaskClient, PatientLink]:
    """A patient starts a walkthrough in English; their client and their pages."""
    client = app.test_client()
    location = client.post("/en/start", data={"language": "en"}).headers["Location"]
    return client, PatientLink.from_url(location)
