"""Every record downloads as a PDF, whatever script its patient label is written in: both copies,
through a real HTTP server (where a header that is not Latin-1 used to get no answer at all)."""

from __future__ import annotations

import http.client
import re
import unicodedata
from urllib.parse import unquote, urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.database import serve, sqlite_only
from tests.support.staff import signed_in_with_discussion

# One label per script the app speaks (and Hebrew, which a patient's name may be in), with the
# quotes, semicolons and equals signs that end or split a careless Content-Disposition header.
LABELS = [
    ("pl", "Łukasz 中文 عربي"),
    ("en", 'O"Brien; filename=x.exe'),
    ("cy", "Siân Ŵyn 'MRN' 12"),
    ("ar", 'أحمد "؛" ; 943'),
    ("ur", "عائشہ بی بی; 12"),
    ("zh-Hans", "王小明 “病人”; 7"),
    ("bn", 'রহিম "; ৭'),
    ("pa", "ਗੁਰਪ੍ਰੀਤ ਕੌਰ; 5"),
    ("gu", "પ્રિયા 'x'; 3"),
    ("en", 'שלום כהן; "9"'),
    ("ro", "Ștefan Țăran; 1"),
    ("pt", 'João; Muñoz="2"'),
]


# The plain filename= of a Content-Disposition header: a quoted string, or a bare token.
FALLBACK = re.compile(r'filename=(?:"((?:[^"\\]|\\.)*)"|([^";\s]+))')


def as_named(label: str) -> str:
    """The label as a file name keeps it: composed, with only what file systems refuse as "_"."""
    return "".join("_" if ch in '<>:"/\\|?*' else ch for ch in unicodedata.normalize("NFC", label))


def download(base: str, browser: dict[str, str], path: str) -> http.client.HTTPResponse:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", path, headers=browser)
    return connection.getresponse()


def same_browser(client: FlaskClient) -> dict[str, str]:
    """The signed-in client's cookie and User-Agent: a staff session is bound to both."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    agent = str(client.environ_base["HTTP_USER_AGENT"])
    return {"Cookie": f"session={cookie.value}", "User-Agent": agent}


@pytest.mark.slow
@sqlite_only
@pytest.mark.parametrize(("language", "label"), LABELS)
def test_both_copies_download_for_a_label_in_any_script(
    database: str, language: str, label: str
) -> None:
    app, client, discussion_id = signed_in_with_discussion(database, language, label)
    page = client.get(f"/staff/discussions/{discussion_id}").get_data(as_text=True)
    assert label.replace('"', "&#34;").split()[0] in page, "the label was saved as typed"
    wanted = as_named(label)
    with serve(app) as base:
        for copy in ("clinician", "patient"):
            response = download(
                base,
                same_browser(client),
                f"/staff/discussions/{discussion_id}/record.pdf?copy={copy}",
            )
            body = response.read()
            assert response.status == 200, (label, copy)
            assert body.startswith(b"%PDF-"), (label, copy)
            disposition = response.getheader("Content-Disposition") or ""
            assert disposition.isascii(), "the header itself is plain ASCII"
            assert disposition.startswith("attachment;")
            fallback = re.search(FALLBACK, disposition)
            assert fallback is not None
            assert (fallback.group(1) or fallback.group(2)).endswith(f"{copy}.pdf")
            encoded = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
            # A plain ASCII name needs no second form; any other needs it (RFC 6266).
            assert encoded is not None or wanted.isascii(), disposition
            name = unquote(encoded.group(1)) if encoded else fallback.group(1) or fallback.group(2)
            assert wanted in name and name.endswith(f"-{copy}.pdf"), name
            assert not set('"\r\n/\\') & set(name)


def test_a_label_on_two_lines_is_refused_with_a_message(database: str) -> None:
    _app, client, _ = signed_in_with_discussion(database, "en", "AB")
    response = client.post(
        "/staff/discussions/new",
        data={"procedure": "htg492", "language": "pl", "patient_label": "Łukasz\nNowak"},
    )
    assert response.status_code == 400
    assert "on one line" in response.get_data(as_text=True)


def name_sent(response: TestResponse) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii() and disposition.startswith("attachment;")
    encoded = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
    if encoded:
        return unquote(encoded.group(1))
    plain = re.search(FALLBACK, disposition)
    assert plain is not None
    return plain.group(1) or plain.group(2)


@sqlite_only
@pytest.mark.parametrize(
    ("label", "named"),
    [
        ("ਪੰਜਾਬੀ", "ਪੰਜਾਬੀ"),  # Gurmukhi vowel signs and the tippi are combining marks
        ("Sia\u0302n Wyn", "Siân Wyn"),  # typed decomposed, named composed (NFC)
        ("\u200fAB 12/3", "AB 12_3"),  # a direction mark dropped, a slash made harmless
        ("ગુજરાતી 7", "ગુજરાતી 7"),
    ],
)
def test_download_names_keep_every_character_of_the_label(
    database: str, label: str, named: str
) -> None:
    _app, client, discussion_id = signed_in_with_discussion(database, "pa", label)
    exported = client.get(f"/staff/discussions/{discussion_id}/export.json")
    assert exported.status_code == 200
    name = name_sent(exported)
    assert re.fullmatch(r"discussion-record-\w{4}-\w{4}-(.+)\.json", name), name
    assert name.endswith(f"-{named}.json"), name
    printed = client.get(f"/staff/discussions/{discussion_id}/record.pdf?copy=patient")
    assert name_sent(printed).endswith(f"-{named}-patient.pdf")
