"""Fixtures of the warehouse-document tests: a company with two warehouses of one site and a
third elsewhere, SKUs (plain with a 箱 of 12, a second one, a batch-tracked one), users.

    stock_world  the whole setup as a namespace (``w.zc``, ``w.sku_a`` …)
    receive(w, sku, wh, qty, price, **line)  posts an 其他入库 through the real services
    post(doc, user)  submit → approve → post through the real services
    balances()   {(sku id, warehouse id): (on_hand, value, in_transit)} of every balance row
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.documents.lines import LineInput
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.models import StockBalance

D = Decimal
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def stock_world(owner, user_factory):
    pcs = catalog.create_unit(user=owner, name="个")
    box = catalog.create_unit(user=owner, name="箱")
    kg = catalog.create_unit(user=owner, name="千克", allow_fraction=True)
    drinks = catalog.create_category(user=owner, code="YL", name="饮料")
    snacks = catalog.create_category(user=owner, code="LS", name="零食")
    sku_a = catalog.create_product(
        user=owner,
        code="A001",
        name="可口可乐",
        base_unit=pcs,
        category=drinks,
        units=[
            UnitSpec(unit_id=pcs.pk, barcode="6900000000011", prices={"purchase_price": D("2")}),
            UnitSpec(unit_id=box.pk, factor=D(12), barcode="6900000000028"),
        ],
    ).skus.get()
    sku_b = catalog.create_product(
        user=owner,
        code="B001",
        name="薯片",
        base_unit=pcs,
        category=snacks,
        units=[UnitSpec(unit_id=pcs.pk, barcode="6900000000035")],
    ).skus.get()
    sku_c = catalog.create_product(
        user=owner,
        code="C001",
        name="牛奶",
        base_unit=pcs,
        category=drinks,
        tracking="batch",
        units=[UnitSpec(unit_id=pcs.pk, barcode="6900000000042")],
    ).skus.get()
    sku_k = catalog.create_product(
        user=owner, code="K001", name="礼盒", base_unit=pcs, category=snacks
    ).skus.get()
    sku_w = catalog.create_product(user=owner, code="W001", name="大米", base_unit=kg).skus.get()
    zc = inventory.create_warehouse(user=owner, code="ZC", name="总仓", site="杭州")
    md = inventory.create_warehouse(user=owner, code="MD", name="门店仓", site="杭州")
    bj = inventory.create_warehouse(user=owner, code="BJ", name="北京仓")
    keeper = user_factory(roles=["keeper"], username="keeper")
    sales = user_factory(roles=["sales"], username="seller")
    return SimpleNamespace(
        owner=owner,
        keeper=keeper,
        sales=sales,
        pcs=pcs,
        box=box,
        kg=kg,
        drinks=drinks,
        snacks=snacks,
        sku_a=sku_a,
        sku_b=sku_b,
        sku_c=sku_c,
        sku_k=sku_k,
        sku_w=sku_w,
        zc=zc,
        md=md,
        bj=bj,
    )


def post(doc, user, post_fn=None):
    """Submit, approve and post through the services."""
    doc = docs.submit_document(doc, user=user)
    doc = docs.approve_document(doc, user=user)
    return (post_fn or docs.post_document)(doc, user=user)


def receive(w, sku, wh, qty, price=None, *, date=TODAY, **line):
    doc = docs.create_stock_document(
        user=w.owner,
        kind="other_receipt",
        warehouse=wh,
        date=date,
        reason="other",
        lines=[
            LineInput(sku=sku.pk, qty=D(qty), price=None if price is None else D(price), **line)
        ],
    )
    return post(doc, w.owner)


def balances():
    return {
        (b.sku_id, b.warehouse_id): (b.on_hand, b.value, b.in_transit)
        for b in StockBalance.objects.all()
    }


@pytest.fixture
def today():
    return TODAY
