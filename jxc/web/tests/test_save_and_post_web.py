"""保存并过账 of a new document, one platform path for every type that has it
(``jxc.core.documents.at_once.save_and_post``; issue 10 §1 "declared once"): created,
提交, 审核 and 过账 in one transaction through the type's own services — refused at any step
nothing is saved (the number given back) and the form shows why with what was typed; above
an approval rule the new document is saved and submitted (已提交), as 其他出库 always was."""

from decimal import Decimal as D

import pytest

from jxc.approvals import configuration
from jxc.core.audit import chain_problems
from jxc.core.models import AuditLog, Role
from jxc.inventory.documents.models import Transfer
from jxc.inventory.documents.tests import conftest as doc_fixtures
from jxc.inventory.documents.tests.conftest import TODAY, receive
from jxc.inventory.testing import assert_ledger_consistent
from jxc.web.tests.test_stock_documents_web import grid

pytestmark = pytest.mark.django_db
stock_world = doc_fixtures.stock_world


def _steps(doc) -> list[str]:
    return list(
        AuditLog.objects.filter(object_type=doc._meta.label_lower, object_id=str(doc.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def _rule(owner, doc_type: str) -> None:
    """Every document of the type waits for the owner role's approval."""
    configuration.save_rule(
        user=owner,
        fields={"name": f"rule {doc_type}", "doc_type": doc_type},
        steps=[{"role": Role.objects.get(code="owner"), "users": [], "mode": "any"}],
    )


def _transfer(client, w, qty):
    return client.post(
        "/inventory/transfers/new/",
        {
            "from_warehouse": w.zc.pk,
            "to_warehouse": w.bj.pk,
            "date": TODAY.isoformat(),
            "and_post": "1",
            **grid({"sku": w.sku_a.pk, "qty": qty}),
        },
    )


def test_save_and_post_of_a_new_transfer_is_one_transaction(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 5, "2")
    client = client_for(w.owner)
    refused = _transfer(client, w, "9")  # more than there is: the post is refused
    assert refused.status_code == 400
    assert not Transfer.objects.exists()  # not even the draft (was: a draft left behind)
    assert not AuditLog.objects.filter(object_type=Transfer._meta.label_lower).exists()
    assert refused.context["form"].non_field_errors()
    # what was typed is on the form again
    assert refused.context["grid_state"]["rows"][0]["qty"] == "9"
    assert refused.context["form"]["to_warehouse"].value() == str(w.bj.pk)
    r = _transfer(client, w, "2")
    assert r.status_code == 302
    t = Transfer.objects.get()
    assert t.number.endswith("-0001")  # the refused one gave its number back
    assert t.status not in ("draft", "submitted", "approved")
    assert _steps(t) == ["create", "submit", "approve", "post"]
    assert chain_problems() == []
    assert_ledger_consistent()


def test_save_and_post_of_a_new_transfer_above_a_rule_saves_and_submits(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 5, "2")
    _rule(w.owner, Transfer.DOC_TYPE)
    r = _transfer(client_for(w.owner), w, "2")
    assert r.status_code == 302
    t = Transfer.objects.get()
    assert t.status == "submitted"  # was: a draft
    assert _steps(t) == ["create", "submit"]


def test_save_and_post_of_a_new_sales_delivery_is_one_transaction_and_submits_above_a_rule(
    client_for, stock_world
):
    from jxc.partners.services import create_customer
    from jxc.sales.models import SalesDelivery

    w = stock_world
    receive(w, w.sku_a, w.zc, 5, "2")
    customer = create_customer(user=w.owner, code="KH-SP", name="客户保存过账")
    client = client_for(w.owner)

    def deliver(qty):
        return client.post(
            "/sales/deliveries/new/",
            {
                "customer": customer.pk,
                "warehouse": w.zc.pk,
                "date": TODAY.isoformat(),
                "and_post": "1",
                **grid({"sku": w.sku_a.pk, "qty": qty, "price": "3"}),
            },
        )

    refused = deliver("9")
    assert refused.status_code == 400, refused.context["form"].errors
    assert not SalesDelivery.objects.exists()
    assert refused.context["grid_state"]["rows"][0]["qty"] == "9"
    assert deliver("1").status_code == 302
    posted = SalesDelivery.objects.get()
    assert posted.status == "posted" and posted.number.endswith("-0001")
    assert _steps(posted) == ["create", "submit", "approve", "post"]
    _rule(w.owner, SalesDelivery.DOC_TYPE)
    assert deliver("1").status_code == 302
    waiting = SalesDelivery.objects.exclude(pk=posted.pk).get()
    assert waiting.status == "submitted"  # was: a draft
    assert _steps(waiting) == ["create", "submit"]
    assert chain_problems() == []
    assert_ledger_consistent()


def test_save_and_post_of_a_new_purchase_receipt_takes_the_platform_path(stock_world):
    """A purchase receipt through the platform's path with the services its screen declares:
    posted in one transaction; refused, nothing saved; above a rule, submitted."""
    from jxc.core.documents.at_once import save_and_post
    from jxc.core.documents.lines import LineInput
    from jxc.core.errors import DomainError
    from jxc.partners.services import create_supplier
    from jxc.purchasing import receipts
    from jxc.purchasing.models import PurchaseReceipt
    from jxc.purchasing.tests.helpers import approved_order
    from jxc.web.views.purchasing import PurchaseReceiptScreen

    w = stock_world
    supplier = create_supplier(user=w.owner, code="GYS-SP", name="供应商保存过账")
    shop = type("Shop", (), {"user": w.owner, "supplier": supplier, "warehouse": w.zc})
    order = approved_order(shop, [LineInput(sku=w.sku_a.pk, qty=D(10), price=D(2))], date=TODAY)
    line = order.lines.get()

    def receive_at_once(qty, user=w.owner):
        return save_and_post(
            lambda: receipts.create_purchase_receipt(
                user=user,
                supplier=supplier,
                warehouse=w.zc,
                date=TODAY,
                lines=[LineInput(sku=w.sku_a.pk, qty=D(qty), source_line=line.pk)],
            ),
            steps=PurchaseReceiptScreen.transition_services,
            user=user,
        )

    with pytest.raises(DomainError):
        receive_at_once("11")  # more than the order has open
    assert not PurchaseReceipt.objects.exists()
    posted = receive_at_once("4")
    assert posted.status == "posted" and posted.number.endswith("-0001")
    assert _steps(posted) == ["create", "submit", "approve", "post"]
    _rule(w.owner, PurchaseReceipt.DOC_TYPE)
    waiting = receive_at_once("1")
    assert waiting.status == "submitted"
    assert _steps(waiting) == ["create", "submit"]
    assert chain_problems() == []
    assert_ledger_consistent()
