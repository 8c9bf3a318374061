"""打印标签: barcode (and QR) labels as a PDF.

POST /labels/pdf                                  chosen SKUs and how many labels of each
GET  /documents/{doc_type}/{id}/labels/pdf        a document's lines (the types that declare
                                                  labels: 采购入库单, 其他入库单, 期初库存,
                                                  调拨单, 盘点单)

Sizes ``40x30`` and ``50x30`` (mm, one label per page: a label printer's roll) and ``a4-3x8``
(A4 sheets of 3 × 8 labels). The price shown is the base unit's ``retail_price`` (default),
``member_price``, ``wholesale_price`` or ``none``. 422 with every bad item named
(``items.<i>.sku_id`` / ``items.<i>.qty``), ``too_many_labels`` above 2,000 labels, 503
``pdf_unavailable`` on a server without a CJK font.
"""

from typing import Literal

from django.http import HttpResponse
from ninja import Schema

from jxc.api.common.errors import ErrorOut, Router
from jxc.api.common.permissions import open_to_users, requires
from jxc.imports import labels

router = Router(tags=["print"])

Size = Literal["40x30", "50x30", "a4-3x8"]
Price = Literal["retail_price", "member_price", "wholesale_price", "none"]
# the document types that print labels (``DocumentType.labels``; a test holds the two equal)
LabelDocType = Literal[
    "purchase_receipt", "other_receipt", "opening_stock", "transfer", "stock_count"
]
PDF = {200: {"description": "PDF", "content": {"application/pdf": {}}}}


class LabelItemIn(Schema):
    sku_id: int
    qty: int


class LabelsIn(Schema):
    items: list[LabelItemIn]
    size: Size = "40x30"
    price: Price = "retail_price"
    qr: bool = False


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@router.post(
    "/labels/pdf",
    response={200: None, 422: ErrorOut, 503: ErrorOut},
    openapi_extra={"responses": PDF},
)
@requires("product.view")
def sku_labels_pdf(request, payload: LabelsIn):
    """商品标签 for chosen SKUs: ``qty`` labels of each (1–1,000; 2,000 in all). Each label:
    name, variant, price, the barcode (EAN-13 when valid, else Code 128) and, with ``qr``, a
    QR code. Nothing is created."""
    data = labels.sku_labels_pdf(
        [(x.sku_id, x.qty) for x in payload.items],
        user=request.user,
        size=payload.size,
        price=payload.price,
        qr=payload.qr,
    )
    return _pdf(data, "labels")


@router.get(
    "/documents/{doc_type}/{id}/labels/pdf",
    response={200: None, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    openapi_extra={"responses": PDF},
)
@open_to_users
def receipt_labels_pdf(
    request,
    doc_type: LabelDocType,
    id: int,
    per: Literal["unit", "line"] = "unit",
    size: Size = "40x30",
    price: Price = "retail_price",
    qr: bool = False,
):
    """标签 for a document's lines: one per base unit received, moved or counted (``per=unit``,
    a fraction counts as one; a count line not counted gets none) or one per line
    (``per=line``).

    Permission: the receipt type's `<doc_type>.view` (and its warehouse scope) and
    `product.view`."""
    data = labels.document_labels_pdf(
        doc_type, id, user=request.user, per=per, size=size, price=price, qr=qr
    )
    return _pdf(data, f"labels-{doc_type}-{id}")
