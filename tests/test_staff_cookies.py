"""A staff sign-in leaves no cookie that outlives the browser: the session cookie has no expiry,
and there is no remember-me cookie, so a shared computer closed at the end of a shift keeps
nobody signed in (the server ends the session itself after 20 idle minutes)."""

from __future__ import annotations

from tests.support.database import make_app
from tests.support.staff import CLINICIAN, add_staff_with_authenticator, sign_in


def test_a_staff_sign_in_sets_only_a_cookie_that_ends_with_the_browser(database: str) -> None:
    app = make_app(database)
    with app.app_context():
        add_staff_with_authenticator(CLINICIAN[0], "clinician", CLINICIAN[1])
    client = app.test_client()
    assert sign_in(client, *CLINICIAN).status_code == 302
    assert client.get("/staff/").status_code == 200, "signed in"
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.expires is None and cookie.max_age is None, "ends with the browser"
    assert client.get_cookie("remember_token") is None, "and no remember-me cookie"
