"""A form offers the active rows plus the ones the record holds now: saving a record keeps a
link to a row deactivated since (a brand, a category, a unit row, a warehouse, a keeper, a
parent, a salesperson)."""

import re
from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.documents.lines import LineInput
from jxc.core.services import set_active
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs

pytestmark = pytest.mark.django_db


def _posted(html: str, name: str) -> str | None:
    """The value the browser would post for a <select name=…>: its selected option."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else None


def _selected(html: str, name: str) -> list[str]:
    """The option values a browser would send for the select (or checkboxes) ``name``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return re.findall(rf'<input type="checkbox" name="{name}" value="(\d+)"[^>]*checked', html)


def test_editing_a_warehouse_keeps_its_deactivated_keeper(
    client_owner, owner, user_factory, records
):
    """Before: after the keeper's account was deactivated, saving the warehouse (only its
    name changed) silently cleared 仓管员: the form no longer offered him."""
    from jxc.core.services import set_active
    from jxc.inventory import services as inventory

    keeper = user_factory(roles=["keeper"], first_name="赵仓管")
    wh = inventory.update_warehouse(records["warehouse"], user=owner, keeper=keeper)
    set_active(keeper, active=False, user=owner)
    url = reverse("web:warehouse_edit", args=[wh.pk])
    html = client_owner.get(url).content.decode()
    assert _selected(html, "keeper") == [str(keeper.pk)]
    client_owner.post(
        url, {"code": wh.code, "name": "总仓（新）", "kind": "warehouse", "keeper": keeper.pk}
    )
    wh.refresh_from_db()
    assert (wh.name, wh.keeper) == ("总仓（新）", keeper)
    new_form = client_owner.get(reverse("web:warehouse_create")).content.decode()
    assert f'value="{keeper.pk}"' not in new_form  # not offered for new warehouses


def test_editing_a_category_keeps_its_deactivated_parent(client_owner, owner, records):
    """Before: saving 饮料 after its parent 食品 was deactivated moved it to the top level."""
    from jxc.core.services import set_active

    food, drink = records["category"], records["subcategory"]
    set_active(food, active=False, user=owner)
    url = reverse("web:category_edit", args=[drink.pk])
    assert _selected(client_owner.get(url).content.decode(), "parent") == [str(food.pk)]
    client_owner.post(url, {"code": "DRINK", "name": "饮品", "parent": food.pk})
    drink.refresh_from_db()
    assert (drink.name, drink.parent) == ("饮品", food)


def test_editing_a_customer_keeps_its_deactivated_salesperson(
    client_owner, owner, user_factory, records
):
    from jxc.core.services import set_active
    from jxc.partners import services as partners

    seller = user_factory(roles=["sales"])
    customer = partners.update_customer(records["customer"], user=owner, salesperson=seller)
    set_active(seller, active=False, user=owner)
    url = reverse("web:customer_edit", args=[customer.pk])
    assert _selected(client_owner.get(url).content.decode(), "salesperson") == [str(seller.pk)]


def test_editing_a_user_keeps_a_deactivated_warehouse_in_scope(
    client_owner, owner, user_factory, records
):
    from jxc.core.services import set_active
    from jxc.inventory import services as inventory

    keeper = user_factory(roles=["keeper"])
    inventory.set_user_warehouses(user=owner, target=keeper, warehouses=[records["store"]])
    set_active(records["store"], active=False, user=owner)
    html = client_owner.get(reverse("web:user_edit", args=[keeper.pk])).content.decode()
    assert _selected(html, "warehouses") == [str(records["store"].pk)]


@pytest.fixture
def wj0001(owner):
    pcs = catalog.create_unit(user=owner, name="个")
    case = catalog.create_unit(user=owner, name="箱")
    category = catalog.create_category(user=owner, code="WJ", name="文具")
    brand = catalog.create_brand(user=owner, name="晨光")
    product = catalog.create_product(
        user=owner,
        code="WJ0001",
        name="中性笔",
        base_unit=pcs,
        category=category,
        brand=brand,
        units=[
            UnitSpec(unit_id=pcs.pk, prices={"retail_price": D("2")}),
            UnitSpec(unit_id=case.pk, factor=D(24), prices={"retail_price": D("40")}),
        ],
    )
    return {"product": product, "brand": brand, "category": category, "pcs": pcs, "case": case}


def test_editing_only_the_memo_keeps_a_deactivated_brand_and_category(client_owner, owner, wj0001):
    product, brand, category = wj0001["product"], wj0001["brand"], wj0001["category"]
    set_active(brand, active=False, user=owner)
    set_active(category, active=False, user=owner)
    url = reverse("web:product_edit", args=[product.pk])
    html = client_owner.get(url).content.decode()
    # What the browser posts back: every select's selected option.
    assert _posted(html, "brand") == str(brand.pk)
    assert _posted(html, "category") == str(category.pk)
    response = client_owner.post(
        url,
        {
            "name": product.name,
            "mnemonic": product.mnemonic,
            "category": _posted(html, "category"),
            "brand": _posted(html, "brand"),
            "tracking": product.tracking,
            "shelf_life_days": "",
            "memo": "只改备注",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.memo, product.brand_id, product.category_id) == (
        "只改备注",
        brand.pk,
        category.pk,
    )


def test_inactive_rows_are_not_offered_to_new_records_or_other_products(
    client_owner, owner, wj0001
):
    set_active(wj0001["brand"], active=False, user=owner)
    new = client_owner.get(reverse("web:product_create")).context["form"]
    assert wj0001["brand"] not in new.fields["brand"].queryset
    other = catalog.create_product(user=owner, code="WJ0002", name="铅笔", base_unit=wj0001["pcs"])
    form = client_owner.get(reverse("web:product_edit", args=[other.pk])).context["form"]
    assert wj0001["brand"] not in form.fields["brand"].queryset


def test_a_skus_deactivated_unit_stays_in_its_unit_rows(client_owner, owner, wj0001):
    set_active(wj0001["case"], active=False, user=owner)
    sku = wj0001["product"].skus.get()
    state = client_owner.get(reverse("web:sku_units", args=[sku.pk])).context["initial_state"]
    assert wj0001["case"].pk in [c["id"] for c in state["unitChoices"]]
    new_page = client_owner.get(reverse("web:product_create")).context["initial_state"]
    assert wj0001["case"].pk not in [c["id"] for c in new_page["unitChoices"]]


def test_a_draft_keeps_its_deactivated_warehouse_on_save(client_owner, owner, wj0001):
    sku = wj0001["product"].skus.get()
    zc = inventory.create_warehouse(user=owner, code="ZC", name="总仓")
    inventory.create_warehouse(user=owner, code="MD", name="门店仓")
    doc = docs.create_stock_document(
        user=owner,
        kind="other_issue",
        warehouse=zc,
        date=date.today(),
        reason="sample",
        lines=[LineInput(sku=sku.pk, qty=D(1), price=D("1.5"))],
    )
    set_active(zc, active=False, user=owner)
    url = f"/inventory/other-issues/{doc.pk}/edit/"
    html = client_owner.get(url).content.decode()
    assert _posted(html, "warehouse") == str(zc.pk)
    response = client_owner.post(
        url,
        {
            "warehouse": _posted(html, "warehouse"),
            "date": date.today().isoformat(),
            "reason": "sample",
            "memo": "只改备注",
            "line_sku": [str(sku.pk)],
            "line_qty": ["1"],
            "line_price": ["1.5"],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    doc.refresh_from_db()
    assert (doc.memo, doc.warehouse_id) == ("只改备注", zc.pk)
    # a new document is not offered the deactivated warehouse
    form = client_owner.get("/inventory/other-issues/new/").context["form"]
    assert zc not in form.fields["warehouse"].queryset
