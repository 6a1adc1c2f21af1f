"""Real servers for the load and throttle tests: a free port, and waiting until one serves."""

from __future__ import annotations

import http.client
import socket

from tests.support.waiting import eventually


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_serving(port: int, path: str, *, within: float = 60) -> None:
    """Ready when a page is served, not when the port is open: gunicorn binds before its workers
    have loaded the app, which on a busy machine takes seconds."""

    def serves() -> bool:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            probe.request("GET", path)
            return probe.getresponse().status == 200
        except OSError:
            return False

    eventually(serves, within=within, what=f"a server on port {port} to serve {path}")
