"""生成… buttons: a document made from another (``Derive`` in jxc/web/generic/steps.py). Every
declared one is a POST that needs the new document's permission; refused by the service,
nothing is made and the source's page says why."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jxc.purchasing.models import PurchaseOrder, PurchaseReceipt
from jxc.purchasing.tests.conftest import shop  # noqa: F401
from jxc.web.generic.steps import derive_view
from jxc.web.tests.test_purchasing_web import grid, header

pytestmark = pytest.mark.django_db

# URL name → the permission making the new document needs
EXPECTED = {
    "quotation_order": "sales_order.create",
    "sales_order_deliver": "sales_delivery.create",
    "sales_order_pick": "sales_pick.create",
    "sales_pick_deliver": "sales_delivery.create",
    "sales_delivery_return": "sales_return.create",
    "purchase_order_receive": "purchase_receipt.create",
    "purchase_receipt_return": "purchase_return.create",
    "purchase_receipt_landed_cost": "landed_cost.create",
    "purchase_receipt_invoice": "purchase_invoice.create",
    "purchase_requisition_make_orders": "purchase_order.create",
}


def _derives(patterns=None, found=None):
    found = {} if found is None else found
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            _derives(p.url_patterns, found)
        elif isinstance(p, URLPattern) and p.callback is derive_view:
            found[p.name] = (str(p.pattern), p.default_args["derive"].perm)
    return found


def test_every_derived_document_is_declared_with_the_permission_it_needs():
    assert {name: perm for name, (_, perm) in _derives().items()} == EXPECTED


def test_a_derive_is_a_post_and_needs_the_new_documents_permission(client_for, owner, user_factory):
    nobody = client_for(user_factory(roles=[]))
    boss = client_for(owner)
    for name, (pattern, _perm) in _derives().items():
        url = "/" + pattern.replace("<int:pk>", "1")
        assert boss.get(url).status_code == 403, name
        assert nobody.post(url).status_code == 403, name


def test_a_refused_derive_makes_nothing_and_says_why_on_the_source(client_for, shop):  # noqa: F811
    client = client_for(shop.user)
    client.post(
        "/purchasing/orders/new/",
        {**header(shop), **grid({"sku": shop.cola.pk, "qty": "5", "price": "2", "tax_rate": "13"})},
    )
    draft = PurchaseOrder.objects.get()  # not approved: nothing can be received against it
    page = client.get(f"/purchasing/orders/{draft.pk}/").content.decode()
    assert "已入库" in page and "已调入" not in page  # goods received, not transferred in
    response = client.post(f"/purchasing/orders/{draft.pk}/receive/", follow=True)
    assert response.redirect_chain[-1][0] == f"/purchasing/orders/{draft.pk}/"
    said = [str(m) for m in response.context["messages"]]
    assert said and all(said), said
    assert not PurchaseReceipt.objects.exists()
