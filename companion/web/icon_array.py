"""Icon arrays of 100 people, drawn by the app as SVG: N highlighted out of 100.

Each array is two paths (the highlighted people and the rest) rather than 200 shapes: the
same picture, but a PDF renderer styles 2 elements instead of 400, which is most of its cost.
"""

from __future__ import annotations

from functools import cache

from markupsafe import Markup, escape

# The people the figure counts are solid NHS red; everyone else is drawn in outline only, in
# NHS dark grey on white. Colour is not the only cue (filled against hollow), and each is at
# least 3:1 against the page and against each other (WCAG 1.4.11): red on the NHS grey page
# 4.6:1, the outline 5.8:1, a hollow figure's white against a red one 5.1:1.
HIT = "#d5281b"
MISS_FILL = "#ffffff"
MISS_LINE = "#4c6272"


def _person(n: int) -> str:
    # Straight lines only: an octagon for the head, a trapezoid for the body. Curves and arcs
    # cost a PDF renderer far more to draw, 100 times over.
    x, y = (n % 10) * 20 + 10, (n // 10) * 20
    head = f"M{x - 1.4} {y + 1.6}h2.8l2 2v2.8l-2 2h-2.8l-2 -2v-2.8z"
    body = f"M{x - 5} {y + 18}l1.5 -7h7l1.5 7z"
    return head + body


@cache
def _paths(count: int) -> tuple[str, str]:
    return (
        "".join(_person(n) for n in range(count)),
        "".join(_person(n) for n in range(count, 100)),
    )


def icon_array_svg(count: int, label: str, *, css_class: str = "app-icon-array") -> Markup:
    """The array as inline SVG; label is its accessible name (escaped here)."""
    count = max(0, min(100, count))
    hits, misses = _paths(count)
    return Markup(  # noqa: S704 - every value is a number or escaped
        f'<svg viewBox="0 0 200 200" role="img" aria-label="{escape(label)}" focusable="false"'
        f' class="{css_class}__svg">'
        # Fill as attributes: the PDF renderer does not apply page CSS inside inline SVG.
        f'<path class="{css_class}__hit" fill="{HIT}" d="{hits}"/>'
        f'<path class="{css_class}__miss" fill="{MISS_FILL}" stroke="{MISS_LINE}"'
        f' stroke-width="1.2" stroke-linejoin="round" d="{misses}"/></svg>'
    )


def icon_key_svg(counted: bool, *, css_class: str = "app-icon-array") -> Markup:
    """One figure as the arrays draw it, for the key beside them (decorative: the key's words
    say what it means)."""
    part = "hit" if counted else "miss"
    paint = (
        f'fill="{HIT}"'
        if counted
        else f'fill="{MISS_FILL}" stroke="{MISS_LINE}" stroke-width="1.2" stroke-linejoin="round"'
    )
    return Markup(  # noqa: S704 - constants only
        f'<svg viewBox="0 0 20 20" aria-hidden="true" focusable="false" class="{css_class}__key">'
        f'<path class="{css_class}__{part}" {paint} d="{_person(0)}"/></svg>'
    )
