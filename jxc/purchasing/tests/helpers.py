"""Shortcuts of the purchasing tests: an approved order, a posted receipt."""

from decimal import Decimal

from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.purchasing import receipts, services
from jxc.purchasing.tests.conftest import DAY


def approved_order(shop, lines, **header):
    po = services.create_purchase_order(
        user=shop.user,
        supplier=header.pop("supplier", shop.supplier),
        warehouse=header.pop("warehouse", shop.warehouse),
        date=header.pop("date", DAY),
        lines=lines,
        **header,
    )
    return services.approve_purchase_order(actions.submit(po, user=shop.user), user=shop.user)


def post_doc(shop, doc, post):
    done = actions.approve(actions.submit(doc, user=shop.user), user=shop.user)
    return post(done, user=shop.user)


def posted_receipt(shop, order, *, qty=None, rejected=Decimal(0), date=DAY, unit=None):
    """A posted receipt of the order's lines (``qty``: of the first line only, else all
    open), a rejection on the first line."""
    lines = []
    for i, x in enumerate(order.lines.order_by("line_no")):
        q = qty if (qty is not None and i == 0) else x.open_qty
        lines.append(
            LineInput(
                sku=x.sku_id,
                qty=q,
                unit=unit if i == 0 else None,
                source_line=x.pk,
                rejected_qty=rejected if i == 0 else Decimal(0),
                reject_reason="破损" if (rejected and i == 0) else "",
            )
        )
    receipt = receipts.create_purchase_receipt(
        user=shop.user, supplier=order.supplier, warehouse=order.warehouse, date=date, lines=lines
    )
    return post_doc(shop, receipt, receipts.post_purchase_receipt)
