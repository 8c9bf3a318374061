"""数值过大: quantities, values and unit costs have bounds that the database and every sum
can hold (docs/ledger.md "Bounds"), checked wherever a number enters (issue 11 §1).

Before: a receipt of 12345678901234 (a barcode scanned into the quantity box) posted; then
`jxc check` / `jxc rebuild-balances` crashed with "integer overflow" on SQLite and the stock
reports answered 500 "bigint out of range" on PostgreSQL; a unit cost of 123456.7890123457
came back from SQLite as 123456.789012346."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.utils import translation

from jxc.api.tests.conftest import call
from jxc.core.errors import InvalidStockLine, ValidationFailed
from jxc.core.fields import (
    MAX_QTY,
    MONEY_PLACES,
    QTY_PLACES,
    SPLIT,
    UNIT_COST_PLACES,
    fits,
    size_error,
    split_sum_sql,
    split_sum_value,
)
from jxc.inventory.ledger.checks import ledger_problems, rebuild_balances
from jxc.inventory.models import StockMove
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db

BARCODE = "12345678901234"
LARGEST_QTY = D("999999999.999999")


# --- the bounds themselves (pure) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "ok"),
    [
        (LARGEST_QTY, QTY_PLACES, True),
        (MAX_QTY, QTY_PLACES, False),
        (D(BARCODE), QTY_PLACES, False),
        (D("9999999999999.99"), MONEY_PLACES, True),
        (D("10000000000000"), MONEY_PLACES, False),
        (D("123456.789012345"), UNIT_COST_PLACES, True),  # 15 significant digits
        (D("123456.7890123457"), UNIT_COST_PLACES, False),  # 16: SQLite would round it
        (D("999999999"), UNIT_COST_PLACES, True),
        (D("1000000000"), UNIT_COST_PLACES, False),
        (D("1e400"), QTY_PLACES, False),
        (D("NaN"), MONEY_PLACES, False),
    ],
)
def test_bounds_of_each_kind_of_number(value, places, ok):
    assert fits(value, places) is ok


def test_too_large_says_so_in_chinese():
    with translation.override("zh-hans"):
        assert size_error(D(BARCODE), QTY_PLACES).startswith("数值过大")


# --- the ledger writer, the last line ------------------------------------------------------------


def test_ledger_refuses_a_barcode_as_a_quantity(kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    with pytest.raises(InvalidStockLine) as err:
        kit.receive(sku, wh, BARCODE, "1")
    assert err.value.code == "value_too_large"
    assert not StockMove.objects.exists()


def test_ledger_refuses_a_value_beyond_the_bound_from_quantity_times_cost(kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    with pytest.raises(InvalidStockLine) as err:
        kit.receive(sku, wh, "100000000", "100000000")  # 10¹⁶: more than a move can carry
    assert err.value.code == "value_too_large"


def test_ledger_refuses_a_unit_cost_sqlite_cannot_store_exactly(kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    with pytest.raises(InvalidStockLine) as err:
        kit.receive(sku, wh, "1", "123456.7890123457")
    assert err.value.code == "value_too_large"


def test_unit_cost_of_15_digits_round_trips_on_this_database(kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    move = kit.receive(sku, wh, "1", "123456.789012345")
    assert StockMove.objects.get(pk=move.pk).unit_cost == D("123456.789012345")


# --- the largest figures through the reports and the self-check ---------------------------------


def test_largest_quantities_keep_reports_and_self_check_whole(kit, client_owner):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    for day in (1, 2, 3):
        kit.receive(sku, wh, LARGEST_QTY, "9999", day=day)
        kit.issue(sku, wh, LARGEST_QTY, day=day)
    kit.receive(sku, wh, LARGEST_QTY, "9999", day=4)
    assert ledger_problems(deep=True) == []
    assert rebuild_balances(apply=False) == []
    status, body = call(client_owner, "get", "/stock/at-date", {"date": "2026-01-31"})
    assert status == 200, body
    assert D(body["items"][0]["qty"]) == LARGEST_QTY
    status, body = call(
        client_owner, "get", "/stock/movement-summary", {"start": "2026-01-01", "end": "2026-01-31"}
    )
    assert status == 200, body
    assert_ledger_consistent()


def test_a_million_sums_of_the_largest_scaled_figure_do_not_overflow():
    """The sum every report and the self-check use: 10⁶ rows of the largest quantity in
    10⁻⁶ units (≈ 10²¹, far beyond 64 bits) add up exactly on SQLite and PostgreSQL."""
    largest = int(LARGEST_QTY * 10**QTY_PLACES)
    sql = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) "
        f"SELECT {split_sum_sql('x')}, {split_sum_sql('-x')} "
        f"FROM (SELECT CAST({largest} AS BIGINT) AS x FROM n) t"
    )
    with connection.cursor() as cur:
        cur.execute(sql)
        up, down = cur.fetchone()
    assert split_sum_value(up) == 10**6 * largest
    assert split_sum_value(down) == -(10**6) * largest
    assert split_sum_value(None) == 0 and split_sum_value(f"3:{SPLIT - 1}") == 4 * SPLIT - 1


# --- input: document lines through the API and the services -------------------------------------


def test_api_document_line_refuses_a_barcode_as_quantity(client_owner, kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    body = {
        "warehouse_id": wh.pk,
        "date": "2026-11-20",
        "reason": "gift",
        "lines": [{"sku_id": sku.pk, "qty": BARCODE, "unit_cost": "1"}],
    }
    status, answer = call(client_owner, "post", "/other-receipts", body, lang="zh-hans")
    assert status == 422, answer
    assert answer["code"] == "value_too_large"
    assert "数值过大" in str(answer), answer


def test_api_document_line_refuses_a_16_digit_unit_cost(client_owner, kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    body = {
        "warehouse_id": wh.pk,
        "date": "2026-11-20",
        "reason": "gift",
        "lines": [{"sku_id": sku.pk, "qty": "1", "unit_cost": "123456.7890123457"}],
    }
    status, answer = call(client_owner, "post", "/other-receipts", body)
    assert status == 422 and answer["code"] == "value_too_large", answer


def test_validation_failure_with_a_too_large_number_has_the_stable_code():
    with translation.override("zh-hans"):
        exc = ValidationFailed({"qty": [size_error(D(BARCODE), QTY_PLACES)]})
    assert exc.code == "value_too_large"
    assert ValidationFailed({"qty": ["Enter a number."]}).code == "validation_failed"
