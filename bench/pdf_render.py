"""PDF render times: the clinician's copy of the demonstration record in every language, warm,
beside a one-line WeasyPrint document rendered in the same process (the baseline).

Run with `make bench` (or `uv run python bench/pdf_render.py`). Figures vary with the machine's
load, so compare each language with the baseline measured in the same run.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from weasyprint import HTML

from app import create_app
from companion.demo import demo_discussion
from companion.i18n import languages
from companion.record import pdf
from companion.record.summary import build

RUNS = 20


def timed(render: object, runs: int = RUNS) -> tuple[float, float]:
    assert callable(render)
    render()  # warm: fonts, stylesheet and layout caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    app = create_app({"TESTING": True})
    pack = next(iter(app.extensions["companion.packs"].values()))
    rows = []
    with app.test_request_context("/"):
        font_config = pdf.font_configuration()
        baseline = timed(lambda: HTML(string="<p>Hello</p>").write_pdf(font_config=font_config))
        for code in languages():
            summary = build(demo_discussion(pack, code), pack, "clinician", is_demo=True)
            rows.append((code, *timed(lambda s=summary: pdf.render(s))))
    print(f"PDF render, clinician's copy, {RUNS} warm renders each (ms)\n")
    print("| language | median | p95 | median ÷ baseline |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| one-line WeasyPrint baseline | {baseline[0]:.1f} | {baseline[1]:.1f} | 1.0 |")
    for code, median, p95 in rows:
        print(f"| {code} | {median:.1f} | {p95:.1f} | {median / baseline[0]:.1f} |")


if __name__ == "__main__":
    main()
