"""Bar charts drawn on the server as SVG by pygal, made fit for a page under a strict CSP.

pygal's SVG carries a script, a style sheet, a comment naming the library and tooltips drawn with
inline style. All of that is taken out: what is left is shapes and text with classes, coloured by
the app's own style sheet (static/css/app.css, `.app-chart`), with a <title> and a <desc> that a
screen reader reads (role="img"). Every chart has a table of the same figures beside it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import pygal  # type: ignore[import-untyped]
from markupsafe import Markup
from pygal.style import Style  # type: ignore[import-untyped]

SVG = "http://www.w3.org/2000/svg"

# Sizes the layout is computed with; the style sheet gives the text the same sizes.
STYLE = Style(
    font_family="sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    value_label_font_size=14,
    legend_font_size=14,
    title_font_size=16,
    background="transparent",
    plot_background="transparent",
)
ROW_HEIGHT = 30
# NHS colours, each with at least 3:1 contrast on white; the legend and the table name each series.
COLOURS = ("#005eb8", "#330072", "#007f3b", "#d5281b", "#ae2573")


@dataclass(frozen=True)
class Series:
    """One set of bars: its name (for the legend) and a value per label; None is not drawn."""

    name: str
    values: Sequence[int | None]


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    horizontal: bool = True,
) -> Markup:
    """An accessible bar chart: bars across for categories (horizontal), or up for months."""
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    rows = len(labels) * (len(series) if horizontal else 1)
    chart = kind(
        style=STYLE,
        width=720,
        height=max(200, 90 + ROW_HEIGHT * rows) if horizontal else 420,
        disable_xml_declaration=True,
        js=[],
        css=[],
        no_prefix=True,
        explicit_size=False,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(series), 2),
        print_values=True,
        print_zeroes=False,
        truncate_label=-1,
        truncate_legend=-1,
        x_label_rotation=0 if horizontal else 20,
        show_y_guides=not horizontal,
        show_x_guides=horizontal,
        margin_bottom=36 if len(series) > 1 else None,
        min_scale=2,
        max_scale=5,
    )
    # pygal draws the first category of a horizontal chart at the bottom: the table beside it
    # reads from the top, so the chart is given them from the last.
    order = (lambda items: list(reversed(items))) if horizontal else list
    chart.x_labels = order(list(labels))
    for one in series:
        chart.add(one.name, order(list(one.values)))
    root = ET.fromstring(chart.render(is_unicode=True))  # noqa: S314 - pygal's output, not input
    _clean(root)
    _present(root, frozenset())
    root.set("id", chart_id)
    root.set("class", "app-chart")
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    heading = ET.Element("title", {"id": f"{chart_id}-title"})
    heading.text = title
    about = ET.Element("desc", {"id": f"{chart_id}-desc"})
    about.text = description
    root.insert(0, about)
    root.insert(0, heading)
    # Tags are written without a namespace prefix, whatever prefixes other code in the process has
    # registered with ElementTree (WeasyPrint registers its own): the root names the namespace.
    root.set("xmlns", SVG)
    return Markup(ET.tostring(root, encoding="unicode"))  # noqa: S704 - escaped by ElementTree


def _clean(root: ET.Element) -> None:
    """Take out what the page's CSP forbids or a reader does not need: scripts, style sheets,
    inline style, links, pygal's own titles and tooltips."""
    unwanted = {"script", "style", "title", "desc", "defs"}
    for element in root.iter():
        element.tag = element.tag.rsplit("}", 1)[-1]
    for parent in list(root.iter()):
        for child in list(parent):
            classes = child.get("class", "").split()
            if child.tag in unwanted or "tooltip-overlay" in classes or "tooltip" in classes:
                parent.remove(child)
        for name in list(parent.attrib):
            if name in ("style", "id") or name.endswith("href") or name.startswith("on"):
                del parent.attrib[name]


def _present(element: ET.Element, inherited: frozenset[str]) -> None:
    """Write as attributes what pygal's style sheet said: where text is anchored, bar colours,
    guide lines. The chart then reads right without any style sheet, in print too."""
    own = set(element.get("class", "").split())
    classes = inherited | own
    tag = element.tag
    if tag == "text":
        element.set("font-size", "14")
        if "text-anchor" not in element.attrib:
            if {"axis", "y"} <= classes:
                element.set("text-anchor", "end")
            elif {"axis", "x"} <= classes:
                element.set("text-anchor", "start" if element.get("transform") else "middle")
            elif classes & {"centered", "title", "no_data"}:
                element.set("text-anchor", "middle")
    if "value" in own and tag == "text":
        element.attrib.update(
            {"fill": "#212b32", "stroke": "#ffffff", "stroke-width": "4", "paint-order": "stroke"}
        )
        element.set("font-weight", "bold")
    elif tag == "rect" and "background" in own:
        element.set("fill", "none")
    elif tag == "rect":
        colour = next((c for c in sorted(classes) if c.startswith("color-")), None)
        if colour is not None:
            element.set("fill", COLOURS[int(colour.removeprefix("color-")) % len(COLOURS)])
    elif tag == "path" and "line" in own:
        element.set("fill", "none")
        element.set("stroke", "#4c6272" if "major" in own or "axis" in own else "#d8dde0")
    for child in element:
        _present(child, frozenset(classes))
