"""CSRF protection on every form, and a kind answer when a form's token has expired.

Flask-WTF checks the token before any view runs. When the check fails (the page stayed open past
the token's lifetime, or the browser lost its session), nothing is saved: the same address is
answered as its GET would be, with what was typed still in the form and a message saying so.
Views show `request.form` over what is stored, so the person presses the button once more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, jsonify, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

csrf = CSRFProtect()

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


def always_allowed(view: ViewT) -> ViewT:
    """For leaving (hand back, sign out): it must always work, even from a page left open
    overnight, and forging it only signs out. Marks the view itself, so moving or renaming it
    keeps the exemption."""
    csrf.exempt(view)
    return view


def reshow_form(error: CSRFError) -> Response | tuple[Response | str, int]:
    if request.headers.get("X-Autosave") == "1":
        # Another site cannot read this answer, so the page's own script may take the new token.
        return jsonify(saved=False, expired=True, csrf_token=generate_csrf()), 400
    try:
        endpoint, _ = current_app.url_map.bind_to_environ(request.environ).match(
            request.path, method="GET"
        )
    except HTTPException:
        endpoint = None
    if endpoint is None:
        return render_template("errors/form_expired.html", back=start_again_url()), 400
    g.form_not_saved = True  # the notice above the form shown again
    # The view now shows its page instead of acting on a form whose token did not check out.
    request.method = "GET"
    blueprint = endpoint.rpartition(".")[0]
    try:
        for before in current_app.before_request_funcs.get(blueprint, []):
            early: Any = before()
            if early is not None:
                return current_app.make_response(early)
        # The same address, so the same arguments, as the URL preprocessors left them.
        shown: Any = current_app.view_functions[endpoint](**(request.view_args or {}))
    except HTTPException as refused:
        # The page is not there to show again (a question since removed, a link expired): its
        # own error page, not a server error from inside this handler.
        return current_app.make_response(current_app.handle_http_exception(refused))
    response = current_app.make_response(shown)
    if response.status_code == 200:
        response.status_code = 400
    return response


def start_again_url() -> str:
    args = request.view_args or {}
    if request.blueprint in ("staff", "two_step", "send_link"):
        return url_for("staff.dashboard")
    if "token" in args:
        # The URL preprocessor has taken the language out of view_args; url_for puts the
        # request's language back in.
        return url_for("walkthrough.continue_discussion", token=args["token"])
    return url_for("walkthrough.start")  # in the language the person was reading


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.register_error_handler(CSRFError, reshow_form)
