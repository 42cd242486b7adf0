"""The pieces every report is made of: fonts, escaped text, styles, long tables, the page
decoration (running header, "Page N of M", the DRAFT watermark, the QR code on the last
page) and the document template with its table of contents.

Rules this module keeps:
- Every piece of user text reaches reportlab's Paragraph markup through `text()`, which
  escapes it: markup, `<para>`, `<img>` and the CVE-2023-33733 payload print as text.
- Fonts are DejaVu (Debian's fonts-dejavu-core), embedded, so Filipino and Spanish names
  (ñ, á, ‘ng’) and the peso sign render; nothing is fetched from the internet.
- Long tables are built as many small tables that repeat their header, and a row taller
  than a page splits inside the row (`splitInRow`) instead of failing the layout.
"""

import os
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Paragraph, Table, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate, PageTemplate
from reportlab.platypus.frames import Frame
from reportlab.platypus.tableofcontents import TableOfContents

FONT_DIR = Path(os.environ.get("REPORT_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
MONO = "DejaVuSansMono"
FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    MONO: "DejaVuSansMono.ttf",
}
MARGIN = 1.8 * cm
BOTTOM_MARGIN = 3.2 * cm  # room for the footer and, on approved reports, the QR code
QR_SIZE = 2.4 * cm
ROWS_PER_TABLE = 40
CELL_PADDING = 3
ACCENT = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#b8c4d0")
SHADE = colors.HexColor("#eef2f6")


# Streams are Flate-compressed binary, not also ASCII85 text: smaller files, and no
# per-byte encoding pass over every embedded photo.
rl_config.useA85 = 0


class FontsMissing(RuntimeError):
    pass


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, filename in FONT_FILES.items():
        path = FONT_DIR / filename
        if not path.exists():
            raise FontsMissing(
                f"{path} is missing: install Debian's fonts-dejavu-core or set REPORT_FONT_DIR"
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


def text(value) -> str:
    """User text as Paragraph markup: escaped, line breaks kept. The only way in."""
    if value is None:
        return ""
    escaped = escape(str(value), {'"': "&quot;", "'": "&#39;"})
    return escaped.replace("\r\n", "\n").replace("\n", "<br/>")


def styles(base_size: float = 9.5) -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=base_size, leading=base_size * 1.35, spaceAfter=4
    )
    return {
        "body": body,
        "small": ParagraphStyle(
            "small",
            parent=body,
            fontSize=base_size - 1.5,
            leading=(base_size - 1.5) * 1.3,
            spaceAfter=0,
        ),
        "cell": ParagraphStyle(
            "cell",
            parent=body,
            fontSize=base_size - 1.5,
            leading=(base_size - 1.5) * 1.25,
            spaceAfter=0,
        ),
        "cell_head": ParagraphStyle(
            "cell_head",
            parent=body,
            fontName=BOLD,
            fontSize=base_size - 1.5,
            leading=(base_size - 1.5) * 1.25,
            textColor=colors.white,
            spaceAfter=0,
        ),
        "hash": ParagraphStyle(
            "hash", parent=body, fontName=MONO, fontSize=6.5, leading=8, spaceAfter=0
        ),
        "label": ParagraphStyle(
            "label", parent=body, fontName=BOLD, spaceBefore=4, spaceAfter=1, textColor=ACCENT
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName=BOLD,
            fontSize=base_size + 6,
            leading=(base_size + 6) * 1.3,
            spaceBefore=10,
            spaceAfter=8,
            textColor=ACCENT,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=base_size + 2.5,
            leading=(base_size + 2.5) * 1.3,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=BOLD,
            fontSize=base_size + 14,
            leading=(base_size + 14) * 1.25,
            alignment=TA_CENTER,
            spaceAfter=12,
            textColor=ACCENT,
        ),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
        "toc1": ParagraphStyle("toc1", parent=body, fontSize=base_size + 0.5, leftIndent=0),
        "toc2": ParagraphStyle(
            "toc2",
            parent=body,
            fontSize=base_size - 0.5,
            leftIndent=14,
            leading=(base_size - 0.5) * 1.3,
            spaceAfter=0,
        ),
    }


def grid_style(header_rows: int = 1) -> TableStyle:
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), ACCENT))
    return TableStyle(commands)


def wrap_lines(value, width: float, font: str, size: float) -> str:
    """Plain text broken into lines that fit `width` (a word wider than the column is
    cut). Table cells hold these strings as they are: no markup is parsed, and a string
    cell costs a fraction of a Paragraph, which matters at 10,000 rows."""
    lines = []
    for line in simpleSplit(str(value or ""), font, size, width) or [""]:
        while pdfmetrics.stringWidth(line, font, size) > width and len(line) > 1:
            cut = max(1, int(len(line) * width / pdfmetrics.stringWidth(line, font, size)))
            while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return "\n".join(lines)


def long_table(
    header: list[str],
    rows: list[list],
    widths: list[float],
    st: dict,
    code_columns: tuple[int, ...] = (),
) -> list:
    """Rows in tables of ROWS_PER_TABLE, each repeating the header: laying out one huge
    table costs superlinear time, many small ones linear. String cells are wrapped to
    their column as plain text (never parsed as markup); other flowables (images, lists
    of Paragraphs) pass through. `code_columns` are set in the monospaced font, so a
    code someone types back (a tracking code) keeps one width per character."""
    head = [Paragraph(text(label), st["cell_head"]) for label in header]
    cell_style = st["cell"]
    size = cell_style.fontSize
    fonts = [
        MONO if column in code_columns else cell_style.fontName for column in range(len(widths))
    ]
    usable = [width - 2 * CELL_PADDING for width in widths]

    def cell(value, column):
        if isinstance(value, str) or value is None:
            return wrap_lines(value, usable[column], fonts[column], size)
        return value

    style = grid_style()
    style.add("FONT", (0, 1), (-1, -1), cell_style.fontName, size, cell_style.leading)
    for column in code_columns:
        style.add("FONT", (column, 1), (column, -1), MONO, size, cell_style.leading)
    tables = []
    for start in range(0, len(rows), ROWS_PER_TABLE):
        chunk = [
            [cell(value, column) for column, value in enumerate(row)]
            for row in rows[start : start + ROWS_PER_TABLE]
        ]
        table = Table([head, *chunk], colWidths=widths, repeatRows=1, splitInRow=1)
        table.setStyle(style)
        tables.append(table)
    return tables


def qr_drawing(url: str, size: float = QR_SIZE) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def canvas_maker(*, header: str, draft: bool, verify_url: str | None):
    """A canvas that holds its pages until the end, so each can say "Page N of M" and the
    last one can carry the QR code. The cover (page 1) has no running header."""

    class DecoratedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []
            self.setTitle(header)

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number, total):
            width, height = self._pagesize
            self.saveState()
            if number > 1:
                self.setFont(FONT, 7.5)
                self.setFillColor(colors.grey)
                self.drawString(MARGIN, height - 1.1 * cm, header[:140])
                self.setStrokeColor(RULE)
                self.line(MARGIN, height - 1.25 * cm, width - MARGIN, height - 1.25 * cm)
            self.setFont(FONT, 8)
            self.setFillColor(colors.grey)
            self.drawCentredString(
                width / 2, 1.0 * cm, _("Page %(n)d of %(m)d") % {"n": number, "m": total}
            )
            if draft:
                self.setFont(BOLD, 110)
                self.setFillColor(colors.red, alpha=0.12)
                self.translate(width / 2, height / 2)
                self.rotate(45)
                self.drawCentredString(0, -40, "DRAFT")
            elif verify_url and number == total:
                drawing = qr_drawing(verify_url)
                drawing.drawOn(self, width - MARGIN - QR_SIZE, 0.55 * cm)
                self.setFont(FONT, 7)
                self.setFillColor(colors.black)
                right = width - MARGIN - QR_SIZE - 0.2 * cm
                self.drawRightString(right, 2.2 * cm, _("Check that this file was issued:"))
                self.setFont(MONO, 6.5)
                self.drawRightString(right, 1.8 * cm, verify_url)
            self.restoreState()

    return DecoratedCanvas


class ReportDocument(BaseDocTemplate):
    """A4 portrait (or landscape) with a cover template and a body template; headings
    styled h1/h2 feed the table of contents and the PDF outline."""

    def __init__(self, buffer, *, title: str, wide: bool = False, progress=None, **kwargs):
        pagesize = landscape(A4) if wide else A4
        super().__init__(
            buffer,
            pagesize=pagesize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=1.8 * cm,
            bottomMargin=BOTTOM_MARGIN,
            title=title,
            author="",
            **kwargs,
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="body", frames=[frame])])
        self._progress = progress
        self._flowables_total = 0
        self._flowables_done = 0
        self._heading_count = 0

    def count_flowables(self, story) -> None:
        self._flowables_total = max(len(story), 1)

    def beforeDocument(self):
        self._flowables_done = 0

    def afterFlowable(self, flowable):
        self._flowables_done += 1
        if self._progress and self._flowables_done % 25 == 0:
            self._progress(min(self._flowables_done / self._flowables_total, 1.0))
        style = getattr(getattr(flowable, "style", None), "name", "")
        if style in ("h1", "h2") and isinstance(flowable, Paragraph):
            level = 0 if style == "h1" else 1
            key = getattr(flowable, "_bookmark", None)
            if key is None:
                self._heading_count += 1
                key = flowable._bookmark = f"h{self._heading_count}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText()[:120], key, level=level)
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page, key))


def table_of_contents(st) -> TableOfContents:
    toc = TableOfContents()
    toc.levelStyles = [st["toc1"], st["toc2"]]
    toc.dotsMinLevel = 0
    return toc
