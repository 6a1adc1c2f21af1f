"""`make bench` cannot rot: the same harness runs here at tiny counts, sign-in and all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

# Every figure the benchmark reports, by the start of its row; Lighthouse on one page (the front
# door) in English at smoke size.
ROWS = [
    "| bare Flask hello world (baseline) |",
    "| walkthrough page (step 3), no pause between requests |",
    "| autosave (one answer saved), no pause between requests |",
    "| walkthrough page, each client every 0.7 s |",
    "| autosave, each client every 0.7 s |",
    "| the app's front door: a redirect, every request hook, no page |",
    "| /en/ |",
    "| one-line WeasyPrint baseline |",
    "| en |",
    "| / | en |",
    "| Lighthouse on patient pages in en |",
    "| walkthrough page (step 3), 2 clients, each every 0.7 s |",
    "| walkthrough page (step 3), 2 clients with no pause (saturation) |",
    "| autosave, 2 clients, each every 0.7 s |",
    "| autosave, 2 clients with no pause (saturation) |",
    "| `create_app()` start-up, median of 1 |",
    "| clinician's PDF en, warm median |",
    "| clinician's PDF, slowest language (en), warm median |",
    "| PDF download through gunicorn, repeat (median over languages) |",
    "| first / repeat visit, heaviest page |",
    "| worker memory after the PDFs |",
    "| test suite wall time (last `make test`) |",
]


def test_the_benchmark_runs_end_to_end_at_smoke_size() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    for row in ROWS:
        assert any(line.startswith(row) for line in lines), f"no row {row!r}:\n{result.stdout}"
    throughput = [line for line in lines if line.startswith(tuple(ROWS[:6]))]
    assert all(line.split("|")[6].strip() == "0" for line in throughput), "requests failed"
