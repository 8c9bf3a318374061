"""供应商价目表 import (issue 16 §2): supplier × SKU × unit × valid-from, price, 含税, VAT rate,
MOQ, pack multiple, lead time, valid to; 新增 / 更新 / 跳过 by that key; the template with its
说明 sheet and dropdowns; every bad row named and nothing written before a valid confirm (fuzz)."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from jxc.imports import registry, services, workbook
from jxc.imports.tests.conftest import xlsx
from jxc.partners import services as partners
from jxc.purchasing import services as purchasing
from jxc.purchasing.models import SupplierPrice

pytestmark = pytest.mark.django_db

HEADER = [
    "供应商编码",
    "SKU 编码",
    "计量单位",
    "单价",
    "含税价",
    "税率 %",
    "最小起订量",
    "包装倍数",
    "交货周期（天）",
    "生效日期",
    "失效日期",
]


@pytest.fixture
def world(stock_world):
    w = stock_world
    w.supplier = partners.create_supplier(user=w.owner, code="S001", name="可口可乐公司")
    partners.create_supplier(user=w.owner, code="S002", name="百事公司")
    return w


def test_a_price_list_goes_in_with_defaults_and_every_column(world):
    data = xlsx(
        [
            HEADER,
            ["S001", "A001", "个", "2.50", "是", 13, 24, 12, 3, "2026/1/5", "2026年12月31日"],
            ["S001", "A001", "箱", "￥28", "否", None, None, None, None, "2026-01-05", None],
            ["S002", "B001", None, "1,234.5", None, "9", "1", "1", "7", 46027, None],
        ],
        text_columns=("A", "B"),
    )
    batch = services.preview_import("supplier-prices", user=world.owner, data=data)
    assert batch.problems == [] and batch.counts["create"] == 3
    assert SupplierPrice.objects.count() == 0  # the preview writes nothing
    services.confirm_import(batch, user=world.owner)
    pcs = SupplierPrice.objects.get(sku__code="A001", unit__name="个")
    assert (pcs.price, pcs.includes_tax, pcs.tax_rate) == (D("2.5"), True, D(13))
    assert (pcs.moq, pcs.pack_multiple, pcs.lead_time_days) == (D(24), D(12), 3)
    assert (pcs.valid_from, pcs.valid_to) == (dt.date(2026, 1, 5), dt.date(2026, 12, 31))
    box = SupplierPrice.objects.get(sku__code="A001", unit__name="箱")
    assert (box.price, box.includes_tax, box.tax_rate, box.moq) == (D(28), False, D(13), D(0))
    chips = SupplierPrice.objects.get(sku__code="B001")
    assert chips.unit.name == "个" and chips.price == D("1234.5")  # empty unit: the base unit
    assert chips.valid_from == dt.date(2026, 1, 5)  # an Excel serial date


def test_existing_prices_are_named_updated_or_skipped(world):
    purchasing.create_supplier_price(
        user=world.owner,
        supplier=world.supplier,
        sku=world.sku_a,
        unit_id=world.pcs.pk,
        price=D("2"),
        valid_from=dt.date(2026, 1, 5),
    )
    data = xlsx(
        [
            HEADER,
            ["S001", "A001", "个", "2.60", None, None, None, None, None, "2026-01-05", None],
            ["S001", "A001", "个", "2.70", None, None, None, None, None, "2026-02-01", None],
        ]
    )
    batch = services.preview_import("supplier-prices", user=world.owner, data=data)
    assert [p["row"] for p in batch.problems] == [2] and batch.problems[0]["column"] == "生效日期"
    skip = services.repreview(batch, user=world.owner, mode="skip")
    assert skip.counts == {"create": 1, "update": 0, "skip": 1}
    update = services.repreview(batch, user=world.owner, mode="update")
    assert update.counts == {"create": 1, "update": 1, "skip": 0}
    services.confirm_import(update, user=world.owner)
    prices = dict(SupplierPrice.objects.filter(sku=world.sku_a).values_list("valid_from", "price"))
    assert prices == {dt.date(2026, 1, 5): D("2.6"), dt.date(2026, 2, 1): D("2.7")}


def test_bad_rows_are_named_with_their_column(world):
    data = xlsx(
        [
            HEADER,
            ["NOPE", "A001", "个", "2", None, None, None, None, None, "2026-01-05", None],
            ["S001", "ZZZ", "个", "2", None, None, None, None, None, "2026-01-05", None],
            ["S001", "A001", "千克", "2", None, None, None, None, None, "2026-01-05", None],
            ["S001", "A001", "个", "0", None, None, None, None, None, "2026-01-05", None],
            ["S001", "A001", "个", "2", None, "120", None, None, None, "2026-01-05", None],
            ["S001", "A001", "个", "2", None, None, "-1", None, None, "2026-01-05", None],
            ["S001", "A001", "个", "2", None, None, None, None, None, "2026-03-05", "2026-01-01"],
            ["S001", "B001", "个", "2", None, None, None, None, None, "2026-01-05", None],
            ["S001", "B001", "个", "3", None, None, None, None, None, "2026-01-05", None],
            ["S001", "B001", "个", "3", None, None, None, None, "五天", "2026-01-06", None],
        ]
    )
    batch = services.preview_import("supplier-prices", user=world.owner, data=data)
    found = {(p["row"], p["column"]) for p in batch.problems}
    assert found == {
        (2, "供应商编码"),
        (3, "SKU 编码"),
        (4, "计量单位"),
        (5, "单价"),
        (6, "税率 %"),
        (7, "最小起订量"),
        (8, "失效日期"),
        (10, "SKU 编码"),
        (11, "交货周期（天）"),
    }, batch.problems
    assert batch.status == "invalid" and SupplierPrice.objects.count() == 0


def test_the_template_has_instructions_dropdowns_and_examples(world, client_for):
    spec = registry.spec_for("supplier-prices")
    book = load_workbook(io.BytesIO(workbook.template(spec)))
    data, notes = book.worksheets[0], book.worksheets[1]
    assert notes.title == "说明" and data["A1"].value == "供应商编码*"
    assert data["A2"].value == "S001" and data["A2"].number_format == "@"
    lists = data.data_validations.dataValidation
    assert any("C2" in str(v.sqref) for v in lists)  # 计量单位 is a dropdown
    client = client_for(world.owner)
    assert client.get("/imports/supplier-prices/").status_code == 200
    r = client.get("/api/v1/imports/supplier-prices/template")
    assert r.status_code == 200 and r["Content-Type"] == workbook.XLSX
    kinds = [i["kind"] for i in client.get("/api/v1/imports").json()]
    assert "supplier-prices" in kinds
    keeper = client_for(world.keeper)
    assert keeper.get("/api/v1/imports/supplier-prices/template").status_code == 403


def test_the_price_list_through_the_api(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.owner)
    data = xlsx([HEADER, ["S001", "A001", "个", "2.5", None, None, None, None, None, "2026-01-05"]])
    r = client.post(
        "/api/v1/imports/supplier-prices/preview", {"file": SimpleUploadedFile("p.xlsx", data)}
    )
    assert r.status_code == 200, r.content
    done = client.post(f"/api/v1/import-batches/{r.json()['id']}/confirm")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert SupplierPrice.objects.filter(sku=world.sku_a).count() == 1


DEFECTS = [
    "none",
    "price_text",
    "price_negative",
    "price_huge",
    "unknown_supplier",
    "unknown_sku",
    "unit_not_kept",
    "no_date",
    "ends_before",
    "key_twice",
    "key_taken",
]


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(DEFECTS), min_size=1, max_size=20))
def test_fuzz_every_bad_price_row_named_and_nothing_written(world, defects):
    if not SupplierPrice.objects.filter(valid_from=dt.date(2020, 1, 1)).exists():
        purchasing.create_supplier_price(
            user=world.owner,
            supplier=world.supplier,
            sku=world.sku_a,
            unit_id=world.pcs.pk,
            price=D("2"),
            valid_from=dt.date(2020, 1, 1),
        )
    before = SupplierPrice.objects.count()
    start = dt.date(2026, 1, 1)
    rows, bad = [HEADER], set()
    defects = ["none", *defects]  # row 2 is good: the one a repeated key repeats
    for i, defect in enumerate(defects):
        number = i + 2
        day = (start + dt.timedelta(days=i)).isoformat()
        row = ["S001", "A001", "个", "2.5", None, None, None, None, None, day, None]
        if defect == "price_text":
            row[3] = "两块五"
        elif defect == "price_negative":
            row[3] = -1
        elif defect == "price_huge":
            row[3] = "1e20"
        elif defect == "unknown_supplier":
            row[0] = "S999"
        elif defect == "unknown_sku":
            row[1] = "Z999"
        elif defect == "unit_not_kept":
            row[2] = "千克"
        elif defect == "no_date":
            row[9] = None
        elif defect == "ends_before":
            row[10] = "2025-01-01"
        elif defect == "key_twice" and i > 0:
            row[9] = start.isoformat()
        elif defect == "key_taken":
            row[9] = "2020-01-01"
        if defect != "none" and not (defect == "key_twice" and i == 0):
            bad.add(number)
        rows.append(row)
    batch = services.preview_import("supplier-prices", user=world.owner, data=xlsx(rows))
    assert {p["row"] for p in batch.problems} == bad
    assert SupplierPrice.objects.count() == before
    good = [HEADER] + [r for n, r in enumerate(rows[1:], start=2) if n not in bad]
    if len(good) > 1:
        batch = services.preview_import("supplier-prices", user=world.owner, data=xlsx(good))
        assert batch.problems == []
        assert SupplierPrice.objects.count() == before
        services.confirm_import(batch, user=world.owner)
        assert SupplierPrice.objects.count() == before + len(good) - 1
        SupplierPrice.objects.exclude(valid_from=dt.date(2020, 1, 1)).delete()


def test_a_confirmed_price_list_can_be_rolled_back(world):
    from jxc.imports.rollback import rollback_import

    data = xlsx([HEADER, ["S001", "A001", "个", "2.5", None, None, None, None, None, "2026-01-05"]])
    batch = services.confirm_import(
        services.preview_import("supplier-prices", user=world.owner, data=data), user=world.owner
    )
    assert SupplierPrice.objects.count() == 1
    assert rollback_import(batch, user=world.owner).status == "undone"
    assert SupplierPrice.objects.count() == 0
