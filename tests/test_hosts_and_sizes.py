"""Hosts and sizes bounded: a forged Host header gets no link, QR code or redirect to itself, and a
request too big to be real gets a short answer in the reader's language that repeats nothing."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from companion.config import ConfigError
from companion.web.qr import qr_svg
from tests.support.database import make_app, production_app
from tests.support.staff import signed_in_with_discussion

PUBLIC = "https://companion.example.nhs.uk"
EVIL = "evil.example"


def patient_token(client: FlaskClient) -> str:
    location = client.post("/en/start", data={"language": "en"}).headers["Location"]
    return location.split("/")[3]


def test_a_forged_host_gets_no_page_link_or_redirect(database: str) -> None:
    app = make_app(database)
    client = app.test_client()
    token = patient_token(client)
    for method, path in [
        ("GET", "/"),
        ("GET", "/en/"),
        ("GET", f"/en/w/{token}/later"),
        ("GET", f"/en/w/{token}/"),
        ("GET", "/staff/"),
        ("POST", "/en/start"),
        ("POST", "/staff/sign-in"),
    ]:
        response = client.open(path, method=method, headers={"Host": EVIL})
        assert response.status_code == 400, path
        assert EVIL not in response.get_data(as_text=True), path
        assert EVIL not in response.headers.get("Location", ""), path
        # The same request with this machine's name is served.
        assert client.open(path, method=method).status_code in (200, 302, 401), path


def test_links_and_qr_codes_come_from_the_public_address(database: str) -> None:
    app, client, discussion_id = signed_in_with_discussion(
        database,
        "ar",
        "AB",
        PUBLIC_BASE_URL=PUBLIC,
        TRUSTED_HOSTS=["companion.example.nhs.uk", "localhost"],
    )
    page = client.get(f"/staff/discussions/{discussion_id}/ready").get_data(as_text=True)
    with app.app_context():
        from companion.models import Discussion, db

        discussion = db.session.get(Discussion, discussion_id)
        assert discussion is not None
        link = f"{PUBLIC}/ar/w/{discussion.token}/"
        token = discussion.token
    assert link in page, "the hand-over link is the public one"
    assert str(qr_svg(link, "QR code for the patient's link")) in page, "and so is its QR code"
    patient = app.test_client()
    patient.get(f"/ar/w/{token}/")  # the link, opened on the patient's phone
    later = patient.get(f"/ar/w/{token}/later").get_data(as_text=True)
    assert link in later and "localhost" not in later


def test_production_will_not_start_without_a_public_address(database: str) -> None:
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must be set in production"):
        production_app(database, PUBLIC_BASE_URL="")
    with pytest.raises(ConfigError, match="https"):
        production_app(database, PUBLIC_BASE_URL="http://a.nhs.uk")
    with pytest.raises(ConfigError, match="scheme and host only"):
        make_app(database, PUBLIC_BASE_URL="https://a.nhs.uk/path?x=1")


def test_production_answers_only_its_public_host(database: str) -> None:
    client = production_app(database, PUBLIC_BASE_URL=PUBLIC).test_client()
    assert client.get("/en/", base_url=PUBLIC).status_code == 200
    forged = client.get("/en/", base_url=PUBLIC, headers={"Host": EVIL})
    assert forged.status_code == 400 and EVIL not in forged.get_data(as_text=True)


ELEVEN_MB = 11 * 1024 * 1024


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_an_eleven_megabyte_post_gets_a_short_answer_in_the_readers_language(
    database: str, lang: str
) -> None:
    app = make_app(database)
    client = app.test_client()
    location = client.post(f"/{lang}/start", data={"language": lang}).headers["Location"]
    step = location.split("?")[0].rsplit("/", 1)[0] + "/8"
    typed = "PASTED-TEXT " * (ELEVEN_MB // 12)
    response = client.post(step, data={"values_note": typed, "rating-family": "a-lot"})
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert len(response.get_data()) < 4000, "a short page"
    assert "PASTED-TEXT" not in body, "nothing sent is echoed"
    assert f'lang="{lang}"' in body
    if lang == "ar":
        assert 'dir="rtl"' in body and "That was too much to send" not in body
    # The patient's earlier answers are untouched and the page still works.
    assert client.get(step).status_code == 200


def test_too_many_form_fields_and_a_huge_staff_sign_in_are_refused(database: str) -> None:
    client = make_app(database).test_client()
    response = client.post("/staff/sign-in", data={"email": "a@b.c", "password": "x" * ELEVEN_MB})
    assert response.status_code == 413 and len(response.get_data()) < 4000
    fields = {f"field-{n}": "x" for n in range(2000)}
    many = client.post("/staff/sign-in", data=fields, content_type="multipart/form-data")
    assert many.status_code == 413
