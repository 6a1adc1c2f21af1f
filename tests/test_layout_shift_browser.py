"""Nothing on a patient page moves once it is drawn (Lighthouse's Cumulative Layout Shift 0).

A reader who has started on the first line should not find it pushed down by a button or a
message added a moment later. Measured as the browser itself counts it, with a
PerformanceObserver for 'layout-shift', on a phone-sized screen like Lighthouse's mobile run.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ViewportSize

from tests.support.browser import Tablet
from tests.support.database import sqlite_only

pytestmark = [pytest.mark.browser, sqlite_only]

PHONE: ViewportSize = {"width": 412, "height": 823}  # Lighthouse's mobile screen

# The browser's voices arrive after the page, as Chromium's do, and none speaks the page's
# language: the case where the page used to change (a message pushed everything down).
LATE_VOICES = """
(() => {
  let voices = [];
  const listeners = [];
  const synth = {
    speaking: false,
    getVoices: () => voices,
    addEventListener: (type, listener) => listeners.push(listener),
    speak() {},
    cancel() {},
  };
  Object.defineProperty(window, 'speechSynthesis', {value: synth});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  setTimeout(() => {
    voices = [{lang: 'xx-XX', name: 'Elsewhere', default: true}];
    listeners.forEach(listener => listener());
  }, 300);
})();
"""

# Every shift since the page started, input or not, a second after it loaded.
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) total += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 1000);
})"""


@pytest.mark.parametrize("lang", ["en", "ur", "zh-Hans"])
def test_the_options_page_does_not_move_once_drawn(
    browser: Browser, live_server: str, lang: str
) -> None:
    tablet = Tablet(browser, live_server, locale=lang, viewport=PHONE)
    page = tablet.page
    page.add_init_script(LATE_VOICES)
    page.goto(live_server + f"/{lang}/")
    link = tablet.start_guide()
    for address in (link.step(type="comparison"), link.questions_to_print()):
        page.goto(address, wait_until="load")
        assert page.evaluate(LAYOUT_SHIFT) == 0, f"the page moved after it was drawn: {address}"
    tablet.close()
