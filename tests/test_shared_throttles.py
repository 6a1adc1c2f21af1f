"""Throttles shared by every worker: gunicorn with two workers and Redis refuses the sixth wrong
sign-in within a minute whichever worker takes it; without Redis each worker counts alone.

`make test` starts a throwaway Redis (scripts/test-redis.sh) and passes its URL as TEST_REDIS_URL.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

from companion.staff.accounts import add_staff
from tests.support.database import ROOT, make_app
from tests.support.servers import free_port, wait_until_serving
from tests.support.waiting import eventually

pytestmark = pytest.mark.slow
PASSWORD = "correct-battery-horse-9"


def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "")
    if url:
        return url
    if shutil.which("redis-server") is None:
        pytest.skip("no Redis: make test starts one (scripts/test-redis.sh)")
    return subprocess.run(
        [str(ROOT / "scripts" / "test-redis.sh")], capture_output=True, text=True, check=True
    ).stdout.strip()


@contextmanager
def two_workers(database: str, storage: str, log: Path) -> Iterator[int]:
    """gunicorn with the production settings and two workers; the access log names the worker."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "COMPANION_ENV": "development",
        "RATELIMIT_STORAGE_URI": storage,
        "WEB_CONCURRENCY": "2",
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                "-b",
                f"127.0.0.1:{port}",
                "--access-logformat",
                "worker=%(p)s %(s)s %(r)s",
                "app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    wait_until_serving(port, "/staff/sign-in")
    until_both_workers_answer(port, log)
    try:
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def workers_in(log: Path) -> set[str]:
    return set(re.findall(r"worker=<(\d+)> ", log.read_text()))


def until_both_workers_answer(port: int, log: Path) -> None:
    """The first page served proves one worker has loaded the app; on a busy machine the other
    may still be loading it, and a test of what two workers share must not run on one."""

    def sign_in_page() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/staff/sign-in")
        connection.getresponse().read()
        connection.close()

    def both_answered() -> bool:
        threads = [threading.Thread(target=sign_in_page) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return len(workers_in(log)) == 2

    eventually(both_answered, within=60, what="both gunicorn workers to answer")


def wrong_sign_in(port: int, email: str) -> tuple[int, str]:
    """One wrong password, as a browser sends it (its own cookie and CSRF token)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/staff/sign-in")
    page = connection.getresponse()
    body = page.read().decode()
    cookie = (page.getheader("Set-Cookie") or "").split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST",
        "/staff/sign-in",
        body=urlencode({"csrf_token": token, "email": email, "password": "not-the-password"}),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    response.read()
    server = response.getheader("Server") or ""
    connection.close()
    return response.status, server


def attempts(port: int, email: str, log: Path, count: int) -> list[tuple[int, str]]:
    """`count` wrong sign-ins, the first five at once so both workers take some; each paired with
    the worker that answered it (from the access log, in the order they were answered)."""
    before = log.read_text().count("POST /staff/sign-in")
    results: list[tuple[int, str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(wrong_sign_in(port, email)))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for _ in range(count - 5):
        results.append(wrong_sign_in(port, email))
    # The access log is written just after the answer.
    eventually(
        lambda: log.read_text().count("POST /staff/sign-in") >= before + count,
        within=10,
        what="the access log to record every sign-in",
    )
    lines = re.findall(r"worker=<(\d+)> (\d{3}) POST /staff/sign-in", log.read_text())[before:]
    assert len(lines) == count, lines
    for _status, server in results:
        assert server == "heart-pump-companion", "gunicorn names no product or version"
    return [(int(status), worker) for worker, status in lines]


def test_two_workers_with_redis_share_one_count(database: str, tmp_path: Path) -> None:
    app = make_app(database)
    log = tmp_path / "gunicorn.log"
    storage = redis_url()
    with two_workers(database, storage, log) as port:
        for _round in range(5):
            email = f"nurse-{secrets.token_hex(4)}@example.org"
            with app.app_context():
                add_staff(email, "nurse", PASSWORD, "Sam")
            answered = attempts(port, email, log, 6)
            first_five, sixth = answered[:5], answered[5]
            assert [status for status, _ in first_five] == [401] * 5, answered
            if len({worker for _, worker in answered}) < 2:
                continue  # every attempt went to one worker: that proves nothing; again
            assert sixth[0] == 429, f"the sixth wrong sign-in was let through: {answered}"
            taken_by_sixths_worker = sum(1 for _, worker in first_five if worker == sixth[1])
            # Counting per worker, this worker had seen fewer than five and would have allowed it.
            assert taken_by_sixths_worker < 5
            return
    pytest.fail("five rounds never spread the attempts over both workers")


def test_without_redis_each_worker_counts_alone(database: str, tmp_path: Path) -> None:
    """The control: in memory, two workers allow more than five wrong sign-ins a minute."""
    app = make_app(database)
    log = tmp_path / "gunicorn.log"
    with two_workers(database, "memory://", log) as port:
        for _round in range(5):
            email = f"nurse-{secrets.token_hex(4)}@example.org"
            with app.app_context():
                add_staff(email, "nurse", PASSWORD, "Sam")
            answered = attempts(port, email, log, 8)
            if len({worker for _, worker in answered[:5]}) < 2:
                continue
            allowed = sum(1 for status, _ in answered if status == 401)
            assert allowed > 5, answered
            return
    pytest.fail("five rounds never spread the attempts over both workers")


def wrong_code_from_a_new_browser(port: int, n: int) -> int:
    """A wrong resume code from a browser never seen before: its own new cookie and token."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/en/resume")
    page = connection.getresponse()
    body = page.read().decode()
    cookie = (page.getheader("Set-Cookie") or "").split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    connection.request(
        "POST",
        "/en/resume",
        body=urlencode({"csrf_token": token, "code": f"ZZZZ-{n:04d}"}),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def test_fresh_cookies_against_two_workers_meet_one_count(database: str, tmp_path: Path) -> None:
    """Forty wrong codes, each from a new browser, four at a time so that both workers sharing
    Redis take some: no more than eighteen are answered before the 429s begin, as from one
    worker. (One at a time, one worker could take them all, and the test would prove nothing.)"""
    log = tmp_path / "gunicorn.log"
    statuses: list[int] = []
    with two_workers(database, redis_url(), log) as port:
        for batch in range(10):
            threads = [
                threading.Thread(
                    target=lambda n=batch * 4 + i: statuses.append(
                        wrong_code_from_a_new_browser(port, n)
                    )
                )
                for i in range(4)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    workers = set(re.findall(r"worker=<(\d+)> \d{3} POST /en/resume", log.read_text()))
    assert len(workers) == 2, "both workers answered some codes"
    assert len(statuses) == 40 and 429 in statuses, statuses
    assert sum(1 for status in statuses if status != 429) <= 18, statuses
