"""Chromium through Playwright: the browser, and a tablet that audits every page it shows.

Debian's Chromium (never a downloaded one) at tablet size; every request to another host is refused
and reported; each page looked at is checked with axe-core for WCAG 2.2 A/AA and photographed under
test-results/screenshots/.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ProxySettings,
    Request,
    ViewportSize,
    expect,
    sync_playwright,
)

from tests.support import database
from tests.support.database import make_app, serve
from tests.support.staff import NURSE, add_staff_with_authenticator, authenticator_code
from tests.support.walkthrough import PatientLink

ROOT = Path(__file__).resolve().parent.parent.parent
SHOTS = ROOT / "test-results" / "screenshots"
# A full-page screenshot of every page looked at costs about a third of a browser test's time:
# kept only when asked for (SCREENSHOTS=1 make test), to look at pages after a change.
KEEP_SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"
CHROMIUM = "/usr/bin/chromium"
TABLET: ViewportSize = {"width": 768, "height": 1024}
# Without the background-networking switches Chromium tries to reach Google's hosts at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_VIOLATIONS = """async tags => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html.slice(0, 160)),
  }));
}"""


# Every request to another host goes to a proxy that is not there, so it fails inside Chromium;
# requests to the app on 127.0.0.1 bypass it. Each Tablet records any such request, and the
# page it was made from fails.
# (Routing requests through Playwright would do the same from Python, but it turns off the
# browser's cache, and every page then fetched its stylesheet, scripts and fonts again.)
NOWHERE: ProxySettings = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, proxy=NOWHERE
        )
        yield browser
        browser.close()


class Tablet:
    """A browser context on the app, refusing and recording any request to another host."""

    @property
    def audit(self) -> bool:
        """The axe audit and the screenshot look at markup, which is the same whatever the
        database: they are taken on a test's SQLite run; its PostgreSQL run does the rest."""
        return database.in_use["backend"] == "sqlite"

    def __init__(
        self,
        browser: Browser,
        server: str,
        *,
        locale: str,
        js: bool = True,
        viewport: ViewportSize = TABLET,
        scale: float = 1,
    ) -> None:
        self.server = server
        self.js = js
        self.foreign: list[str] = []
        # A scale of 2 on half the width is the page a reader sees at 200% zoom.
        self.context: BrowserContext = browser.new_context(
            viewport=viewport,
            locale=locale,
            java_script_enabled=js,
            reduced_motion="reduce",
            device_scale_factor=scale,
        )
        self.context.on("request", self._note_other_hosts)
        self.page: Page = self.context.new_page()
        self.csp_violations: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.csp_violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def _note_other_hosts(self, request: Request) -> None:
        address = urlsplit(request.url)
        if address.scheme not in ("data", "blob", "about") and (
            address.netloc != urlsplit(self.server).netloc
        ):
            self.foreign.append(request.url)

    def look(self, name: str, *, lang: str) -> None:
        """Check the page as a user and an auditor would, and keep a screenshot of it."""
        page = self.page
        page.wait_for_load_state("load")
        expect(page.locator("h1")).to_have_count(1)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("html")).to_have_attribute(
            "dir", "rtl" if lang in ("ur", "ar") else "ltr"
        )
        # Page scripts, axe included, only run where the reader has JavaScript on.
        if self.js and self.audit:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name}: page scrolls sideways by {overflow}px"
            # From the app's own static files: the page's CSP forbids inline scripts.
            page.add_script_tag(url=f"{self.server}/static/vendor/axe/axe.min.js")
            # Only the violations, and only what a failure message shows, come back: axe's full
            # result (every rule that passed, with its nodes) took longer to build and send than
            # the checks themselves.
            problems = page.evaluate(AXE_VIOLATIONS, WCAG)
            assert problems == [], f"{name}: " + json.dumps(problems, ensure_ascii=False, indent=1)
        if self.audit and KEEP_SCREENSHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"
        assert self.csp_violations == [], f"{name}: {self.csp_violations}"

    def start_guide(self) -> PatientLink:
        """Press Start on the start page shown, as a patient does; their discussion's pages."""
        with self.page.expect_navigation():
            self.page.locator("main .nhsuk-button[type=submit]").click()
        return PatientLink.from_url(self.page.url)

    def continue_(self) -> None:
        with self.page.expect_navigation():
            self.page.locator(".app-step-actions button[value=continue]").click()

    def close(self) -> None:
        self.context.close()


def sign_in(page: Page, app: Flask, who: tuple[str, str], tablet: Tablet | None = None) -> None:
    """Both steps, as a person does them, on the sign-in page the browser shows; sets up an
    authenticator first if the account has none (with a tablet given, looking at each page)."""
    page.locator("#email").fill(who[0])
    page.locator("#password").fill(who[1])
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    if "/two-step/code" in page.url:
        page.locator("#code").fill(authenticator_code(app, who[0]))
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
    elif "/two-step/set-up" in page.url:
        expect(page.locator(".app-qr svg")).to_be_visible()
        if tablet:
            tablet.look("staff-13-two-step-set-up", lang="en")
        key = (page.locator(".app-secret-key").text_content() or "").replace(" ", "")
        page.locator("#code").fill(pyotp.TOTP(key).now())
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        expect(page.locator(".app-recovery-codes li")).to_have_count(10)
        if tablet:
            tablet.look("staff-14-recovery-codes", lang="en")
        with page.expect_navigation():
            page.get_by_role("link", name="I have saved my recovery codes").click()
    assert "/two-step/" not in page.url and "/sign-in" not in page.url, page.url


def start_as_nurse(page: Page, app: Flask, url: str) -> None:
    """The nurse signs in on the start page and starts a discussion in English."""
    page.goto(url + "/staff/discussions/new")
    sign_in(page, app, NURSE)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


@contextmanager
def nurse_on_a_server(database: str, **config: Any) -> Iterator[tuple[Flask, str]]:
    """An app with these settings and one nurse with an authenticator, served for the browser."""
    app = make_app(database, WTF_CSRF_ENABLED=True, **config)
    with app.app_context():
        add_staff_with_authenticator(NURSE[0], "nurse", NURSE[1], "Sam Nurse")
    with serve(app) as url:
        yield app, url
