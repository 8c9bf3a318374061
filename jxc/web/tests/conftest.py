"""Fixtures of the web tests: one record of each master-data kind, made through the services."""

from decimal import Decimal

import pytest


@pytest.fixture
def records(owner):
    """A unit, a category tree, a brand, two warehouses with a bin, a supplier, a customer
    with a contact, and an account — the rows every screen can show."""
    from jxc.catalog import services as catalog
    from jxc.finance import services as finance
    from jxc.inventory import services as inventory
    from jxc.partners import services as partners

    food = catalog.create_category(user=owner, code="FOOD", name="食品")
    main = inventory.create_warehouse(user=owner, code="WH01", name="总仓")
    customer = partners.create_customer(
        user=owner, code="C001", name="杭州客户", credit_limit=Decimal("5000.50")
    )
    return {
        "unit": catalog.create_unit(user=owner, name="个"),
        "category": food,
        "subcategory": catalog.create_category(user=owner, code="DRINK", name="饮料", parent=food),
        "brand": catalog.create_brand(user=owner, name="晨光"),
        "warehouse": main,
        "store": inventory.create_warehouse(user=owner, code="ST01", name="门店", kind="store"),
        "bin": inventory.create_bin(user=owner, warehouse=main, code="A-01", name="一号货架"),
        "supplier": partners.create_supplier(
            user=owner, code="S001", name="宁波文具厂", phone="13812345678"
        ),
        "customer": customer,
        "contact": partners.create_contact(user=owner, partner=customer, name="李经理"),
        "account": finance.create_account(
            user=owner, code="CASH", name="现金", opening_balance=Decimal("100.00")
        ),
    }
