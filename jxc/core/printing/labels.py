"""商品标签: barcode (and QR) labels as a PDF, the CJK font embedded (the print mechanism's).

Sizes (``SIZES``): a 40 × 30 mm or 50 × 30 mm label roll (one label per page, what a label
printer feeds) and A4 sheets of 3 × 8 labels of 70 × 37 mm. Each label: the product name,
the variant (颜色 / 尺码), the price and the code as a barcode — EAN-13 when the code is a
valid EAN-13, else Code 128 — and, when asked, a QR code of the same code. The barcodes are
ReportLab's own (``reportlab.graphics.barcode``): no other dependency.

This module lays out; it chooses no words and reads no database (``jxc.imports.labels`` says
what goes on each label).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jxc.core.barcodes import is_ean13
from jxc.core.errors import ValidationFailed
from jxc.core.printing.fonts import cjk_font
from jxc.core.printing.pdf import MM, PdfUnavailable

# the most labels one PDF holds (84 A4 sheets; a roll printer's longest reasonable job)
MAX_LABELS = 2_000


class TooManyLabels(ValidationFailed):
    """More labels than one PDF may hold."""

    code = "too_many_labels"
    default_message = _("At most %(max)s labels at a time (asked for %(count)s).")


@dataclass(frozen=True)
class LabelSize:
    """A label stock: the page, the label, and how many labels go across and down a page."""

    key: str
    title: object
    page: tuple[float, float]  # points
    label: tuple[float, float]
    across: int = 1
    down: int = 1
    top: float = 0.0  # the sheet's margins
    left: float = 0.0

    @property
    def per_page(self) -> int:
        return self.across * self.down


SIZES: dict[str, LabelSize] = {
    s.key: s
    for s in (
        LabelSize("40x30", _("40 × 30 mm label"), (40 * MM, 30 * MM), (40 * MM, 30 * MM)),
        LabelSize("50x30", _("50 × 30 mm label"), (50 * MM, 30 * MM), (50 * MM, 30 * MM)),
        LabelSize(
            "a4-3x8",
            _("A4 sheet, 3 × 8 labels"),
            (210 * MM, 297 * MM),
            (70 * MM, 37 * MM),
            across=3,
            down=8,
            top=0.5 * MM,
        ),
    )
}


@dataclass(frozen=True)
class Label:
    """What one label says, every word already translated and the price formatted."""

    name: str
    variant: str = ""
    price: str = ""
    code: str = ""
    qr: bool = False


def barcode_kind(code: str) -> str | None:
    """EAN13 for a valid EAN-13, Code128 for other printable ASCII, None when it cannot be a
    barcode (empty, or characters Code 128 does not have: the code is then printed as text)."""
    if is_ean13(code):
        return "EAN13"
    if code and code.isascii() and code.isprintable():
        return "Code128"
    return None


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut (with …) to ``width`` points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_label(c, label: Label, x: float, y: float, w: float, h: float, font: str) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode import createBarcodeDrawing

    pad = max(1.5 * MM, w * 0.04)
    name_size, small = h * 0.095, h * 0.075
    qr_side = min(h * 0.45, w * 0.32) if label.qr and label.code else 0.0
    text_w = w - 2 * pad - (qr_side + pad / 2 if qr_side else 0)
    top = y + h - pad
    c.setFont(font, name_size)
    c.drawString(x + pad, top - name_size, _fit(label.name, font, name_size, text_w))
    line = top - name_size * 1.15
    if label.variant:
        c.setFont(font, small)
        c.drawString(x + pad, line - small, _fit(label.variant, font, small, text_w))
        line -= small * 1.25
    if label.price:
        price_size = h * 0.11
        c.setFont(font, price_size)
        c.drawString(x + pad, line - price_size, _fit(label.price, font, price_size, text_w))
    if qr_side:
        qr = createBarcodeDrawing("QR", value=label.code, width=qr_side, height=qr_side)
        renderPDF.draw(qr, c, x + w - pad - qr_side, top - qr_side)
    kind = barcode_kind(label.code)
    bar_h = h * 0.40
    if kind is None:
        if label.code:
            c.setFont(font, small)
            c.drawString(x + pad, y + pad, _fit(label.code, font, small, w - 2 * pad))
        return
    value = label.code[:12] if kind == "EAN13" else label.code
    bar = createBarcodeDrawing(
        kind, value=value, width=w - 2 * pad, height=bar_h, humanReadable=True
    )
    renderPDF.draw(bar, c, x + pad, y + pad * 0.6)


def render_labels(labels: Sequence[Label], *, size: str, title: str = "") -> bytes:
    """The PDF of ``labels`` on the label stock ``size`` (a key of ``SIZES``)."""
    stock = SIZES.get(size)
    if stock is None:
        raise ValidationFailed({"size": [_("Select a valid choice.")]})
    if len(labels) > MAX_LABELS:
        raise TooManyLabels(max=MAX_LABELS, count=len(labels))
    if not labels:
        raise ValidationFailed({"items": [_("Nothing to print: no label asked for.")]})
    font = cjk_font()
    if font is None:
        raise PdfUnavailable()
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=stock.page, pageCompression=1)
    c.setTitle(title)
    lw, lh = stock.label
    for i, label in enumerate(labels):
        slot = i % stock.per_page
        if slot == 0 and i:
            c.showPage()
        col, row = slot % stock.across, slot // stock.across
        x = stock.left + col * lw
        y = stock.page[1] - stock.top - (row + 1) * lh
        _draw_label(c, label, x, y, lw, lh, font)
    c.save()
    return buffer.getvalue()
