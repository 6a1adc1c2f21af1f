"""PDF render times: the clinician's copy of the demonstration record in every language, warm,
beside a one-line WeasyPrint document rendered in the same process (the baseline).

Run with `make bench` (or `uv run python bench/pdf_render.py [--json] [--runs N] [LANG ...]`).
Figures vary with the machine's load, so compare each language with the baseline measured in the
same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from weasyprint import HTML

from app import create_app
from companion.demo import demo_discussion
from companion.i18n import languages
from companion.record import pdf
from companion.record.summary import build


def timed(render: Callable[[], object], runs: int) -> tuple[float, float]:
    render()  # warm: fonts, stylesheet and layout caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[round(0.95 * (len(samples) - 1))]


def measure(codes: list[str], runs: int) -> dict[str, Any]:
    app = create_app({"TESTING": True})
    pack = next(iter(app.extensions["companion.packs"].values()))
    result: dict[str, Any] = {"runs": runs, "languages": {}}
    with app.test_request_context("/"):
        font_config = pdf.font_configuration()
        result["baseline"] = timed(
            lambda: HTML(string="<p>Hello</p>").write_pdf(font_config=font_config), runs
        )
        for code in codes or list(languages()):
            summary = build(demo_discussion(pack, code), pack, "clinician", is_demo=True)
            result["languages"][code] = timed(lambda s=summary: pdf.render(s), runs)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--runs", type=int, default=20, help="warm renders per language")
    parser.add_argument("languages", nargs="*", help="language codes (default: all)")
    arguments = parser.parse_args()
    result = measure(arguments.languages, arguments.runs)
    if arguments.json:
        print(json.dumps(result))
        return
    print(f"PDF render, clinician's copy, {arguments.runs} warm renders each (ms)\n")
    print("| language | median | p95 | median ÷ baseline |")
    print("| --- | ---: | ---: | ---: |")
    base = result["baseline"]
    print(f"| one-line WeasyPrint baseline | {base[0]:.1f} | {base[1]:.1f} | 1.0 |")
    for code, (median, p95) in result["languages"].items():
        print(f"| {code} | {median:.1f} | {p95:.1f} | {median / base[0]:.1f} |")


if __name__ == "__main__":
    main()
