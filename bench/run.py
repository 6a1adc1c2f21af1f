"""`make bench`: how fast the app is, each figure beside a baseline measured in the same run.

Starts the app and a bare Flask "hello world" under gunicorn (2 sync workers) on 127.0.0.1 with
a temporary database, loads them from 16 client threads (bounded in requests and seconds, only
to 127.0.0.1), renders the record in every language, counts page weight in Chromium, runs
Lighthouse on every patient page in three languages (bench/lighthouse.py), and prints markdown
tables, each figure beside its target. These machines are shared and noisy: repeat a run before
believing a change.

Staff sign in as people do: password, then a code from the account's authenticator key (the bench
makes the account and its key itself). `--smoke` runs the same stages at tiny counts in seconds;
the test suite runs it (tests/test_bench.py), so a change that breaks the bench fails the suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
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
from urllib.parse import urlencode, urlsplit

import pyotp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import lighthouse  # noqa: E402  (found through the path above)

STAFF = ("load.tester@example.org", "lighthouse-kettle-violet-42")
LANGUAGES = re.findall(
    r"code: *([A-Za-z-]+)", (ROOT / "translations" / "languages.yaml").read_text(encoding="utf-8")
)


class Settings:
    """How much to measure: the full run, or a smoke run of every stage at tiny counts."""

    def __init__(self, smoke: bool) -> None:
        self.smoke = smoke
        self.clients = 2 if smoke else 16
        self.max_requests = 20 if smoke else 3000
        self.max_seconds = 2.0 if smoke else 15.0
        self.startup_runs = 1 if smoke else 5
        # Every language's PDF through the workers (memory), then the render times in-process.
        self.pdf_languages = ["en"] if smoke else LANGUAGES
        self.pdf_runs = 1 if smoke else 20
        self.weight_pages = 1 if smoke else None  # None: every page
        # English, a right-to-left script and a CJK one: the three ways the pages are set.
        self.lighthouse_languages = ["en"] if smoke else ["en", "ur", "zh-Hans"]
        self.lighthouse_pages = 1 if smoke else None


SETTINGS = Settings(smoke=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(app: str, env: dict[str, str], log: Path) -> Iterator[tuple[int, int]]:
    """Serve app under gunicorn; yield (port, master pid). The app's request log (a line per
    request, as in production) goes to a file, not between the bench's tables."""
    port = free_port()
    output = log.open("ab")
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
        stdout=output,
        stderr=output,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    tail = log.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"gunicorn {app} did not start:\n{tail}") from None
                time.sleep(0.1)
        time.sleep(1.0)  # let both workers finish booting
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        output.close()


class Client:
    """One tablet: a keep-alive connection with its own cookies."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.cookies: dict[str, str] = {}
        self.last_location = ""

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
        location = urlsplit(response.getheader("Location") or "")
        self.last_location = location.path + (f"?{location.query}" if location.query else "")
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def csrf(self, path: str) -> str:
        _, page = self.request("GET", path)
        match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1).decode()


# The patient's page saves at most once per pause in typing of this long (static/js/app.js).
AUTOSAVE_PAUSE = 0.7


def load(
    port: int, prepare: Callable[[Client, int], Callable[[], int]], pace: float | None = None
) -> dict[str, float]:
    """SETTINGS.clients threads share a budget of requests and seconds. With no pace each sends
    its next request as soon as the last is answered (saturation: the latency is then mostly the
    queue for the two workers); with a pace each sends one every `pace` seconds, as a tablet
    does, their starts spread over the first interval."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    budget = [SETTINGS.max_requests]
    clients = [Client(port) for _ in range(SETTINGS.clients)]
    actions = [prepare(client, i) for i, client in enumerate(clients)]
    start = time.perf_counter()
    deadline = start + SETTINGS.max_seconds

    def run(action: Callable[[], int], offset: float) -> None:
        nonlocal errors
        due = start + offset
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            if pace is not None:
                time.sleep(max(0.0, due - time.perf_counter()))
                due += pace
            began = time.perf_counter()
            status = action()
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                errors += status >= 400

    spread = (pace or 0.0) / len(actions)
    threads = [
        threading.Thread(target=run, args=(action, i * spread)) for i, action in enumerate(actions)
    ]
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


def prepare_database(env: dict[str, str], database: Path) -> str:
    """Migrate a fresh database and add a clinician with two-step sign-in set up; returns the
    authenticator key, made here as the person's phone would hold it."""
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run(
        [*flask, "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [*flask, "staff", "add", STAFF[0], "--role", "clinician", "--password-stdin"],
        cwd=ROOT,
        env={**os.environ, **env},
        input=STAFF[1] + "\n",
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    key = pyotp.random_base32()
    # Through the app's models: the column seals the key with the app's AUTHENTICATOR_KEYS.
    give_key = (
        "import sys\n"
        "from sqlalchemy import select\n"
        "from app import create_app\n"
        "from companion.models import StaffMember, db\n"
        "with create_app().app_context():\n"
        "    found = select(StaffMember).where(StaffMember.email == sys.argv[1])\n"
        "    member = db.session.scalar(found)\n"
        "    member.totp_secret = sys.argv[2]\n"
        "    db.session.commit()\n"
    )
    subprocess.run(
        [sys.executable, "-c", give_key, STAFF[0], key],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return key


def sign_in(port: int, key: str) -> Client:
    """Both steps, as staff do: email and password, then the authenticator's current code."""
    staff = Client(port)
    token = staff.csrf("/staff/sign-in")
    status, _ = staff.request(
        "POST",
        "/staff/sign-in",
        urlencode({"csrf_token": token, "email": STAFF[0], "password": STAFF[1]}),
    )
    assert status == 302, f"sign-in: the password step answered {status}"
    token = staff.csrf("/staff/two-step/code")
    code = pyotp.TOTP(key).now()
    status, _ = staff.request(
        "POST", "/staff/two-step/code", urlencode({"csrf_token": token, "code": code})
    )
    assert status == 302, f"sign-in: the authenticator code step answered {status}"
    status, _ = staff.request("GET", "/staff/")
    assert status == 200, f"sign-in: the staff dashboard answered {status} after signing in"
    return staff


def start_discussions(staff: Client, count: int) -> list[tuple[int, str]]:
    """(discussion id, patient token) for each simulated tablet, languages in turn."""
    started = []
    for i in range(count):
        language = LANGUAGES[i % len(LANGUAGES)]
        token = staff.csrf("/staff/discussions/new")
        form = {"csrf_token": token, "procedure": "htg492", "language": language}
        status, _ = staff.request("POST", "/staff/discussions/new", urlencode(form))
        assert status == 302, f"starting a discussion answered {status}"
        location = staff.last_location
        status, page = staff.request("GET", location)
        match = re.search(rb"/w/([A-Za-z0-9_-]+)/", page)
        assert status == 200 and match, f"no patient link on {location}"
        discussion_id = int(re.findall(r"/discussions/(\d+)/", location)[0])
        started.append((discussion_id, match.group(1).decode()))
    return started


def patient_pages(client: Client, token: str) -> list[str]:
    """Every page a patient sees, without its language prefix: the front door, and the pages of
    their discussion reached from their link (no cookie needed). The steps are found by asking for
    the next until there is none; a question of their own is added for the pages that change or
    remove one. The client opens the link first, as a patient does: a patient page's address alone
    opens nothing, so the pages are measured with this client's cookie."""
    status, _ = client.request("GET", f"/en/w/{token}/")
    assert status == 302, f"the patient's link answered {status}"
    steps: list[bytes] = []
    while True:
        status, page = client.request("GET", f"/en/w/{token}/step/{len(steps) + 1}")
        if status == 404:
            break
        assert status == 200, f"step {len(steps) + 1} answered {status}"
        steps.append(page)
    own = next(n for n, page in enumerate(steps, start=1) if b'name="new_question"' in page)
    step = f"/en/w/{token}/step/{own}"
    form = {"csrf_token": client.csrf(step), "new_question": "Will I be awake?", "action": "add"}
    status, _ = client.request("POST", step, urlencode(form))
    assert status == 302, f"adding a question answered {status}"
    question = re.findall(rb"/questions/(\d+)/edit", client.request("GET", step)[1])[0].decode()
    discussion = f"/w/{token}"
    return [
        "/",
        "/about/htg492",
        "/resume",
        *(f"{discussion}/step/{n}" for n in range(1, len(steps) + 1)),
        f"{discussion}/review",
        f"{discussion}/later",
        f"{discussion}/finished",
        f"{discussion}/my-questions",
        f"{discussion}/questions/{question}/edit",
        f"{discussion}/questions/{question}/remove",
        "/cleared",
        "/handed-back",
    ]


def hand_over(staff: Client, discussion_id: int) -> Client:
    """Staff hand the tablet to the patient, which signs them out: from then on this browser is
    the patient's, its session cookie locked to their discussion."""
    form = {"csrf_token": staff.csrf("/staff/")}
    status, _ = staff.request(
        "POST", f"/staff/discussions/{discussion_id}/hand-over", urlencode(form)
    )
    assert status == 302, f"handing the tablet over answered {status}"
    return staff


def cookie_of(client: Client) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def lighthouse_rows(
    port: int, pages: list[str], patient: Client, tablet: Client
) -> list[dict[str, Any]]:
    """Lighthouse on each page in each language. A discussion's pages open only in a browser
    that holds it: Lighthouse sends the cookie of the patient's browser, which opened the link.
    The page that asks before giving the tablet back exists only on a tablet handed over:
    Lighthouse sends that tablet's session cookie."""
    rows = []
    for language in SETTINGS.lighthouse_languages:
        for path in pages[: SETTINGS.lighthouse_pages]:
            url = f"http://127.0.0.1:{port}/{language}{path}"
            page = re.sub(r"/w/[^/]+/", "/w/<token>/", path)
            cookie = cookie_of(patient) if "/w/" in path else None
            rows.append({"page": page, "language": language, **lighthouse.audit(url, cookie)})
        if SETTINGS.lighthouse_pages is None:  # every page: this one too
            # Asked for now, so that the cookie's last use is recent: a tablet left alone for
            # ten minutes is given back (kiosk_idle_seconds), cookie or not.
            status, _ = tablet.request("GET", f"/{language}/hand-back")
            assert status == 200, f"the hand-back page answered {status} on the tablet"
            cookie = cookie_of(tablet)
            url = f"http://127.0.0.1:{port}/{language}/hand-back"
            rows.append(
                {"page": "/hand-back", "language": language, **lighthouse.audit(url, cookie)}
            )
    return rows


def timed_get(client: Client, path: str) -> tuple[float, bytes]:
    began = time.perf_counter()
    status, body = client.request("GET", path)
    assert status == 200, f"{path} answered {status}"
    return (time.perf_counter() - began) * 1000, body


def worker_rss_mb(master: int) -> list[float]:
    children = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True
    ).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)  # type: ignore[union-attr]
    return sizes


def startup_ms(statement: str, runs: int, env: dict[str, str]) -> float:
    code = (
        "import time; t = time.perf_counter(); "
        f"{statement}; print((time.perf_counter() - t) * 1000)"
    )
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", code],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
                check=True,
                env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            ).stdout.split()[-1]
        )
        for _ in range(runs)
    ]
    return statistics.median(samples)


def page_weight(
    port: int, token: str, patient: list[str], holder: Client
) -> list[tuple[str, int, int, int, int]]:
    """(page, first-visit bytes and requests, repeat-visit bytes and requests) in Chromium, with
    the cookies of the browser that opened the patient's link (`holder`)."""
    from playwright.sync_api import sync_playwright

    pages = [f"/en{path}" for path in patient][: SETTINGS.weight_pages]
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        for path in pages:
            context = browser.new_context(viewport={"width": 768, "height": 1024})
            context.add_cookies(
                [
                    {"name": name, "value": value, "url": f"http://127.0.0.1:{port}/"}
                    for name, value in holder.cookies.items()
                ]
            )
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


def pdf_render_times(env: dict[str, str]) -> dict[str, Any]:
    """bench/pdf_render.py in a process of its own, as JSON."""
    arguments = ["--json", "--runs", str(SETTINGS.pdf_runs), *SETTINGS.pdf_languages]
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pdf_render.py"), *arguments],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def suite_wall_time() -> str:
    """The last full pytest run's wall time, which tests/conftest.py keeps in pytest's cache."""
    try:
        last = json.loads((ROOT / ".pytest_cache" / "v" / "companion" / "wall_time").read_text())
    except (OSError, ValueError):
        return "not recorded yet: run `make test`"
    return f"{last['seconds']:.0f} s for {last['tests']} tests on {last['finished'][:10]}"


def measure() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bench.sqlite3"
        env = {
            "DATABASE_URL": f"sqlite:///{database}",
            "COMPANION_ENV": "development",
            "PDF_CACHE_DIR": str(Path(tmp) / "pdf-cache"),
        }
        key = prepare_database(env, database)
        log = Path(tmp) / "gunicorn.log"
        with gunicorn("bench.hello_app:app", {}, log) as (port, _):
            hello = load(port, lambda c, i: lambda: c.request("GET", "/")[0])
        with gunicorn("app:create_app()", env, log) as (port, master):
            # The app's floor: a redirect through every request hook (host check, limits, CSP
            # nonce and headers, request log, commit), with no page, query or session behind it.
            english = {"Accept-Language": "en"}
            front_door = load(port, lambda c, i: lambda: c.request("GET", "/", headers=english)[0])
            staff = sign_in(port, key)
            started = start_discussions(staff, max(SETTINGS.clients, len(SETTINGS.pdf_languages)))
            tokens = [token for _, token in started]

            def walkthrough_page(client: Client, i: int) -> Callable[[], int]:
                client.request("GET", f"/en/w/{tokens[i]}/")  # the link: the browser holds it
                return lambda: client.request(
                    "GET", f"/en/w/{tokens[i]}/step/3", headers={"Accept-Encoding": "gzip"}
                )[0]

            pages = load(port, walkthrough_page)
            pages_paced = load(port, walkthrough_page, pace=AUTOSAVE_PAUSE)

            def autosave(client: Client, i: int) -> Callable[[], int]:
                step = f"/en/w/{tokens[i]}/step/8"
                client.request("GET", f"/en/w/{tokens[i]}/")  # the link: the browser holds it
                token = client.csrf(step)
                counter = iter(range(10**9))
                return lambda: client.request(
                    "POST",
                    step,
                    urlencode({"csrf_token": token, "values_note": f"note {next(counter)}"}),
                    {"X-Autosave": "1"},
                )[0]

            saves = load(port, autosave)
            saves_paced = load(port, autosave, pace=AUTOSAVE_PAUSE)
            # Each language's clinician's copy through the workers, twice: both workers are
            # likely to see every script, and the second download shows what a repeat costs.
            first, repeat = [], []
            for discussion_id, _ in started[: len(SETTINGS.pdf_languages)]:
                path = f"/staff/discussions/{discussion_id}/record.pdf"
                elapsed, body = timed_get(staff, path)
                assert body.startswith(b"%PDF"), f"{path} is not a PDF"
                first.append(elapsed)
                repeat.append(timed_get(staff, path)[0])
            rss = worker_rss_mb(master)
            holder = Client(port)
            patient = patient_pages(holder, tokens[0])
            weights = page_weight(port, tokens[0], patient, holder)
            # Last: handing the tablet over signs the clinician out.
            tablet = hand_over(staff, started[0][0])
            lighthouse_audits = lighthouse_rows(port, patient, holder, tablet)
        startup = startup_ms("from app import create_app; create_app()", SETTINGS.startup_runs, env)
        hello_startup = startup_ms("import flask; flask.Flask('hello')", SETTINGS.startup_runs, env)
        pdf = pdf_render_times(env)
    return {
        "hello": hello,
        "front_door": front_door,
        "pages": pages,
        "saves": saves,
        "pages_paced": pages_paced,
        "saves_paced": saves_paced,
        "pdf_download": {
            "first": statistics.median(first),
            "repeat": statistics.median(repeat),
        },
        "rss": rss,
        "weights": weights,
        "lighthouse": lighthouse_audits,
        "startup": startup,
        "hello_startup": hello_startup,
        "pdf": pdf,
    }


def met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(r: dict[str, Any]) -> None:
    hello, pages, saves, pdf = r["hello"], r["pages"], r["saves"], r["pdf"]
    clients = SETTINGS.clients
    print(f"## Throughput and latency, {clients} clients, gunicorn 2 sync workers, 127.0.0.1\n")
    print("| what | requests/s | p50 ms | p99 ms | requests | errors | ÷ hello world |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, row in (
        ("bare Flask hello world (baseline)", hello),
        ("the app's front door: a redirect, every request hook, no page", r["front_door"]),
        ("walkthrough page (step 3), no pause between requests", pages),
        ("autosave (one answer saved), no pause between requests", saves),
        (f"walkthrough page, each client every {AUTOSAVE_PAUSE} s", r["pages_paced"]),
        (f"autosave, each client every {AUTOSAVE_PAUSE} s", r["saves_paced"]),
    ):
        print(
            f"| {name} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} "
            f"| {row['requests']} | {row['errors']} | {row['rps'] / hello['rps']:.2f} |"
        )
    print("\n## Page weight in Chromium at 768×1024 (bytes with gzip, requests)\n")
    print("| page | first visit bytes | requests | repeat visit bytes | requests |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for path, fb, fr, rb, rr in r["weights"]:
        print(f"| {path} | {fb} | {fr} | {rb} | {rr} |")

    print(f"\n## PDF render, clinician's copy, {pdf['runs']} warm renders each (ms)\n")
    print("| language | median | p95 | median ÷ baseline |")
    print("| --- | ---: | ---: | ---: |")
    base = pdf["baseline"]
    print(f"| one-line WeasyPrint baseline | {base[0]:.1f} | {base[1]:.1f} | 1.0 |")
    for code, (median, p95) in pdf["languages"].items():
        print(f"| {code} | {median:.1f} | {p95:.1f} | {median / base[0]:.1f} |")
    lighthouse.report(r["lighthouse"])
    report_targets(r)


def report_targets(r: dict[str, Any]) -> None:
    """The figures that have a target, each beside it; the hello-world ratios are information."""
    pdf = r["pdf"]
    clients = SETTINGS.clients
    base = pdf["baseline"]
    slowest = max(pdf["languages"], key=lambda code: pdf["languages"][code][0])
    en = pdf["languages"]["en"][0]
    worst = pdf["languages"][slowest][0]
    download = r["pdf_download"]
    first_kb = max(w[1] for w in r["weights"]) / 1024
    repeat_kb = max(w[3] for w in r["weights"]) / 1024
    rss = max(r["rss"])
    ratio = r["startup"] / r["hello_startup"]
    audits, audit_targets, audits_met = lighthouse.summary(r["lighthouse"])
    print("\n## The figures with targets, each beside its baseline from this run\n")
    print("| what | measured | baseline (this run) | ratio | target | |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    rows = [
        (
            f"Lighthouse on patient pages in {', '.join(SETTINGS.lighthouse_languages)}",
            audits,
            "",
            "",
            audit_targets,
            met(audits_met),
        ),
        *latency_rows(r, clients),
        (
            f"`create_app()` start-up, median of {SETTINGS.startup_runs}",
            f"{r['startup']:.0f} ms",
            f"bare Flask app {r['hello_startup']:.0f} ms",
            f"{ratio:.1f} ×",
            "",
            "",
        ),
        (
            "clinician's PDF en, warm median",
            f"{en:.0f} ms",
            f"one-line PDF {base[0]:.1f} ms",
            f"{en / base[0]:.0f} ×",
            "≤ 200 ms",
            met(en <= 200),
        ),
        (
            f"clinician's PDF, slowest language ({slowest}), warm median",
            f"{worst:.0f} ms",
            f"one-line PDF {base[0]:.1f} ms",
            f"{worst / base[0]:.0f} ×",
            "≤ 300 ms",
            met(worst <= 300),
        ),
        (
            "PDF download through gunicorn, repeat (median over languages)",
            f"{download['repeat']:.1f} ms",
            f"first download {download['first']:.0f} ms",
            f"{download['repeat'] / download['first']:.2f} ×",
            "costs nothing",
            met(download["repeat"] < 0.2 * download["first"]),
        ),
        (
            "first / repeat visit, heaviest page",
            f"{first_kb:.0f} KB / {repeat_kb:.1f} KB",
            "",
            "",
            "≤ 80 KB / ≤ 15 KB",
            met(first_kb <= 80 and repeat_kb <= 15),
        ),
        (
            "worker memory after the PDFs",
            f"{rss:.0f} MB after {len(pdf['languages'])} languages",
            "",
            f"{rss / 300:.2f} of target",
            "< 300 MB",
            met(rss < 300),
        ),
        ("test suite wall time (last `make test`)", suite_wall_time(), "", "", "", ""),
    ]
    for row in rows:
        print("| " + " | ".join(row) + " |")


def latency_rows(r: dict[str, Any], clients: int) -> list[tuple[str, ...]]:
    """p99 for the step page and autosave: at a tablet's pace, and with no pause at all."""
    hello = r["hello"]
    rows = []
    for what, key in (("walkthrough page (step 3)", "pages"), ("autosave", "saves")):
        for how, row in (
            (f"{clients} clients, each every {AUTOSAVE_PAUSE} s", r[f"{key}_paced"]),
            (f"{clients} clients with no pause (saturation)", r[key]),
        ):
            rows.append(
                (
                    f"{what}, {how}",
                    f"{row['rps']:.0f} req/s; p99 {row['p99']:.1f} ms",
                    f"hello world {hello['rps']:.0f} req/s",
                    f"{row['rps'] / hello['rps']:.2f} ×",
                    "p99 < 50 ms",
                    met(row["p99"] < 50),
                )
            )
    return rows


def main() -> None:
    global SETTINGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="every stage at tiny counts")
    SETTINGS = Settings(smoke=parser.parse_args().smoke)
    lighthouse.require_lighthouse()
    report(measure())


if __name__ == "__main__":
    main()
