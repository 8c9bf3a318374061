"""Fuzz (hypothesis) for every import the go-live wizard takes — products, suppliers, opening
stock, opening balances, accounts (customers: ``test_fuzz_partners.py``): random files mixing
good rows with wrong types, negative or oversized numbers, unknown units, categories,
warehouses, partners and choices, codes twice in the file and taken in the database, missing
names. Every bad row is named (row, column, reason), the database is unchanged by the preview,
and the good rows alone then go in. A missing column is named on the header row. A
10,000-row file of random rows per import is previewed once (openpyxl write-only, < ~30 s):
every bad row named, nothing written. (A product code on two rows is not an error by itself:
the rows are that product's variants — ``test_master_data_imports.py`` covers that; the
duplicates here are barcodes.)"""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jxc.catalog.models import Barcode, Product
from jxc.finance.models import Account, PartyLedgerEntry
from jxc.imports import services
from jxc.imports.registry import spec_for
from jxc.inventory.documents.models import StockDocument
from jxc.inventory.documents.tests.conftest import TODAY
from jxc.partners import services as partners
from jxc.partners.models import Supplier

pytestmark = pytest.mark.django_db
RUN = itertools.count()  # a prefix per example: rows confirmed by one are not "taken" in the next


@dataclass(frozen=True)
class Fuzz:
    header: list[str]
    good: Callable[[str, int], list]  # (prefix, index) → a good row
    # defect → (column it is reported in, how it spoils a good row: (row, prefix) → None)
    defects: dict[str, tuple[str | tuple[str, ...], Callable[[list, str], None]]]
    count: Callable[[], int]  # what a confirmed file adds to
    options: dict | None = None


def _set(i: int, value):
    def spoil(row: list, _prefix: str) -> None:
        row[i] = value

    return spoil


def _first_code(i: int):
    def spoil(row: list, prefix: str) -> None:
        row[i] = f"{prefix}00000"

    return spoil


PRODUCTS = Fuzz(
    header=[
        *("code", "name", "category", "base_unit", "barcode", "unit2", "factor2"),
        *("retail_price", "shelf_life_days"),
    ],
    good=lambda p, i: [
        f"{p}{i:05d}",
        f"商品{i}",
        "饮料",
        "个",
        f"77{p}{i:07d}",
        "箱",
        12,
        "3.5",
        30,
    ],
    defects={
        "price_text": ("retail_price", _set(7, "三元")),
        "price_negative": ("retail_price", _set(7, "-1")),
        "price_huge": ("retail_price", _set(7, "1e20")),
        "unit_unknown": ("base_unit", _set(3, "吨吨")),
        "unit2_unknown": ("unit2", _set(5, "托盘")),
        "category_unknown": ("category", _set(2, "不存在")),
        "factor_zero": ("factor2", _set(6, 0)),
        "no_name": ("name", _set(1, None)),
        # twice taken in one file: the rows are one product's variants without colour or size
        "code_taken": (("code", "colour"), _set(0, "A001")),
        "barcode_taken": ("barcode", _set(4, "6900000000011")),
        "barcode_bad": ("barcode", _set(4, "条码!")),
        "barcode_twice": ("barcode", lambda row, p: row.__setitem__(4, f"77{p}{0:07d}")),
        "shelf_text": ("shelf_life_days", _set(8, "一年")),
        "shelf_huge": ("shelf_life_days", _set(8, 10**9)),
    },
    count=lambda: Product.objects.count() + Barcode.objects.count(),
)
SUPPLIERS = Fuzz(
    header=["code", "name", "payment_terms_days", "lead_time_days"],
    good=lambda p, i: [f"{p}{i:05d}", f"供应商{i}", 30, 7],
    defects={
        "terms_text": ("payment_terms_days", _set(2, "三十")),
        "terms_negative": ("payment_terms_days", _set(2, -5)),
        "lead_huge": ("lead_time_days", _set(3, 10**6)),
        "no_name": ("name", _set(1, None)),
        "code_twice": ("code", _first_code(0)),
        "code_taken": ("code", _set(0, "TAKEN")),
    },
    count=Supplier.objects.count,
)
STOCK = Fuzz(
    header=["sku", "warehouse", "batch_number", "qty", "price"],
    # C001 is batch-tracked: a batch number per row makes every row its own stock
    good=lambda p, i: ["C001", "ZC", f"{p}{i:05d}", 5, "2.5"],
    defects={
        "qty_text": ("qty", _set(3, "五")),
        "qty_negative": ("qty", _set(3, -1)),
        "qty_huge": ("qty", _set(3, "1e20")),
        "price_negative": ("price", _set(4, "-2")),
        "sku_unknown": ("sku", _set(0, "NOPE")),
        "warehouse_unknown": ("warehouse", _set(1, "XX")),
        "no_batch": ("batch_number", _set(2, None)),
        "stock_twice": ("sku", _first_code(2)),
    },
    count=StockDocument.objects.count,
    options={"date": TODAY},
)
BALANCES = Fuzz(
    header=["side", "partner", "amount", "date"],
    good=lambda p, i: ["应收", "C1", f"{i + 1}.50", None],
    defects={
        "amount_text": ("amount", _set(2, "一百")),
        "amount_zero": ("amount", _set(2, 0)),
        "amount_huge": ("amount", _set(2, "1e14")),
        "amount_places": ("amount", _set(2, "1.234")),
        "partner_unknown": ("partner", _set(1, "NOPE")),
        "supplier_as_customer": ("partner", _set(1, "S1")),
        "side_unknown": ("side", _set(0, "往来")),
        "date_after": ("date", _set(3, "2099-01-01")),
        "date_text": ("date", _set(3, "昨天")),
    },
    count=PartyLedgerEntry.objects.count,
    options={"date": TODAY},
)
ACCOUNTS = Fuzz(
    header=["code", "name", "kind", "opening_balance"],
    good=lambda p, i: [f"{p}{i:05d}", f"账户{i}", "现金", "100"],
    defects={
        "kind_unknown": ("kind", _set(2, "信用卡")),
        "balance_text": ("opening_balance", _set(3, "很多")),
        "balance_negative": ("opening_balance", _set(3, "-1")),
        "balance_huge": ("opening_balance", _set(3, "1e20")),
        "no_name": ("name", _set(1, None)),
        "code_twice": ("code", _first_code(0)),
        "code_taken": ("code", _set(0, "TAKEN")),
    },
    count=Account.objects.count,
    options={"date": TODAY},
)
FUZZ = {
    "products": PRODUCTS,
    "suppliers": SUPPLIERS,
    "opening-stock": STOCK,
    "opening-balances": BALANCES,
    "accounts": ACCOUNTS,
}


def xlsx_fast(rows) -> bytes:
    """The file as a user's spreadsheet program writes it (openpyxl, write-only: fast)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def fuzz_world(stock_world):
    from jxc.finance import services as finance

    w = stock_world
    partners.create_customer(user=w.owner, code="C1", name="华联")
    partners.create_supplier(user=w.owner, code="S1", name="可口可乐公司")
    partners.create_supplier(user=w.owner, code="TAKEN", name="已有")
    finance.create_account(user=w.owner, code="TAKEN", name="已有", kind="cash")
    return w


def _file(fuzz: Fuzz, defects: list[str], prefix: str):
    """Rows 2.. of a file: a good row first (the one a repeated code repeats), then one row
    per defect ("none": good). Returns the rows and {bad row: column label}."""
    spec = spec_for_fuzz(fuzz)
    rows, bad = [fuzz.header], {}
    for i, defect in enumerate(["none", *defects]):
        row = fuzz.good(prefix, i)
        if defect != "none":
            column, spoil = fuzz.defects[defect]
            spoil(row, prefix)
            names = column if isinstance(column, tuple) else (column,)
            bad[i + 2] = {spec.label_of(c) for c in names}
        rows.append(row)
    return rows, bad


def spec_for_fuzz(fuzz: Fuzz):
    return spec_for(next(k for k, v in FUZZ.items() if v is fuzz))


def _named(batch, bad: dict[int, set[str]]) -> None:
    """Exactly the bad rows are named, each in its column, with a reason."""
    assert {p["row"] for p in batch.problems} == set(bad), batch.problems
    for p in batch.problems:
        assert p["message"].strip()
    for row, column in bad.items():
        columns = {p["column"] for p in batch.problems if p["row"] == row}
        assert column & columns, (row, column, batch.problems)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@pytest.mark.parametrize("kind", list(FUZZ))
@given(data=st.data())
def test_every_bad_row_named_and_nothing_written_until_a_valid_file(fuzz_world, kind, data):
    w = fuzz_world
    fuzz = FUZZ[kind]
    defects = data.draw(st.lists(st.sampled_from(sorted(fuzz.defects)), min_size=1, max_size=12))
    prefix = f"Z{next(RUN)}"
    rows, bad = _file(fuzz, defects, prefix)
    before = fuzz.count()
    batch = services.preview_import(kind, user=w.owner, data=xlsx_fast(rows), options=fuzz.options)
    _named(batch, bad)
    assert batch.status == "invalid" and fuzz.count() == before
    with pytest.raises(Exception):  # noqa: B017 - an invalid batch cannot be confirmed
        services.confirm_import(batch, user=w.owner)
    assert fuzz.count() == before
    good = [rows[0]] + [r for n, r in enumerate(rows[1:], start=2) if n not in bad]
    batch = services.preview_import(kind, user=w.owner, data=xlsx_fast(good), options=fuzz.options)
    assert batch.problems == [] and fuzz.count() == before
    services.confirm_import(batch, user=w.owner)
    assert fuzz.count() > before


@pytest.mark.parametrize("kind", list(FUZZ))
def test_a_missing_required_column_is_named_on_the_header_row(fuzz_world, kind):
    w = fuzz_world
    fuzz = FUZZ[kind]
    spec = spec_for(kind)
    required = [c for c in spec.columns if c.required]
    drop = fuzz.header.index(required[-1].name)
    rows = [[v for i, v in enumerate(r) if i != drop] for r in _file(fuzz, [], "M")[0]]
    before = fuzz.count()
    batch = services.preview_import(kind, user=w.owner, data=xlsx_fast(rows), options=fuzz.options)
    assert [(p["row"], p["column"]) for p in batch.problems] == [(1, str(required[-1].label))]
    assert fuzz.count() == before


@pytest.mark.large_import
@pytest.mark.parametrize("kind", list(FUZZ))
def test_ten_thousand_random_rows_every_bad_one_named(fuzz_world, kind):
    """10,000 rows, about one in ten spoilt at random (seeded): each named, nothing written."""
    w = fuzz_world
    fuzz = FUZZ[kind]
    rng = random.Random(16)
    names = sorted(fuzz.defects)
    defects = [rng.choice(names) if rng.random() < 0.1 else "none" for _ in range(9_999)]
    rows, bad = _file(fuzz, defects, "T")
    before = fuzz.count()
    batch = services.preview_import(kind, user=w.owner, data=xlsx_fast(rows), options=fuzz.options)
    assert batch.total == 10_000
    _named(batch, bad)
    assert fuzz.count() == before
