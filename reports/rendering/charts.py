"""The citizen report's charts, drawn with reportlab graphics (vector, no image files)."""

import math

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from reports.rendering.base import ACCENT, FONT

MAX_BARS = 12
PALETTE = [
    ACCENT,
    colors.HexColor("#e07b39"),
    colors.HexColor("#5b9a68"),
    colors.HexColor("#b94a48"),
    colors.HexColor("#8e7cc3"),
    colors.HexColor("#7f7f7f"),
]


def bar_chart(
    title: str, items: list[tuple[str, float]], *, width: float, value_format=None, money=False
):
    """Horizontal bars, largest first; beyond MAX_BARS the rest are summed as "others"."""
    items = sorted(items, key=lambda item: item[1], reverse=True)
    if len(items) > MAX_BARS:
        rest = sum(value for _label, value in items[MAX_BARS - 1 :])
        items = items[: MAX_BARS - 1] + [("…", rest)]
    bar_height = 18
    height = len(items) * bar_height + 50 if items else 20
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 14, title, fontName=FONT, fontSize=11, fillColor=ACCENT))
    if not items:
        return drawing
    chart = HorizontalBarChart()
    chart.x = 120
    chart.y = 10
    chart.width = width - 180
    chart.height = height - 40
    chart.data = [[value for _label, value in reversed(items)]]
    chart.categoryAxis.categoryNames = [label[:24] for label, _value in reversed(items)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    if not money:  # counts: whole steps
        chart.valueAxis.valueStep = max(1, math.ceil(max(v for _l, v in items) / 5))
    chart.bars[0].fillColor = ACCENT
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabelFormat = value_format or "%d"
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing
