"""A stand-in for GOV.UK Notify on 127.0.0.1: it checks a request as the real service does and
answers in the real service's shapes (https://docs.notifications.service.gov.uk/rest-api.html).

Checked, as Notify checks them: the Authorization header is `Bearer <JWT>`, signed HS256 with the
secret half of the API key, `iss` the service id and `iat` within 30 seconds of now; the path is
a v2 endpoint; the body is a JSON object with the required fields and no others, a known template
of the right kind, a UK mobile number or an email address, and a value for every ((placeholder))
of the template. A good request gets 201 with id, reference, content, uri, template and
scheduled_for; a bad one gets Notify's error shape, {"status_code": n, "errors": [...]}.

A test can make it fail (`fail_with`), answer slowly (`delay`) or be stopped (unreachable).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"ward_7_live-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
EMAIL_TEMPLATE = "a8f3b1e0-5d2c-4c6e-9a7b-0c1d2e3f4a5b"
# The template bodies the README asks a service to make.
TEMPLATES = {
    SMS_TEMPLATE: ("sms", "", "((message))\n\n((link))"),
    EMAIL_TEMPLATE: ("email", "((subject))", "((message))\n\n((link))"),
}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")
FIELDS = {
    "sms": ({"phone_number", "template_id"}, {"personalisation", "reference", "sms_sender_id"}),
    "email": (
        {"email_address", "template_id"},
        {"personalisation", "reference", "email_reply_to_id", "one_click_unsubscribe_url"},
    ),
}
# Notify's tolerance for clocks, in seconds, either way.
CLOCK_SKEW = 30


@dataclass
class Received:
    """A request Notify accepted: where it went and what it held."""

    path: str
    body: dict[str, Any]
    claims: dict[str, Any]


class NotifyError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


@dataclass
class StandInNotify:
    api_key: str = API_KEY
    templates: dict[str, tuple[str, str, str]] = field(default_factory=lambda: dict(TEMPLATES))
    received: list[Received] = field(default_factory=list)
    # Every request seen, accepted or not (a test that expects nothing sent checks this).
    attempts: int = 0
    # The next answers, whatever the request: (status, [{"error": ..., "message": ...}]).
    failures: list[tuple[int, list[dict[str, str]]]] = field(default_factory=list)
    delay: float = 0.0
    base_url: str = ""

    def fail_with(self, status: int, *errors: tuple[str, str]) -> None:
        self.failures.append((status, [{"error": e, "message": m} for e, m in errors]))

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        self.attempts += 1
        if self.delay:
            time.sleep(self.delay)
        try:
            if self.failures:
                status, errors = self.failures.pop(0)
                response = error_response(status, errors)
            else:
                response = self.answer(request)
        except NotifyError as refused:
            response = error_response(
                refused.status, [{"error": refused.error, "message": refused.message}]
            )
        return response(environ, start_response)

    def answer(self, request: Request) -> Response:
        kind = {"/v2/notifications/sms": "sms", "/v2/notifications/email": "email"}.get(
            request.path
        )
        if request.method != "POST" or kind is None:
            # Flask's own 404, as Notify's API answers an address it does not have.
            return Response(
                json.dumps(
                    {"message": "The requested URL was not found on the server.", "result": "error"}
                ),
                status=404,
                mimetype="application/json",
            )
        claims = self.authorised(request)
        body = self.body(request, kind)
        self.received.append(Received(request.path, body, claims))
        return Response(
            json.dumps(self.created(kind, body)), status=201, mimetype="application/json"
        )

    def authorised(self, request: Request) -> dict[str, Any]:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise NotifyError(
                401, "AuthError", "Unauthorized: authentication token must be provided"
            )
        service, secret = self.api_key[-73:-37], self.api_key[-36:]
        token = header.removeprefix("Bearer ")
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.DecodeError:
            raise NotifyError(403, "AuthError", "Invalid token: signature") from None
        if "iss" not in unverified:
            raise NotifyError(403, "AuthError", "Invalid token: iss field not provided")
        if unverified["iss"] != service:
            raise NotifyError(403, "AuthError", "Invalid token: service not found")
        try:
            claims: dict[str, Any] = jwt.decode(
                token, secret, algorithms=["HS256"], options={"require": ["iss", "iat"]}
            )
        except jwt.MissingRequiredClaimError:
            raise NotifyError(403, "AuthError", "Invalid token: iat field not provided") from None
        except jwt.InvalidTokenError:
            raise NotifyError(403, "AuthError", "Invalid token: API key not found") from None
        if abs(time.time() - int(claims["iat"])) > CLOCK_SKEW:
            raise NotifyError(
                403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"
            )
        return claims

    def body(self, request: Request, kind: str) -> dict[str, Any]:
        if request.mimetype != "application/json":
            raise NotifyError(400, "BadRequestError", "Invalid JSON supplied in POST data")
        try:
            body = json.loads(request.get_data(as_text=True))
        except ValueError:
            raise NotifyError(
                400, "BadRequestError", "Invalid JSON supplied in POST data"
            ) from None
        if not isinstance(body, dict):
            raise NotifyError(400, "ValidationError", f"{body!r} is not of type object")
        required, optional = FIELDS[kind]
        for name in sorted(required - set(body)):
            raise NotifyError(400, "ValidationError", f"{name} is a required property")
        for name in sorted(set(body) - required - optional):
            raise NotifyError(
                400,
                "ValidationError",
                f"Additional properties are not allowed ({name} was unexpected)",
            )
        template_id = body["template_id"]
        if not isinstance(template_id, str) or not UUID.fullmatch(template_id):
            raise NotifyError(400, "ValidationError", "template_id is not a valid UUID")
        if template_id not in self.templates:
            raise NotifyError(400, "BadRequestError", "Template not found")
        template_kind, subject, text = self.templates[template_id]
        if template_kind != kind:
            raise NotifyError(
                400,
                "BadRequestError",
                f"{template_kind} template is not suitable for {kind} notification",
            )
        recipient(kind, body)
        values = body.get("personalisation") or {}
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise NotifyError(400, "ValidationError", "personalisation is not of type object")
        missing = sorted(set(PLACEHOLDER.findall(subject + text)) - set(values))
        if missing:
            raise NotifyError(
                400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}"
            )
        return body

    def created(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """Notify's 201 answer: the message as sent, placeholders filled."""
        _kind, subject, text = self.templates[body["template_id"]]
        values = body.get("personalisation") or {}
        notification = str(uuid.uuid4())
        content: dict[str, Any] = {"body": fill(text, values)}
        if kind == "sms":
            content["from_number"] = "NHSTRUST"
        else:
            content |= {
                "subject": fill(subject, values),
                "from_email": "heart.pump.guide@notifications.service.gov.uk",
                "one_click_unsubscribe_url": None,
            }
        api = self.base_url or "https://api.notifications.service.gov.uk"
        return {
            "id": notification,
            "reference": body.get("reference"),
            "content": content,
            "uri": f"{api}/v2/notifications/{notification}",
            "template": {
                "id": body["template_id"],
                "version": 1,
                "uri": f"{api}/v2/template/{body['template_id']}",
            },
            "scheduled_for": None,
        }


def fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values[m[1]], text)


def recipient(kind: str, body: dict[str, Any]) -> None:
    """Notify's own checks of a number or address (notifications-utils' rules)."""
    if kind == "sms":
        number = body["phone_number"]
        if not isinstance(number, str):
            raise NotifyError(400, "ValidationError", "phone_number is not of type string")
        digits = re.sub(r"[\s()\-+.]", "", number)
        if not digits.isdigit():
            raise NotifyError(
                400, "ValidationError", "phone_number Must not contain letters or symbols"
            )
        national = digits.removeprefix("0044").removeprefix("44").removeprefix("0")
        if not national.startswith("7"):
            raise NotifyError(400, "ValidationError", "phone_number Not a UK mobile number")
        if len(national) != 10:
            too = "Too many digits" if len(national) > 10 else "Not enough digits"
            raise NotifyError(400, "ValidationError", f"phone_number {too}")
    else:
        address = body["email_address"]
        if not isinstance(address, str) or not re.fullmatch(r"[^\s@]+@[^\s@]+\.[^\s@]+", address):
            raise NotifyError(400, "ValidationError", "email_address Not a valid email address")


def error_response(status: int, errors: list[dict[str, str]]) -> Response:
    return Response(
        json.dumps({"status_code": status, "errors": errors}),
        status=status,
        mimetype="application/json",
    )


@contextmanager
def serve(stand_in: StandInNotify) -> Iterator[str]:
    """The stand-in on 127.0.0.1 at a free port, in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, stand_in, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stand_in.base_url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield stand_in.base_url
    finally:
        server.shutdown()
        server.server_close()


def notify_config(base_url: str, **overrides: Any) -> dict[str, Any]:
    """The app's settings to send through the stand-in."""
    return {
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": base_url,
        "NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
        "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        # Short, so a test of a Notify that does not answer need not wait long.
        "NOTIFY_TIMEOUT_SECONDS": 2.0,
        **overrides,
    }
