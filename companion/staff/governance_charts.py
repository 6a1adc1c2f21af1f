"""The governance view's charts: each table's figures drawn as bars (`web.charts`), with hidden
counts left undrawn and said so in the chart's description."""

from __future__ import annotations

from markupsafe import Markup

from ..record.governance import Report
from ..web.charts import Series, bar_chart

NOT_DRAWN = (
    " Counts of fewer than 5, and counts withheld so that one cannot be worked out, are not "
    "drawn; the table beside the chart gives every figure."
)


def charts(report: Report, kind: str) -> dict[str, Markup]:
    """A chart for each table that has one, by the table's key."""
    found: dict[str, Markup] = {}
    rows = report.of_kind(kind)
    for group in report.groups:
        if group.chart == "months":
            found[group.key] = bar_chart(
                f"chart-{group.key}",
                f"{group.title}: {report.period_words}",
                f"{group.about} Grouped bars for each {kind}, one bar a figure." + NOT_DRAWN,
                [b.label for b in rows],
                [
                    Series(label, [report.value(group.key, code, b.key) for b in rows])
                    for code, label in group.categories
                ],
                horizontal=False,
            )
        elif group.chart == "bars" and group.categories:
            found[group.key] = bar_chart(
                f"chart-{group.key}",
                f"{group.title}: {report.period_words}",
                f"{group.about} One bar a category, for the whole period." + NOT_DRAWN,
                [label for _code, label in group.categories],
                [
                    Series(
                        "Count",
                        [report.value(group.key, code, "period") for code, _ in group.categories],
                    )
                ],
            )
    return found
