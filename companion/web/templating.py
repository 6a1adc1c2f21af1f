"""What every template can call besides its own variables: language helpers and icon arrays."""

from __future__ import annotations

from flask import Flask

from ..i18n import content_text, current_language, language_options, languages
from .icon_array import icon_array_svg, icon_key_svg


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        icon_array_svg=icon_array_svg,
        icon_key_svg=icon_key_svg,
        content_text=content_text,
        current_language=current_language,
        languages=languages,
        language_options=language_options,
    )
