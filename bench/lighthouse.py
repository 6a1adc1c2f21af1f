"""Lighthouse on the patient's pages, as a phone on a slow mobile network would load them.

`bench/run.py` gives the pages (the patient's link needs no cookie; a page that exists only on a
tablet handed to a patient comes with that tablet's session cookie). Each page is loaded by
Lighthouse 12's own command (node_modules/.bin/lighthouse, pinned in package.json and installed by
`make setup`) in Debian's Chromium, headless: the mobile form factor and screen, Lighthouse's
default simulated throttling (a processor 4 times slower, 150 ms round trips, 1.6 Mbit/s), the
performance category only.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
# The targets: nothing to gain in Lighthouse's eyes, nothing that moves once drawn, and the
# page's main text drawn within a second and a half on a mid-range phone.
SCORE_TARGET = 100
LCP_TARGET_S = 1.5
CLS_TARGET = 0.0


def require_lighthouse() -> None:
    """Stop at once, before the app is started, where Lighthouse is missing."""
    if not LIGHTHOUSE.exists():
        raise SystemExit(
            f"bench: {LIGHTHOUSE.relative_to(ROOT)} is missing: run `make setup`, which installs "
            "the pinned Lighthouse from package.json (npm ci)"
        )


def audit(url: str, cookie: str | None = None) -> dict[str, float]:
    """One Lighthouse run; its figures as the report shows them (score out of 100, seconds)."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--quiet",
        # As root (here) Chromium runs only without its sandbox.
        "--chrome-flags=--headless=new --no-sandbox",
        "--only-categories=performance",
        "--form-factor=mobile",
        "--disable-full-page-screenshot",
        "--no-enable-error-reporting",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode != 0:
        raise RuntimeError(f"Lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(result.stdout)
    score = report["categories"]["performance"]["score"]
    # A page that answered with an error, or sent Lighthouse elsewhere, was not the page asked for.
    if score is None or report["finalDisplayedUrl"] != url:
        problem = report.get("runtimeError", {}).get("message") or report["finalDisplayedUrl"]
        raise RuntimeError(f"Lighthouse could not measure {url}: {problem}")
    audits = report["audits"]
    return {
        "score": score * 100,
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def missed(row: dict[str, Any]) -> list[str]:
    """The targets a page missed, by name."""
    return [
        name
        for name, ok in (
            ("performance", round(row["score"]) >= SCORE_TARGET),
            ("LCP", row["lcp"] <= LCP_TARGET_S),
            ("CLS", row["cls"] <= CLS_TARGET),
        )
        if not ok
    ]


def report(rows: list[dict[str, Any]]) -> None:
    """A row a page and language, each figure beside its target."""
    print("\n## Lighthouse 12, mobile, simulated throttling, performance only\n")
    print(
        "| page | language | performance | target | LCP | target | CLS | target "
        "| TBT | total bytes | |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        failed = missed(row)
        mark = f"**not met**: {', '.join(failed)}" if failed else "met"
        print(
            f"| {row['page']} | {row['language']} | {row['score']:.0f} | {SCORE_TARGET} "
            f"| {row['lcp']:.2f} s | ≤ {LCP_TARGET_S} s | {row['cls']:.3f} | {CLS_TARGET:g} "
            f"| {row['tbt']:.0f} ms | {row['bytes']:.0f} | {mark} |"
        )


def summary(rows: list[dict[str, Any]]) -> tuple[str, str, bool]:
    """For the table of targets: how many page views met every target, and the worst figures."""
    met = sum(not missed(row) for row in rows)
    worst_lcp = max(row["lcp"] for row in rows)
    worst_cls = max(row["cls"] for row in rows)
    lowest = min(row["score"] for row in rows)
    measured = (
        f"{met} of {len(rows)} at every target; lowest score {lowest:.0f}, "
        f"slowest LCP {worst_lcp:.2f} s, largest CLS {worst_cls:.3f}"
    )
    target = f"{SCORE_TARGET}; LCP ≤ {LCP_TARGET_S} s; CLS {CLS_TARGET:g}"
    return measured, target, met == len(rows)
