"""`make run`, the README's first command, cannot rot: it starts the app on SQLite, prints the demo
staff account, serves the guide, and its server log never holds a patient's link."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from tests.support.servers import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def test_make_run_starts_the_guide_with_a_demo_account_and_hides_links(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "make-run.log"
    env = {
        **os.environ,
        # A database of its own, not the checkout's instance/ one a developer may be using.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "COMPANION_ENV": "development",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_serving(port, "/en/", within=120)
        token = "Abc123SecretLinkPart-xyz_0987654321"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/en/w/{token}/step/1")
        assert connection.getresponse().status == 404
        connection.close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    written = log.read_text(encoding="utf-8", errors="replace")
    assert f"http://127.0.0.1:{port}/" in written
    assert re.search(r"Demo clinician: \S+@\S+", written)
    assert re.search(r"Password \(new on every start\): \S{12,}", written)
    assert "/w/[link]/step/1" in written, "the development server logs requests"
    assert token not in written
