"""A printable (a document, a statement, a report) laid out as a PDF, with the CJK font
embedded, on A4 or on 241 × 140 mm 三联 continuous paper (the dot-matrix forms of Chinese
offices: one sheet per page, three carbon copies).

    data = Printable(title="采购订单", company="…", number="CGDD…", facts=[…],
                     headers=[…], rows=[[…], …], totals=[…], amount_words="壹仟元整", …)
    pdf_bytes = render_pdf(data, paper="a4")          # or paper="241x140"

The words on the paper (labels, headers, "page 1 of 2") come in translated: this module
lays out; it chooses no words. ``PdfUnavailable`` (code ``pdf_unavailable``) when the
machine has no CJK font — the screens then offer the HTML print instead.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError
from jxc.core.printing.fonts import cjk_font

PAPERS = ("a4", "241x140")
MM = 72 / 25.4  # points per millimetre


class PdfUnavailable(DomainError):
    code = "pdf_unavailable"
    http_status = 503
    default_message = _(
        "PDF print needs a Chinese font on the server (fonts-wqy-microhei); use the page print."
    )


@dataclass
class Printable:
    """What goes on the paper, every word already translated and every figure formatted
    (masked where the reader may not see it)."""

    title: str
    company: str = ""
    number: str = ""
    status: str = ""
    facts: Sequence[tuple[Any, Any]] = ()  # (label, value) under the title
    headers: Sequence[Any] = ()  # the table's columns
    rows: Sequence[Sequence[Any]] = ()
    totals: Sequence[Any] = ()  # the 合计 row (its first cell the label), or empty
    amount_label: str = ""  # e.g. 金额大写
    amount_words: str = ""  # 大写金额 (empty: no such line)
    memo_label: str = ""
    memo: str = ""
    signatures: Sequence[tuple[Any, Any]] = ()  # (制单, name) … at the foot
    printed: str = ""  # "打印时间 2026-12-06 10:00"
    page_label: str = "%(page)s / %(pages)s"
    copies: Sequence[Any] = ()  # 三联: the copies' names, printed down the right margin
    landscape: bool = False
    qr: str = ""  # a QR code of this text at the top right of the first page (the number)
    signature_boxes: bool = False  # the signatures as boxes to sign in (送货人 / 收货人 / 日期)
    extra: dict[str, Any] = field(default_factory=dict)


_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.replace("¥", "").strip())) if text else False


@dataclass(frozen=True)
class _Paper:
    size: tuple[float, float]
    margin: float
    title: float  # font sizes
    body: float
    table: float


def _paper(name: str, landscape: bool) -> _Paper:
    from reportlab.lib.pagesizes import A4

    if name == "241x140":
        return _Paper((241 * MM, 140 * MM), 7 * MM, 13, 8, 7.5)
    if name != "a4":
        raise ValueError(f"unknown paper {name}")
    size = (A4[1], A4[0]) if landscape else A4
    return _Paper(size, 14 * MM, 16, 9.5, 8.5)


def render_pdf(data: Printable, *, paper: str = "a4") -> bytes:
    """The PDF of ``data`` on ``paper`` ("a4" or "241x140"), the CJK font embedded."""
    font = cjk_font()
    if font is None:
        raise PdfUnavailable()
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    p = _paper(paper, data.landscape)
    if (
        paper == "a4"
        and not data.landscape
        and overflows(data, p.size[0] - 2 * p.margin, font, p.table)
    ):
        p = _paper(paper, True)
    width, height = p.size
    copies_room = 6 * MM if data.copies and paper == "241x140" else 0
    usable = width - 2 * p.margin - copies_room

    def style(size, align=TA_LEFT, leading=None):
        return ParagraphStyle(
            "s",
            fontName=font,
            fontSize=size,
            leading=leading or size * 1.25,
            alignment=align,
            wordWrap="CJK",
        )

    body = style(p.body)
    cell = style(p.table)
    cell_right = style(p.table, TA_RIGHT)
    head = style(p.table, TA_CENTER)

    def para(text: Any, st=body) -> Paragraph:
        from xml.sax.saxutils import escape

        return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), st)

    story: list[Any] = []
    heading: list[Any] = [
        para(data.company, style(p.body, TA_CENTER)),
        para(data.title, style(p.title, TA_CENTER, p.title * 1.4)),
    ]
    if data.number or data.status:
        heading.append(
            para(" · ".join(x for x in (data.number, data.status) if x), style(p.body, TA_RIGHT))
        )
    if data.qr:  # the QR code in the top right corner, beside the title and the number
        side = QR_SIDE_MM * MM
        box = Table(
            [[heading, qr_flowable(data.qr, side)]], colWidths=[usable - side - MM, side + MM]
        )
        box.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ]
            )
        )
        story.append(box)
    else:
        story += heading
    story.append(Spacer(1, 2 * MM))

    facts = [(str(k), "" if v is None else str(v)) for k, v in data.facts]
    if facts:
        per_row = 3 if paper == "a4" and not data.landscape else 4
        cells = []
        for i in range(0, len(facts), per_row):
            chunk = facts[i : i + per_row]
            cells.append([para(f"{k}：{v}") for k, v in chunk] + [""] * (per_row - len(chunk)))
        t = Table(cells, colWidths=[usable / per_row] * per_row)
        t.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 1),
                    ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ]
            )
        )
        story += [t, Spacer(1, 2 * MM)]

    if data.headers:
        story.append(_lines_table(data, usable, font, p, head, cell, cell_right, para, colors))

    if data.amount_words:
        story += [Spacer(1, 1.5 * MM), para(f"{data.amount_label}：{data.amount_words}")]
    if data.memo:
        story += [Spacer(1, 1 * MM), para(f"{data.memo_label}：{data.memo}")]
    if data.signatures:
        n = len(data.signatures)
        cells = [para(f"{k}：{v or ''}") for k, v in data.signatures]
        if data.signature_boxes:  # a box to sign in under each label
            sig = Table([cells], colWidths=[usable / n] * n, rowHeights=[12 * MM])
            sig.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ]
                )
            )
        else:
            sig = Table([cells], colWidths=[usable / n] * n)
            sig.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 1)]))
        story += [Spacer(1, 4 * MM), sig]

    buffer = io.BytesIO()
    frame = Frame(
        p.margin,
        p.margin + 4 * MM,
        usable,
        height - 2 * p.margin - 4 * MM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 7)
        if data.printed:
            canvas.drawString(p.margin, p.margin, data.printed)
        if doc.page > 1:  # a sheet that goes on names its paper again
            canvas.drawRightString(
                width - p.margin - copies_room,
                height - p.margin + 2 * MM,
                f"{data.title} {data.number}",
            )
        if data.copies and copies_room:
            # down the right margin, one copy's name after another (①存根 ②客户 ③财务)
            canvas.translate(width - p.margin - 2 * MM, height / 2)
            canvas.rotate(-90)
            canvas.drawCentredString(0, 0, "    ".join(str(c) for c in data.copies))
        canvas.restoreState()

    template = BaseDocTemplate(
        buffer,
        pagesize=p.size,
        leftMargin=p.margin,
        rightMargin=p.margin,
        topMargin=p.margin,
        bottomMargin=p.margin,
        title=f"{data.title} {data.number}".strip(),
        author=data.company,
        creator="jxc",
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate)])
    template.build(story, canvasmaker=_numbered_canvas(font, data.page_label, p))
    return buffer.getvalue()


QR_SIDE_MM = 18  # on both papers: the title is centred, the QR sits in the top right corner
QR_FORM = "jxc_qr"  # the form XObject the QR is drawn into (a reader finds it by name)


def qr_drawing(text: str, side: float):
    """The QR code of ``text`` as a ReportLab drawing ``side`` points square (error
    correction M: a smudged dot-matrix print still scans)."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _qr_flowable_class():
    from reportlab.graphics import renderPDF
    from reportlab.platypus import Flowable

    class _Qr(Flowable):
        """The QR code, drawn once into a named form XObject and placed."""

        def __init__(self, text: str, side: float):
            super().__init__()
            self.text, self.side = text, side

        def wrap(self, avail_width, avail_height):
            return self.side, self.side

        def draw(self):
            canvas = self.canv
            canvas.beginForm(QR_FORM)
            renderPDF.draw(qr_drawing(self.text, self.side), canvas, 0, 0)
            canvas.endForm()
            canvas.doForm(QR_FORM)

    return _Qr


def qr_flowable(text: str, side: float):
    return _qr_flowable_class()(text, side)


def _lines_table(data, usable, font, p, head, cell, cell_right, para, colors):
    from reportlab.platypus import Table, TableStyle

    headers = [str(h) for h in data.headers]
    rows = [["" if c is None else str(c) for c in r] for r in data.rows]
    totals = ["" if c is None else str(c) for c in data.totals]
    n = len(headers)
    numeric = [
        bool(rows) and all(_is_number(r[i]) or not r[i] for r in rows) and any(r[i] for r in rows)
        for i in range(n)
    ]
    widths = column_widths(headers, rows, totals, numeric, usable, font, p.table)

    def row_cells(r):
        return [para(c, cell_right if numeric[i] else cell) for i, c in enumerate(r)]

    table_rows = [[para(h, head) for h in headers], *(row_cells(r) for r in rows)]
    if totals:
        table_rows.append(row_cells(totals))
    t = Table(table_rows, colWidths=widths, repeatRows=1)
    styles = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
    ]
    if totals:
        styles.append(("BACKGROUND", (0, -1), (-1, -1), colors.Color(0.96, 0.96, 0.96)))
    t.setStyle(TableStyle(styles))
    return t


def column_widths(headers, rows, totals, numeric, usable, font, size) -> list[float]:
    """Each column's width: numbers get what their widest cell needs (a figure never wraps),
    text columns share the rest by what they would need, a header may wrap (at least two
    characters a line)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pad = 4
    need = []
    floor = []
    for i, head in enumerate(headers):
        texts = [*(r[i] for r in rows[:200]), *(totals[i : i + 1])]
        widest = max((stringWidth(t, font, size) for t in texts), default=0)
        head_width = stringWidth(head, font, size)
        need.append(min(max(widest, head_width), 70 * MM) + pad)
        floor.append(max(widest if numeric[i] else 0, min(head_width, 2.2 * size)) + pad)
    if sum(need) <= usable:
        return [w * usable / sum(need) for w in need]
    fixed = sum(f for f, n in zip(floor, numeric, strict=True) if n)
    texts = [i for i, n in enumerate(numeric) if not n]
    room = usable - fixed
    text_need = sum(need[i] for i in texts) or 1
    out = list(floor)
    for i in texts:
        out[i] = max(floor[i], room * need[i] / text_need)
    return [w * usable / sum(out) for w in out]


def overflows(data: Printable, usable: float, font: str, size: float) -> bool:
    """True when the lines' figures alone need more than the paper's width (then an A4 print
    turns to landscape)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if not data.headers:
        return False
    rows = [["" if c is None else str(c) for c in r] for r in data.rows]
    need = 0.0
    for i, head in enumerate(data.headers):
        cells = [r[i] for r in rows[:200] if i < len(r)]
        widest = max((stringWidth(t, font, size) for t in cells), default=0)
        need += max(widest, min(stringWidth(str(head), font, size), 2.2 * size)) + 4
    return need > usable


def _numbered_canvas(font: str, label: str, p: _Paper):
    """A canvas that writes "page of pages" on each page once the count is known."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 7)
                text = label % {"page": self._pageNumber, "pages": total}
                self.drawRightString(self._pagesize[0] - p.margin, p.margin, text)
                super().showPage()
            super().save()

    return NumberedCanvas
