"""`make bench`: how fast the app is, each figure beside a baseline measured in the same run.

Starts the app and a bare Flask "hello world" under gunicorn (2 sync workers) on 127.0.0.1 with
a temporary database, loads them from 16 client threads (bounded in requests and seconds, only
to 127.0.0.1), renders the record in every language, counts page weight in Chromium, and prints a
markdown table. These machines are shared and noisy: read the ratios, not the raw numbers.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLIENTS = 16
MAX_REQUESTS = 3000
MAX_SECONDS = 15.0
STAFF = ("load.tester@example.org", "lighthouse-kettle-violet-42")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(app: str, env: dict[str, str]) -> Iterator[tuple[int, int]]:
    """Serve app under gunicorn; yield (port, master pid)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(1.0)  # let both workers finish booting
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


class Client:
    """One tablet: a keep-alive connection with its own cookies."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        all_headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=all_headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def csrf(self, path: str) -> str:
        _, page = self.request("GET", path)
        match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1).decode()


def load(port: int, prepare: Callable[[Client, int], Callable[[], int]]) -> dict[str, float]:
    """CLIENTS threads share a budget of MAX_REQUESTS requests and MAX_SECONDS seconds."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    budget = [MAX_REQUESTS]
    clients = [Client(port) for _ in range(CLIENTS)]
    actions = [prepare(client, i) for i, client in enumerate(clients)]
    start = time.perf_counter()
    deadline = start + MAX_SECONDS

    def run(action: Callable[[], int]) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            began = time.perf_counter()
            status = action()
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                errors += status >= 400

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p99": latencies[int(0.99 * (len(latencies) - 1))],
        "requests": len(latencies),
        "errors": errors,
    }


def prepare_database(env: dict[str, str]) -> list[str]:
    """Migrate a fresh database, add a staff account and one discussion per simulated tablet."""
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run(
        [*flask, "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*flask, "staff", "add", STAFF[0], "--role", "clinician", "--password-stdin"],
        cwd=ROOT,
        env={**os.environ, **env},
        input=STAFF[1] + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    script = (
        "from app import create_app\nfrom companion import discussions\n"
        "from companion.i18n import languages\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    for i in range({CLIENTS}):\n"
        "        code = list(languages())[i % 12]\n"
        "        d = discussions.start_discussion('htg492', code, link_days=30)\n"
        "        print(d.token)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.split()


def worker_rss_mb(master: int) -> list[float]:
    children = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True
    ).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)  # type: ignore[union-attr]
    return sizes


def startup_ms(statement: str, runs: int = 5) -> float:
    code = (
        "import time; t = time.perf_counter(); "
        f"{statement}; print((time.perf_counter() - t) * 1000)"
    )
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", code],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            ).stdout.split()[-1]
        )
        for _ in range(runs)
    ]
    return statistics.median(samples)


def page_weight(port: int, token: str) -> list[tuple[str, int, int, int, int]]:
    """(page, first-visit bytes and requests, repeat-visit bytes and requests) in Chromium."""
    from playwright.sync_api import sync_playwright

    pages = (
        ["/en/"]
        + [f"/en/w/{token}/step/{n}" for n in range(1, 11)]
        + [f"/en/w/{token}/review", "/en/about/htg492"]
    )
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        for path in pages:
            context = browser.new_context(viewport={"width": 768, "height": 1024})
            page = context.new_page()
            seen: list[object] = []
            page.on("requestfinished", lambda request, seen=seen: seen.append(request))

            def transferred(page: Any = page, seen: list[object] = seen) -> tuple[int, int]:
                # Requests answered from the browser's cache transfer nothing: not counted.
                page.wait_for_load_state("networkidle")
                sizes = [r.sizes() for r in seen]  # type: ignore[attr-defined]
                moved = [s["responseBodySize"] + s["responseHeadersSize"] for s in sizes]
                moved = [m for m in moved if m > 0]
                seen.clear()
                return sum(moved), len(moved)

            page.goto(f"http://127.0.0.1:{port}{path}", wait_until="load")
            first = transferred()
            page.goto(f"http://127.0.0.1:{port}{path}", wait_until="load")
            repeat = transferred()
            rows.append((path.replace(token, "<token>"), *first, *repeat))
            context.close()
        browser.close()
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "COMPANION_ENV": "development"}
        tokens = prepare_database(env)
        with gunicorn("bench.hello_app:app", {}) as (port, _):
            hello = load(port, lambda c, i: lambda: c.request("GET", "/")[0])
        with gunicorn("app:create_app()", env) as (port, master):

            def walkthrough_page(client: Client, i: int) -> Callable[[], int]:
                return lambda: client.request(
                    "GET", f"/en/w/{tokens[i]}/step/3", headers={"Accept-Encoding": "gzip"}
                )[0]

            pages = load(port, walkthrough_page)

            def autosave(client: Client, i: int) -> Callable[[], int]:
                step = f"/en/w/{tokens[i]}/step/8"
                token = client.csrf(step)
                counter = iter(range(10**9))
                return lambda: client.request(
                    "POST",
                    step,
                    urlencode({"csrf_token": token, "values_note": f"note {next(counter)}"}),
                    {"X-Autosave": "1"},
                )[0]

            saves = load(port, autosave)
            # Every language's PDF through the workers, then their memory.
            staff = Client(port)
            token = staff.csrf("/staff/sign-in")
            staff.request(
                "POST",
                "/staff/sign-in",
                urlencode({"csrf_token": token, "email": STAFF[0], "password": STAFF[1]}),
            )
            for discussion_id in range(1, 13):
                for _ in range(2):  # both workers are likely to see every script
                    assert (
                        staff.request("GET", f"/staff/discussions/{discussion_id}/record.pdf")[0]
                        == 200
                    )
            rss = worker_rss_mb(master)
            weights = page_weight(port, tokens[0])
    startup = startup_ms("from app import create_app; create_app()")
    hello_startup = startup_ms("import flask; flask.Flask('hello')")

    print("## Throughput and latency, 16 clients, gunicorn 2 sync workers, 127.0.0.1\n")
    print("| what | requests/s | p50 ms | p99 ms | requests | errors | ÷ hello world |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in (
        ("bare Flask hello world (baseline)", hello),
        ("walkthrough page (step 3)", pages),
        ("autosave (one answer saved)", saves),
    ):
        print(
            f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['requests']} "
            f"| {r['errors']} | {r['rps'] / hello['rps']:.2f} |"
        )
    print("\n## Page weight in Chromium at 768×1024 (bytes with gzip, requests)\n")
    print("| page | first visit bytes | requests | repeat visit bytes | requests |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for path, fb, fr, rb, rr in weights:
        print(f"| {path} | {fb} | {fr} | {rb} | {rr} |")
    print("\n## Start-up and memory\n")
    print("| what | value | baseline | ratio |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| create_app() start-up, median of 5 (ms) | {startup:.0f} "
        f"| {hello_startup:.0f} (bare Flask app) | {startup / hello_startup:.1f} |"
    )
    sizes = ", ".join(f"{r:.0f}" for r in rss)
    print(
        f"| resident memory per worker after PDFs in all 12 languages (MB) | {sizes} "
        f"| target 300 | {max(rss) / 300:.2f} |"
    )
    sys.stdout.flush()
    subprocess.run([sys.executable, str(ROOT / "bench" / "pdf_render.py")], check=True)


if __name__ == "__main__":
    main()
