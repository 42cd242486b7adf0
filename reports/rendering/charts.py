"""Charts, drawn with reportlab graphics: ONE definition (`Chart`) draws to a reportlab
`Drawing`, which the PDF reports place as a vector flowable and the dashboards render
to SVG (`svg()`). Nothing here touches the ORM: the selectors build a `Chart` from plain
numbers (reports/dashboard.py for the dashboards, the report data for the citizen report).
"""

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from reports.rendering.base import ACCENT, FONT, register_fonts

MAX_BARS = 12
TITLE_HEIGHT = 20
MAX_GROUPS = 24  # months on a time chart: the latest two years are drawn
PALETTE = [
    ACCENT,
    colors.HexColor("#e07b39"),
    colors.HexColor("#5b9a68"),
    colors.HexColor("#b94a48"),
    colors.HexColor("#8e7cc3"),
    colors.HexColor("#7f7f7f"),
]
MONEY = "money"
COUNT = "count"
PERCENT = "percent"


@dataclass
class Chart:
    """What a chart shows, in plain data: a label per bar (or group of bars) and one list
    of values per series. `unit` is COUNT, MONEY or PERCENT. What is drawn stays legible
    however many labels there are (the table beside a chart lists them all):
    - `ranked` charts show the largest first and sum the tail beyond MAX_BARS into "…";
    - charts with `weights` (rates) keep, in their order, the MAX_BARS labels that weigh
      most (a rate cannot be summed into "…");
    - other charts keep their order (statuses, months) and draw the last MAX_GROUPS."""

    title: str
    labels: list[str]
    series: list[tuple[str, list[float]]]
    unit: str = COUNT
    ranked: bool = False
    description: str = ""
    heading: str = ""  # what the labels are (the table's first column)
    weights: list[float] | None = None
    extra: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.labels

    def shown(self) -> tuple[list[str], list[list[float]]]:
        """The labels and series values as drawn (ranking and the "…" tail applied)."""
        labels = list(self.labels)
        values = [[float(value) for value in column] for _name, column in self.series]
        if self.ranked and values:
            order = sorted(range(len(labels)), key=lambda i: values[0][i], reverse=True)
            labels = [labels[i] for i in order]
            values = [[column[i] for i in order] for column in values]
            if len(labels) > MAX_BARS:
                labels = labels[: MAX_BARS - 1] + ["…"]
                values = [
                    column[: MAX_BARS - 1] + [sum(column[MAX_BARS - 1 :])] for column in values
                ]
        elif self.weights is not None and len(labels) > MAX_BARS:
            heaviest = sorted(range(len(labels)), key=lambda i: self.weights[i], reverse=True)
            keep = sorted(heaviest[:MAX_BARS])
            labels = [labels[i] for i in keep]
            values = [[column[i] for i in keep] for column in values]
        elif not self.ranked and len(labels) > MAX_GROUPS:
            labels = labels[-MAX_GROUPS:]
            values = [column[-MAX_GROUPS:] for column in values]
        return labels, values


def _value_format(unit):
    if unit == PERCENT:
        return "{:,.0f}%".format
    return "{:,.0f}".format


def _style_axes(chart, unit, top):
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = _value_format(unit)
    if unit == PERCENT:
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 20
    elif unit == COUNT:  # counts: whole steps
        chart.valueAxis.valueStep = max(1, math.ceil(top / 5))
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabelFormat = _value_format(unit)


def draw(chart: Chart, *, width: float, titled: bool = True) -> Drawing:
    """The chart as a reportlab Drawing: horizontal bars for one series, grouped vertical
    bars with a legend for several (amounts disallowed and settled by month)."""
    register_fonts()
    labels, values = chart.shown()
    if len(values) > 1:
        return _grouped(chart, labels, values, width, titled)
    bar_height = 18
    title = TITLE_HEIGHT if titled else 0
    height = len(labels) * bar_height + 44 + title if labels else 20
    drawing = Drawing(width, height)
    if titled:
        drawing.add(_title(chart, height))
    if not labels:
        return drawing
    bars = HorizontalBarChart()
    bars.x = 170
    bars.y = 24  # room for the value axis' labels below
    bars.width = width - 230
    bars.height = height - 34 - title
    bars.data = [list(reversed(values[0]))]
    bars.categoryAxis.categoryNames = [label[:34] for label in reversed(labels)]
    _style_axes(bars, chart.unit, max(values[0]) if values[0] else 0)
    bars.bars[0].fillColor = ACCENT
    bars.barLabels.boxAnchor = "w"
    bars.barLabels.dx = 3
    drawing.add(bars)
    return drawing


def _title(chart, height):
    return String(0, height - 14, chart.title, fontName=FONT, fontSize=11, fillColor=ACCENT)


def _grouped(chart, labels, values, width, titled):
    title = TITLE_HEIGHT if titled else 0
    height = 220 + title
    drawing = Drawing(width, height)
    if titled:
        drawing.add(_title(chart, height))
    if not labels:
        return drawing
    bars = VerticalBarChart()
    bars.x = 60
    bars.y = 50
    bars.width = min(width - 80, 40 + 70 * len(labels))  # a month or two: no slabs
    bars.height = height - 80 - title
    bars.data = values
    bars.categoryAxis.categoryNames = labels
    bars.categoryAxis.labels.angle = 30 if len(labels) > 6 else 0
    bars.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 6 else "n"
    _style_axes(bars, chart.unit, max((max(v) for v in values if v), default=0))
    bars.barLabelFormat = None  # the table beside the chart carries the exact figures
    for index in range(len(values)):
        bars.bars[index].fillColor = PALETTE[index % len(PALETTE)]
    drawing.add(bars)
    legend = Legend()
    legend.x = 60
    legend.y = height - 6 - title
    legend.fontName = FONT
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 140
    legend.colorNamePairs = [
        (PALETTE[index % len(PALETTE)], name) for index, (name, _v) in enumerate(chart.series)
    ]
    drawing.add(legend)
    return drawing


def svg(chart: Chart, *, width: float = 420, titled: bool = False) -> str:
    """The same Drawing as an SVG document, with the chart's title and description as
    its accessible name (`<title>`, `<desc>`, role="img", aria-label). On a page the
    figure's caption says the title, so the drawing does not repeat it (`titled`)."""
    drawing = draw(chart, width=width, titled=titled)
    text = renderSVG.drawToString(
        drawing, svgAttrs={"role": "img", "aria-label": chart.description or chart.title}
    )
    # The embedded PDF font by its name, then the same font as systems install it.
    text = text.replace(f"font-family: {FONT};", f"font-family: {FONT}, 'DejaVu Sans', sans-serif;")
    text = text.replace("<title>...</title>", f"<title>{escape(chart.title)}</title>", 1)
    return text.replace("<desc>...</desc>", f"<desc>{escape(chart.description)}</desc>", 1)


def bar_chart(
    title: str, items: list[tuple[str, float]], *, width: float, value_format=None, money=False
):
    """Horizontal bars, largest first; beyond MAX_BARS the rest are summed as "others".
    (The citizen report's charts; `value_format` is kept for callers, the unit decides.)"""
    chart = Chart(
        title=title,
        labels=[label for label, _value in items],
        series=[("", [value for _label, value in items])],
        unit=MONEY if money else COUNT,
        ranked=True,
    )
    return draw(chart, width=width)
