"""Document screens: buttons come from the workflow table and the user's permissions, each
step runs the document's service, a step that needs a reason gets one, warehouse scope holds."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.documents.lines import LineInput
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs

pytestmark = [pytest.mark.django_db, pytest.mark.urls("jxc.web.tests.doc_urls")]


@pytest.fixture
def draft(owner, records):
    unit = records["unit"]
    product = catalog.create_product(
        user=owner,
        code="PEN",
        name="中性笔",
        base_unit=unit,
        units=[UnitSpec(unit_id=unit.pk, prices={"purchase_price": Decimal("1.2")})],
    )
    return docs.create_stock_document(
        user=owner,
        kind="other_receipt",
        warehouse=records["warehouse"],
        date=dt.date.today(),
        reason="gift",
        lines=[LineInput(sku=product.skus.get().pk, qty=Decimal("10"), price=Decimal("1.2"))],
    )


def test_buttons_follow_the_status_and_steps_run_the_service(client_owner, draft):
    detail = reverse("web:test_other_receipt_detail", args=[draft.pk])
    body = client_owner.get(detail).content.decode()
    assert 'data-testid="btn-submit"' in body and 'data-testid="btn-void"' in body
    assert 'data-testid="btn-approve"' not in body
    assert "tag-draft" in body
    response = client_owner.post(
        reverse("web:test_other_receipt_transition", args=[draft.pk, "submit"])
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"
    body = client_owner.get(detail).content.decode()
    assert 'data-testid="btn-approve"' in body and 'data-testid="btn-submit"' not in body


def test_step_not_allowed_from_this_status_changes_nothing(client_owner, draft):
    url = reverse("web:test_other_receipt_transition", args=[draft.pk, "approve"])
    response = client_owner.post(url, follow=True)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert "当前状态下不能执行此操作" in response.content.decode()


def test_void_needs_a_reason(client_owner, draft):
    url = reverse("web:test_other_receipt_transition", args=[draft.pk, "void"])
    response = client_owner.post(url, {"reason": ""}, follow=True)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert "请填写原因" in response.content.decode()
    client_owner.post(url, {"reason": "录错了"})
    draft.refresh_from_db()
    assert draft.status == "void"


def test_steps_need_their_permission_and_warehouse(client_for, user_factory, owner, draft):
    sales = user_factory(roles=["sales"])  # no other_receipt.* at all
    url = reverse("web:test_other_receipt_transition", args=[draft.pk, "submit"])
    assert client_for(sales).post(url).status_code == 403
    keeper = user_factory(roles=["keeper"])  # other*.* but limited to another warehouse
    store = inventory.create_warehouse(user=owner, code="ST09", name="门店九")
    inventory.set_user_warehouses(user=owner, target=keeper, warehouses=[store])
    assert client_for(keeper).post(url).status_code == 404
    listing = client_for(keeper).get(reverse("web:test_other_receipt_list")).content.decode()
    assert draft.number not in listing
    draft.refresh_from_db()
    assert draft.status == "draft"
