"""进项发票, 三单匹配 and 供应商绩效 through the API: an invoice from receipts (idempotent), its
duplicate number refused with its own code, registering it, the mismatch list with reasons, the
performance and price trend — prices absent for a role without ``cost.view``."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.api.tests.conftest import call
from jxc.core.documents.lines import LineInput
from jxc.purchasing.models import PurchaseInvoice
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401
from jxc.purchasing.tests.helpers import approved_order, posted_receipt

pytestmark = pytest.mark.django_db


def test_invoice_and_mismatch_list_through_the_api(client_for, shop, user_factory):  # noqa: F811
    po = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D("11.30"))])
    receipt = posted_receipt(shop, po, qty=D(6))
    client = client_for(shop.user)
    body = {"receipt_ids": [receipt.pk], "invoice_number": "No.0001", "date": "2026-03-05"}
    status, err = call(
        client, "post", "/purchase-invoices/from-documents", {**body, "receipt_ids": []}
    )
    assert status == 422 and not PurchaseInvoice.objects.exists()
    status, draft = call(client, "post", "/purchase-invoices/from-documents", body, key="inv-1")
    assert status == 201 and draft["number"].startswith("JXFP"), draft
    assert (D(draft["amount"]), D(draft["tax_amount"]), D(draft["total_amount"])) == (
        D("60.00"), D("7.80"), D("67.80")
    )  # fmt: skip
    (line,) = draft["lines"]
    assert (line["receipt_line_id"], D(line["value"])) == (receipt.lines.get().pk, D("60.00"))
    again = call(client, "post", "/purchase-invoices/from-documents", body, key="inv-1")[1]
    assert again["id"] == draft["id"]
    status, err = call(client, "post", "/purchase-invoices/from-documents", body, key="inv-2")
    assert (status, err["code"]) == (422, "duplicate_invoice_number")
    assert "invoice_number" in err["params"]["errors"]
    # the paper says 7 bottles for 70.00: typed in through PATCH
    lines = [{"sku_id": shop.cola.pk, "receipt_line_id": line["receipt_line_id"], "qty": "7", "value": "70.00"}]  # fmt: skip
    status, draft = call(client, "patch", f"/purchase-invoices/{draft['id']}", {"lines": lines})
    assert status == 200, draft
    status, err = call(client, "post", f"/purchase-invoices/{draft['id']}/submit")
    assert (status, err["code"]) == (422, "invoice_total_differs")
    status, draft = call(client, "patch", f"/purchase-invoices/{draft['id']}", {"amount": "70.00"})
    for action in ("submit", "approve", "post"):
        status, out = call(client, "post", f"/purchase-invoices/{draft['id']}/{action}")
        assert status == 200, out
    status, rows = call(
        client, "get", "/purchase-invoices/mismatches", {"supplier_id": shop.supplier.pk}
    )
    assert status == 200
    (row,) = rows
    assert (row["reason"], row["reason_label"], D(row["difference"])) == (
        "not_received", "未到货", D("10.00")
    )  # fmt: skip
    assert row["invoices"][0]["invoice_number"] == "No.0001"
    assert call(client, "get", "/purchase-invoices/mismatches", {"date_to": "2026-03-04"})[1] == []
    # a buyer without cost.view (a custom role) sees the quantities, not the money
    viewer = user_factory(roles=["keeper"])
    from jxc.core.models import Role

    role = Role.objects.get(code="keeper")
    role.permissions = [*role.permissions, "purchase_invoice.view", "supplier.view"]
    role.save()
    status, rows = call(client_for(viewer), "get", "/purchase-invoices/mismatches")
    assert status == 200 and rows[0]["reason"] == "not_received"
    assert "difference" not in rows[0] and "unit_price" not in rows[0]
    status, trend = call(client_for(viewer), "get", f"/suppliers/{shop.supplier.pk}/price-trend")
    assert status == 200 and trend and "unit_cost" not in trend[0]
    status, perf = call(
        client, "get", "/supplier-performance", {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )
    assert status == 200 and perf[0]["supplier_code"] == "GYS1"
    assert (perf[0]["arrived_qty"], perf[0]["reject_rate"]) == ("6.00000000", "0.0") or D(
        perf[0]["arrived_qty"]
    ) == D(6)
    status, trend = call(client, "get", f"/suppliers/{shop.supplier.pk}/price-trend", {"last": 1})
    assert status == 200 and [D(t["unit_cost"]) for t in trend] == [D(10)]
    assert call(client, "get", f"/suppliers/{shop.supplier.pk}/price-trend", {"last": 0})[0] == 422
    assert call(client, "get", "/suppliers/999999/price-trend")[0] == 404
    assert DAY < dt.date(2026, 3, 5)


def test_company_match_tolerance_and_qc_threshold_settings(client_for, owner):
    client = client_for(owner)
    status, out = call(client, "get", "/company")
    assert (D(out["invoice_match_tolerance"]), D(out["qc_reject_alert_percent"])) == (D(0), D(5))
    body = {"invoice_match_tolerance": "1.50", "invoice_match_tolerance_percent": "0.5", "qc_reject_alert_percent": "7.5"}  # fmt: skip
    status, out = call(client, "patch", "/company", body)
    assert status == 200 and D(out["qc_reject_alert_percent"]) == D("7.5")
    assert call(client, "patch", "/company", {"qc_reject_alert_percent": "101"})[0] == 422
