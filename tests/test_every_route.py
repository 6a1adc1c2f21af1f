"""No input gets a server error: every route the app registers, sent values no page of ours sends
(digits and letters of every Unicode category, line breaks, NUL, very long and empty values,
missing fields, missing, forged and other browsers' form tokens, bodies sent raw, in chunks and
over the size limit), by a patient and by signed-in staff, on both databases, answers below 500.

Each route is first sent the known-bad values once (so none is left to chance), then Hypothesis
draws visits: a few hundred a run, ten times as many with HYPOTHESIS_PROFILE=thorough.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.database import make_app
from tests.support.generated import EXAMPLES
from tests.support.route_walk import Visit, World, every_route_once, visits

# Half the profile's examples for each of the two people, on each database.
WALK = settings(EXAMPLES, max_examples=max(settings().max_examples // 2, 15))


def world_for(database: str) -> World:
    app: Flask = make_app(database, WTF_CSRF_ENABLED=True)
    world = World.build(app)
    staff, patient = world.staff("clinician"), world.patient(handed_over=False)
    base = f"/ar/w/{world.token}"
    world.learn_names(
        [patient],
        [f"{base}/step/{n}" for n in range(1, 11)]
        + [f"{base}/review", f"{base}/questions/{world.question_id}/edit", "/ar/resume"],
    )
    patient_names = set(world.names)
    world.learn_names(
        [staff],
        [
            f"/staff/discussions/{world.discussion_id}",
            "/staff/discussions/new",
            "/staff/take-over",
            "/staff/sign-in",
        ],
    )
    world.names = sorted(patient_names | set(world.names))
    return world


def answered(world: World, visit: Visit, client: FlaskClient) -> None:
    # TESTING propagates an exception no view handled: it fails the test with its traceback.
    response = visit.send(world, client)
    assert response.status_code < 500, (visit.method, visit.path, response.status_code)


@pytest.mark.parametrize("person", ["patient", "staff"])
def test_no_input_gets_a_server_error(database: str, person: str) -> None:
    world = world_for(database)

    def client_of(draw_who: str) -> FlaskClient:
        if person == "patient":
            return world.patient(handed_over=draw_who == "handed-over tablet")
        return world.staff(draw_who)

    who = ["own browser", "handed-over tablet"] if person == "patient" else list(world_staff())
    for n, visit in enumerate(every_route_once(world)):
        answered(world, visit, client_of(who[n % len(who)]))

    @WALK
    @given(data=st.data())
    def walk(data: st.DataObject) -> None:
        visit = data.draw(visits(world), label="visit")
        answered(world, visit, client_of(data.draw(st.sampled_from(who), label="who")))

    walk()


def world_staff() -> tuple[str, ...]:
    return ("clinician", "nurse", "admin")
