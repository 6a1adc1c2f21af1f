"""A step page is kept per worker for what is not the patient's; these prove it stays correct.

The kept page must follow the language, the content pack's version and the patient's answers,
and nothing of one patient (typed text, link, code, CSRF token, nonce) may reach another's page.
"""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from companion.models import Discussion, db
from companion.patient import page_cache
from companion.web.kiosk import PATIENT_MODE, PATIENT_SEEN
from tests.support.database import make_app
from tests.support.pages import check_page
from tests.support.walkthrough import PatientLink, pack, url

VALUES = {"type": "values"}


def start(client: FlaskClient, lang: str = "en") -> PatientLink:
    response = client.post(
        url("walkthrough.begin", lang=lang),
        data={"language": lang, "procedure": "htg492", "csrf_token": csrf_of(client, lang)},
    )
    assert response.status_code == 302, response.status_code
    return PatientLink.from_url(response.headers["Location"])


def csrf_of(client: FlaskClient, lang: str = "en") -> str:
    html = client.get(url("walkthrough.start", lang=lang)).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return found[1] if found else ""


def page(client: FlaskClient, address: str, lang: str = "en") -> tuple[str, str]:
    """The page's HTML (checked as every page is) and the nonce its CSP header allows."""
    response = client.get(address)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    check_page(html, lang)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert nonce
    return html, nonce[1]


def csrf_in(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


def save_values(client: FlaskClient, link: PatientLink, **form: str) -> None:
    save(client, link.step(**VALUES), **form)


def save(client: FlaskClient, address: str, **form: str) -> None:
    html, _nonce = page(client, address)
    (token,) = csrf_in(html)
    response = client.post(address, data={"csrf_token": token, "action": "continue", **form})
    assert response.status_code == 302, re.findall(
        r"error-message[^<]*<[^<]*<[^<]*|form-not-saved", response.get_data(as_text=True)
    )


def checked(html: str) -> set[str]:
    """The ids of the ticked radios and checkboxes."""
    return set(re.findall(r'<input[^>]* id="([^"]+)"[^>]*\schecked>', html))


def code_of(app: Flask, token: str) -> str:
    with app.app_context():
        code = db.session.scalar(select(Discussion.code).where(Discussion.token == token))
        assert code
        return code


def test_a_kept_step_page_follows_the_language_the_pack_version_and_the_answers(
    database: str,
) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    link = start(client)
    packs = app.extensions["companion.packs"]
    old = packs["htg492"]
    values = old.step_of_type("values")
    statement = values.statements[0].id

    before, _nonce = page(client, link.step(**VALUES))
    assert not checked(before)
    save_values(client, link, **{f"rating-{statement}": "a-lot"})
    after, _nonce = page(client, link.step(**VALUES))
    assert checked(after) == {f"rating-{statement}-a-lot"}
    save_values(client, link, **{f"rating-{statement}": "not-sure"})
    changed, _nonce = page(client, link.step(**VALUES))
    assert checked(changed) == {f"rating-{statement}-not-sure"}

    in_urdu, _nonce = page(client, link.in_language("ur").step(**VALUES), "ur")
    assert '<html lang="ur"' in in_urdu and 'dir="rtl"' in in_urdu
    assert checked(in_urdu) == {f"rating-{statement}-not-sure"}

    leaning = old.step_of_type("leaning")
    option = old.options[0].id
    save(client, link.step(type="leaning"), leaning=option, leaning_reason="Because <of> Ann")
    leaning_page, _nonce = page(client, link.step(type="leaning"))
    assert checked(leaning_page) == {f"leaning-{option}"}
    assert "Because &lt;of&gt; Ann</textarea>" in leaning_page
    assert leaning.id

    # The same step number of the pack version a discussion was shown, in the same worker.
    versions = app.extensions["companion.pack_versions"]["htg492"]
    assert len(versions) > 1, "needs two published versions of the pack"
    ordered = list(versions.values())
    oldest, newest = ordered[0], ordered[-1]
    number = next(
        n
        for n, (was, now) in enumerate(zip(oldest.steps, newest.steps, strict=False), start=1)
        if was.paragraphs[0].text != now.paragraphs[0].text
    )
    on_newest, _nonce = page(client, link.step(number))
    with app.app_context():
        shown = db.session.scalars(select(Discussion).where(Discussion.token == link.token)).one()
        shown.content_version = oldest.content_version
        db.session.commit()
    on_oldest, _nonce = page(client, link.step(number))
    was_text = str(escape(oldest.steps[number - 1].paragraphs[0].text))
    now_text = str(escape(newest.steps[number - 1].paragraphs[0].text))
    assert now_text in on_newest and was_text not in on_newest
    assert was_text in on_oldest and now_text not in on_oldest


def test_nothing_of_one_patient_reaches_another_patients_page(database: str) -> None:
    app = make_app(database, WTF_CSRF_ENABLED=True)
    alice, bob = app.test_client(), app.test_client()
    alice_link, bob_link = start(alice), start(bob)
    values = pack().step_of_type("values")
    risks = [risk.id for risk in pack().risks]
    save_values(
        alice,
        alice_link,
        values_note="Alice's note: <b>bold</b> & the garden gate",
        concern=risks[0],
        **{f"rating-{values.statements[0].id}": "a-lot"},
    )
    save_values(bob, bob_link, values_note="Bob keeps pigeons")

    seen: dict[str, list[tuple[str, str]]] = {"alice": [], "bob": []}
    for _round in range(3):  # alternate, so each is served from the kept page after the other
        seen["alice"].append(page(alice, alice_link.step(**VALUES)))
        seen["bob"].append(page(bob, bob_link.step(**VALUES)))

    own = {
        "alice": (alice_link.token, code_of(app, alice_link.token), "garden gate"),
        "bob": (bob_link.token, code_of(app, bob_link.token), "pigeons"),
    }
    for who, other in (("alice", "bob"), ("bob", "alice")):
        token, _code, text = own[who]
        for html, nonce in seen[who]:
            assert token in html and text in html
            for foreign in own[other]:
                assert foreign not in html, f"{other}'s {foreign!r} on {who}'s page"
            # This request's nonce is on the page, and no other page's nonce is.
            assert f'nonce="{nonce}"' in html
            for other_html, other_nonce in seen[other]:
                assert other_nonce not in html
                assert not csrf_in(other_html) & csrf_in(html)
    alice_page = seen["alice"][-1][0]
    assert "Alice&#39;s note: &lt;b&gt;bold&lt;/b&gt; &amp; the garden gate" in alice_page
    assert "<b>bold</b>" not in alice_page
    assert checked(alice_page) == {f"concern-{risks[0]}", f"rating-{values.statements[0].id}-a-lot"}
    assert not checked(seen["bob"][-1][0])


def normalised(html: str) -> str:
    """A page with this request's nonce and CSRF token blanked: all else must match exactly."""
    html = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', html)
    return re.sub(r'nonce="[^"]+"', 'nonce=""', html)


def test_every_kept_step_page_is_the_page_rendered_in_full(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every step, answered, in a left-to-right and a right-to-left language, at a larger text
    size and opened from the review page: the kept page with the answers put in is, byte for
    byte, the page the template renders in full."""
    app = make_app(database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    link = start(client)
    the_pack = pack()
    values = the_pack.step_of_type("values")
    readiness = the_pack.step_of_type("readiness")
    save_values(
        client,
        link,
        values_note='Tea & <cake>, "quoted"',
        concern=[risk.id for risk in the_pack.risks[:2]],
        **{f"rating-{s.id}": "a-little" for s in values.statements[:2]},
    )
    save(client, link.step(type="leaning"), leaning=the_pack.options[-1].id, leaning_reason="x'y")
    save(
        client,
        link.step(type="readiness"),
        **{f"ready-{item.id}": "yes" for item in readiness.items[:-1]},
        **{f"ready-{readiness.items[-1].id}": "no"},
    )
    for number, step in enumerate(the_pack.steps, start=1):
        if step.question is not None and number % 2:
            save(client, link.step(number), ask="yes")

    addresses = [link.step(n) for n in range(1, len(the_pack.steps) + 1)]
    addresses += [link.in_language("ar").step(n) for n in range(1, len(the_pack.steps) + 1)]
    addresses += [address + "?from=review" for address in addresses[:3]]
    client.set_cookie("text_size", "2")

    def every_page(handed_over: bool) -> dict[str, str]:
        """Each address twice (the first render is kept), on a tablet handed over or not."""
        with client.session_transaction() as session:
            session.pop(PATIENT_MODE, None)
            if handed_over:
                session[PATIENT_MODE], session[PATIENT_SEEN] = link.token, time.time()
        pages = {}
        for address in addresses:
            lang = "ar" if "/ar/" in address else "en"
            page(client, address, lang)
            pages[address] = page(client, address, lang)[0]
        return pages

    kept = {handed_over: every_page(handed_over) for handed_over in (False, True)}
    assert "Give the tablet back" not in kept[False][addresses[0]]
    assert "Give the tablet back" in kept[True][addresses[0]]
    monkeypatch.setattr(page_cache, "KEPT_STEP_TYPES", frozenset())
    for handed_over in (False, True):
        in_full = every_page(handed_over)
        for address in addresses:
            shown = normalised(kept[handed_over][address])
            assert shown == normalised(in_full[address]), (address, handed_over)
