"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'`.

The access log leaves out the secret part of patient links: a link is a key to someone's answers,
and logs are read, copied and kept by more people than the database is.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import gunicorn.http.wsgi
from gunicorn.glogging import Logger

# The app's own definition of a patient link in a path, so both servers' logs hide the same thing.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from companion.web.logs import LINK_SHOWN_AS, PATIENT_LINK


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{raw_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = PATIENT_LINK.sub(LINK_SHOWN_AS, atoms[key])
        return atoms


logger_class = RedactingLogger
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers: each request is short except a PDF render, which the timeout allows for.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = 60
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# The reverse proxy on this machine sets X-Forwarded-Proto, so links and cookies say https.
forwarded_allow_ips = "127.0.0.1"
# Every response names its server; name the app, not gunicorn (the arbiter sets this before it
# forks, so every worker inherits it).
gunicorn.http.wsgi.SERVER = "heart-pump-companion"
