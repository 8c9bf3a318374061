"""The warehouse documents' writes, in one place to import from (each document's own module
holds the code): create / update drafts, the workflow actions, posting and 红冲.

    from jxc.inventory.documents import services as docs
    doc = docs.create_stock_document(user=u, kind="other_issue", warehouse=wh, date=d,
                                     reason="sample", lines=[LineInput(sku=…, qty=…)])
    docs.submit_document(doc, user=u); docs.approve_document(doc, user=u)
    docs.post_document(doc, user=u)          # any warehouse document
    docs.reverse_document(doc, user=u, reason="…")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from jxc.core.documents.actions import approve, reject, submit, unapprove, void
from jxc.core.documents.models import Document
from jxc.inventory.documents.assembly import (
    create_assembly,
    post_assembly,
    reverse_assembly,
    set_kit,
    update_assembly,
)
from jxc.inventory.documents.assembly_models import Assembly
from jxc.inventory.documents.count_entry import (
    add_count_line,
    apply_count_import,
    check_count_rows,
    counting_sheet,
    record_counts,
    scan_barcode,
)
from jxc.inventory.documents.counts import (
    CountScope,
    create_stock_count,
    create_stock_counts,
    post_stock_count,
    reverse_stock_count,
    update_stock_count,
)
from jxc.inventory.documents.lifecycle import ensure_warehouses
from jxc.inventory.documents.models import StockCount, StockDocument, Transfer
from jxc.inventory.documents.stock_docs import (
    create_and_post_stock_document,
    create_stock_document,
    post_stock_document,
    post_stock_document_at_once,
    reverse_stock_document,
    update_stock_document,
)
from jxc.inventory.documents.transfers import (
    TRANSIT,
    close_transfer,
    create_transfer,
    post_transfer,
    receive_transfer,
    reverse_transfer,
    update_transfer,
)
from jxc.inventory.models import Warehouse

D = TypeVar("D", bound=Document)

__all__ = [
    "CountScope",
    "add_count_line",
    "apply_count_import",
    "approve_document",
    "check_count_rows",
    "close_transfer",
    "counting_sheet",
    "create_and_post_stock_document",
    "create_assembly",
    "create_stock_count",
    "create_stock_counts",
    "create_stock_document",
    "create_transfer",
    "post_assembly",
    "post_document",
    "post_stock_count",
    "post_stock_document",
    "post_stock_document_at_once",
    "post_transfer",
    "receive_transfer",
    "record_counts",
    "reject_document",
    "reverse_assembly",
    "reverse_document",
    "reverse_stock_count",
    "reverse_stock_document",
    "reverse_transfer",
    "scan_barcode",
    "set_kit",
    "submit_document",
    "unapprove_document",
    "update_assembly",
    "update_stock_count",
    "update_stock_document",
    "update_transfer",
    "void_document",
]


# The warehouses a user must hold for the workflow steps below, of a type naming more than
# one: a transfer's source (in one step its target too), not its target's keeper, who only
# receives. A document of another type is the user's when they see it (``documents_for``).
_MUST_HOLD: dict[type, Callable[[Any], Sequence[Warehouse]]] = {Transfer: TRANSIT.must_hold}


def _acted_on(doc: D, user) -> D:
    """The document as its own type, once the user is found to hold what they must."""
    must_hold = _MUST_HOLD.get(type(doc))
    if must_hold is not None:
        ensure_warehouses(user, *must_hold(doc))
    if isinstance(doc, StockDocument):
        return doc.as_kind()  # type: ignore[return-value]
    return doc


def submit_document(doc: D, *, user) -> D:
    """提交 (a draft with lines goes to review)."""
    return submit(_acted_on(doc, user), user=user)


def approve_document(doc: D, *, user) -> D:
    """审核."""
    return approve(_acted_on(doc, user), user=user)


def unapprove_document(doc: D, *, user) -> D:
    """反审核 / 撤回."""
    return unapprove(_acted_on(doc, user), user=user)


def reject_document(doc: D, *, user, reason: str) -> D:
    """驳回 (back to a draft, with the reason)."""
    return reject(_acted_on(doc, user), user=user, reason=reason)


def void_document(doc: D, *, user, reason: str) -> D:
    """作废 (before posting only)."""
    return void(_acted_on(doc, user), user=user, reason=reason)


def post_document(doc: Any, *, user) -> Any:
    """过账 of any warehouse document (调拨单: ship; 盘点单: confirm)."""
    if isinstance(doc, StockDocument):
        return post_stock_document(doc, user=user)
    return _services_of(doc)[0](doc, user=user)


def reverse_document(doc: Any, *, user, reason: str, date: dt.date | None = None) -> Any:
    """红冲 of any posted warehouse document."""
    if isinstance(doc, StockDocument):
        return reverse_stock_document(doc, user=user, reason=reason, date=date)
    return _services_of(doc)[1](doc, user=user, reason=reason, date=date)


# 过账 and 红冲 of the types with a module of their own
_SERVICES: dict[type, tuple[Any, Any]] = {
    Transfer: (post_transfer, reverse_transfer),
    StockCount: (post_stock_count, reverse_stock_count),
    Assembly: (post_assembly, reverse_assembly),
}


def _services_of(doc: Any) -> tuple[Any, Any]:
    found = _SERVICES.get(type(doc))
    if found is None:
        raise TypeError(f"not a warehouse document: {type(doc).__name__}")
    return found
