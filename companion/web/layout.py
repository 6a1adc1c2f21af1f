"""What the shared layout links to in the features: filled in by the features as they register.

The layout (templates/base.html and its components), the error pages, the language switch and a
form whose token expired lead to pages that belong to a feature: the guide's front door, "About
this information", the text size buttons, the footer's links, a handed-over tablet's way back,
where a form starts again. Nothing in web/ names those pages. Each feature blueprint gives its
parts here when it is registered on the app (`register`, from a `record_once`), and web/ and the
layout read only this (the layout as `site`). An app with no feature blueprint still draws every
page of its own, the error pages included, only without those links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app, request, url_for
from flask.sansio.app import App
from flask.sansio.blueprints import BlueprintSetupState
from markupsafe import Markup

from ..i18n import current_language


@dataclass(frozen=True)
class Link:
    text: Markup | str
    href: str


@dataclass(frozen=True)
class TextSizes:
    """The text size buttons: where they post, the sizes (value, label) and the size shown."""

    action: str
    choices: list[tuple[str, Markup]]
    chosen: str


@dataclass(frozen=True)
class IdleExit:
    """A form the page sends by itself after a time without use (a tablet handed to a patient)."""

    action: str
    seconds: int


@dataclass
class Site:
    """The parts the features gave; each empty until one does."""

    # The guide's start page in a language (a language code): the front door.
    front_door_url: Callable[[str], str] | None = None
    # Where the header's title leads instead of the front door, when it should (else None).
    home_url: Callable[[], str | None] | None = None
    # "About this information" of a guide (its id, and the version a page shows, if any).
    about_url: Callable[[str, str | None], str] | None = None
    text_size_buttons: Callable[[], TextSizes] | None = None
    idle_exit_form: Callable[[], IdleExit | None] | None = None
    # The footer's links, given the guide and version the page is about where it names one.
    footers: list[Callable[[str | None, str | None], list[Link]]] = field(default_factory=list)
    # Where a form of each blueprint starts again when its page cannot be shown again.
    starts_again: dict[str, Callable[[], str]] = field(default_factory=dict)

    def front_door(self, lang: str | None = None) -> str | None:
        if self.front_door_url is None:
            return None
        return self.front_door_url(lang or current_language().code)

    def home(self) -> str | None:
        return (self.home_url and self.home_url()) or self.front_door()

    def about(self, procedure: str, version: str | None = None) -> str | None:
        return self.about_url(procedure, version) if self.about_url else None

    def text_sizes(self) -> TextSizes | None:
        return self.text_size_buttons() if self.text_size_buttons else None

    def idle_exit(self) -> IdleExit | None:
        return self.idle_exit_form() if self.idle_exit_form else None

    def footer_links(self, procedure: str | None, version: str | None) -> list[Link]:
        return [link for footer in self.footers for link in footer(procedure, version)]

    def switch_url(self, code: str) -> str | None:
        """This page in another language, or the front door where this page has no language."""
        rule = request.url_rule
        if request.endpoint and rule is not None and "lang" in rule.arguments:
            return url_for(request.endpoint, **(request.view_args or {}), lang=code)
        return self.front_door(code)

    def start_again(self) -> str | None:
        """Where a form sent from this blueprint's pages starts again, else the front door."""
        again = self.starts_again.get(request.blueprint or "")
        return again() if again is not None else self.front_door()


def register(
    state: BlueprintSetupState,
    *,
    front_door: Callable[[str], str] | None = None,
    home: Callable[[], str | None] | None = None,
    about: Callable[[str, str | None], str] | None = None,
    text_sizes: Callable[[], TextSizes] | None = None,
    idle_exit: Callable[[], IdleExit | None] | None = None,
    footer: Callable[[str | None, str | None], list[Link]] | None = None,
    start_again: Callable[[], str] | None = None,
) -> None:
    """A feature blueprint gives the layout its parts, as it is registered (`state`). A part only
    one feature can give (the front door, say) is refused from a second."""
    parts = site_of(state.app)
    for name, given in (
        ("front_door_url", front_door),
        ("home_url", home),
        ("about_url", about),
        ("text_size_buttons", text_sizes),
        ("idle_exit_form", idle_exit),
    ):
        if given is not None:
            if getattr(parts, name) is not None:
                raise RuntimeError(f"{state.name}: another blueprint gave the layout {name}")
            setattr(parts, name, given)
    if footer is not None:
        parts.footers.append(footer)
    if start_again is not None:
        parts.starts_again[state.name] = start_again


def site_of(app: App) -> Site:
    found: Site = app.extensions["companion.site"]
    return found


def site() -> Site:
    return site_of(current_app)


def init_app(app: Flask) -> None:
    """Before any feature blueprint is registered."""
    app.extensions["companion.site"] = parts = Site()
    app.jinja_env.globals["site"] = parts
