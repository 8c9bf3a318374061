"""打印 through the API: any document as a PDF (A4 or 241 × 140 三联), the same printer the
screens use (registered by type in ``jxc.core.printing.registry``)."""

from typing import Literal

from django.http import HttpResponse

from jxc.api.common.errors import Router
from jxc.api.common.permissions import open_to_users
from jxc.core.errors import NotFound
from jxc.core.printing.registry import printer_for

router = Router(tags=["print"])


@router.get(
    "/documents/{doc_type}/{id}/pdf",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}},
)
@open_to_users
def document_pdf(request, doc_type: str, id: int, paper: Literal["a4", "241x140"] = "a4"):
    """A document as a PDF with the CJK font embedded and the 大写金额 (``doc_type``: the
    type's code, e.g. ``purchase_order``, ``other_receipt``, ``supplier_payment``). 503
    ``pdf_unavailable`` on a server without a CJK font.

    Permission: the document type's `<resource>.view` (and its warehouse scope)."""
    printer = printer_for(doc_type)
    if printer is None:
        raise NotFound()
    response = HttpResponse(printer(request, id, paper), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{doc_type}-{id}.pdf"'
    return response
