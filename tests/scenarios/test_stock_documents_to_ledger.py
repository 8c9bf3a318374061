"""Warehouse documents through to the ledger: Given a SKU, When 其他入库 and 其他出库 are posted and
one is reversed (红冲), Then the moves, pools and balances tell the story to the cent. Ends
with the ledger self-check.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.inventory.models import CostPool, StockBalance
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def pool(sku, wh=None, batch=None):
    qs = CostPool.objects.filter(sku=sku)
    if wh is not None:
        qs = qs.filter(warehouse=wh)
    if batch is not None:
        qs = qs.filter(batch=batch)
    return qs.get()


def bal(sku, wh):
    return StockBalance.objects.get(sku=sku, warehouse=wh)


def no_value_at_zero_quantity():
    """Policy 'rounding': no pool and no warehouse ever holds value at zero quantity."""
    assert not CostPool.objects.filter(qty=0).exclude(value=0).exists()
    assert not StockBalance.objects.filter(on_hand=0).exclude(value=0).exists()


def done():
    no_value_at_zero_quantity()
    assert_ledger_consistent()


def test_documents_other_receipt_issue_and_reversal(kit, owner):
    """其他入库 in the base unit: 3 @ 3.335 → 10.005 → 10.01 (half up); the pool's unit cost
    is the cost as entered, 3.335 (DOMAIN.md §5), not 10.01 ÷ 3.
    其他出库 1 → round(1 × 3.335) = 3.34; pool 2 / 6.67.
    红冲 the issue (nothing since) → pool back to 3 / 10.01."""
    from jxc.core.services import update_company
    from jxc.inventory.documents import services as docs

    update_company(user=owner, price_decimals=3)  # a cost to the 厘 is typed as such
    sku, wh = kit.sku("DOC1"), kit.warehouse("W1")

    def posted(kind, qty, price=None, reason="other"):
        doc = docs.create_stock_document(
            user=owner,
            kind=kind,
            warehouse=wh,
            date=dt.date(2026, 11, 2),
            reason=reason,
            lines=[LineInput(sku=sku.pk, qty=D(qty), price=price and D(price))],
        )
        for action in (docs.submit_document, docs.approve_document, docs.post_document):
            doc = action(doc, user=owner)
        return doc

    posted("other_receipt", "3", "3.335")
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(3), D("10.01"), D("3.335"))
    out = posted("other_issue", "1", reason="sample")
    assert bal(sku, wh).value == D("6.67")
    docs.reverse_document(out, user=owner, reason="录错")
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(3), D("10.01"), D("3.335"))
    done()
