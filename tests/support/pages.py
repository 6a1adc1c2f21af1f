"""Page-level test helpers: fetch a page, check what every page must be, and return it parsed."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

RTL = {"ur", "ar"}
# Text that only appears when a template printed a missing or Python value.
LEAKS = re.compile(r"\bUndefined\b|ChainableUndefined|\{\{|\}\}|\{%|%\}|%\(\w+\)s")
# A character reference shown as text: something escaped twice (the guide's "don&#39;t").
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# A Python None printed as a value or an attribute, rather than the word in a sentence.
NONE_VALUE = re.compile(r'>\s*None\s*<|="None"|\bNone:')


def check_page(html: str, expected_lang: str | None = None) -> BeautifulSoup:
    """The invariants every page keeps; a failure names what is wrong."""
    page = BeautifulSoup(html, "html.parser")
    root = page.find("html")
    assert isinstance(root, Tag), "no <html> element"
    lang, direction = root.get("lang"), root.get("dir")
    assert lang and direction in ("ltr", "rtl"), (
        f"<html> needs lang and dir, got {lang!r} {direction!r}"
    )
    if expected_lang is not None:
        assert lang == expected_lang
    assert direction == ("rtl" if lang in RTL else "ltr"), (
        f"dir {direction!r} is wrong for {lang!r}"
    )
    title = page.find("title")
    assert title and title.get_text(strip=True), "empty <title>"
    headings = page.find_all("h1")
    assert len(headings) == 1, f"expected one h1, found {len(headings)}"
    assert headings[0].get_text(strip=True), "empty h1"
    ids = Counter(str(tag["id"]) for tag in page.find_all(id=True))
    duplicates = [i for i, n in ids.items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for label in page.find_all("label"):
        target = label.get("for")
        assert target and target in ids, f"label points at missing id {target!r}"
        assert label.get_text(strip=True), f"empty label for {target!r}"
    for tag in page.select("[aria-describedby]"):
        for ref in str(tag["aria-describedby"]).split():
            assert ref in ids, f"aria-describedby points at missing id {ref!r}"
    # What a <template> holds is not on the page: a script fills it in before showing it.
    for tag in page.find_all(["h1", "h2", "h3", "button", "a", "legend", "dt", "li", "summary"]):
        has_text = tag.get_text(strip=True) or tag.get("aria-label")
        assert has_text or tag.find_parent("template"), f"empty <{tag.name}>: {tag}"
    for link in page.find_all("a"):
        assert link.get("href") or link.find_parent("template"), f"link without href: {link}"
    for tag in page.find_all(["link", "script", "img", "iframe", "source"]):
        url = tag.get("href") or tag.get("src") or ""
        assert not re.match(r"^(https?:)?//", str(url)), f"loads from another host: {url}"
    for form in page.find_all("form", method=re.compile("post", re.I)):
        assert form.find("input", attrs={"name": "csrf_token"}), "POST form without a CSRF field"
    none = NONE_VALUE.search(html)
    assert not none, f"template printed None: {html[max(0, none.start() - 80) : none.end() + 20]!r}"
    text = page.get_text(" ")
    leak = LEAKS.search(text)
    assert not leak, f"template leaked {leak.group(0)!r}"
    shown = ENTITY.search(text)
    assert not shown, f"escaped twice: {text[max(0, shown.start() - 60) : shown.end() + 20]!r}"
    return page


@dataclass
class PageClient:
    """Wraps the test client: every page fetched is checked before a test looks at it."""

    client: FlaskClient
    last: TestResponse | None = field(default=None)

    def get(
        self, url: str, *, status: int = 200, lang: str | None = None, **kw: Any
    ) -> BeautifulSoup:
        response = self.client.get(url, **kw)
        return self._page(response, status, lang)

    def post(
        self, url: str, data: Any, *, status: int = 302, lang: str | None = None, **kw: Any
    ) -> BeautifulSoup | str:
        """Post a form; on a redirect return the target URL, otherwise the checked page."""
        response = self.client.post(url, data=data, **kw)
        self.last = response
        assert response.status_code == status, f"{url}: {response.status_code}, wanted {status}"
        if response.status_code in (301, 302, 303):
            return response.headers["Location"]
        return check_page(response.get_data(as_text=True), lang)

    def _page(self, response: TestResponse, status: int, lang: str | None) -> BeautifulSoup:
        self.last = response
        assert response.status_code == status, f"{response.status_code}, wanted {status}"
        return check_page(response.get_data(as_text=True), lang)


def soup(html: str) -> BeautifulSoup:
    """Parse HTML without checking it (for an answer that is not a whole page)."""
    return BeautifulSoup(html, "html.parser")


def text_of(page: BeautifulSoup, selector: str) -> str:
    found = page.select_one(selector)
    assert found is not None, f"nothing matches {selector!r}"
    return " ".join(found.get_text(" ").split())


def textarea_value(element: Tag | None) -> str:
    """A textarea's value as a browser reads it: the one newline after the tag is dropped, and
    line breaks are normalised."""
    assert element is not None, "no such textarea"
    text = element.get_text().replace("\r\n", "\n").replace("\r", "\n")
    return text[1:] if text.startswith("\n") else text
