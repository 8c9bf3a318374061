"""The invariants held by the database itself (issue 11 §1), whatever code writes the rows:
a move is reversed at most once; document and line quantities are above zero; a transfer line
never takes back more than it shipped; states and codes hold only their choices."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from jxc.api.tests.conftest import call
from jxc.core.models import Company
from jxc.core.selectors import company
from jxc.inventory.documents.models import StockDocument, StockDocumentLine, Transfer, TransferLine
from jxc.inventory.models import CostPool, StockMove, Warehouse

pytestmark = pytest.mark.django_db


def _refused(queryset_or_fn, **update):
    with pytest.raises(IntegrityError), transaction.atomic():
        if update:
            queryset_or_fn.update(**update)
        else:
            queryset_or_fn()


def test_a_move_is_reversed_at_most_once(kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    move = kit.receive(sku, wh, "5", "2")
    kit.reverse(move)
    reversal = StockMove.objects.get(reverses=move)
    twin = StockMove.objects.get(pk=reversal.pk)
    twin.pk = None
    _refused(twin.save)
    assert StockMove.objects.filter(reverses=move).count() == 1


def test_move_reason_pool_method_and_warehouse_kind_hold_their_choices(kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    move = kit.receive(sku, wh, "5", "2")
    _refused(StockMove.objects.filter(pk=move.pk), reason="bogus")
    _refused(CostPool.objects.filter(pk=move.pool_id), method="lifo")
    _refused(Warehouse.objects.filter(pk=wh.pk), kind="castle")


def test_company_costing_settings_hold_their_choices():
    pk = company().pk
    _refused(Company.objects.filter(pk=pk), costing_method="lifo")
    _refused(Company.objects.filter(pk=pk), cost_scope="galaxy")


def _receipt(client, kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    body = {
        "warehouse_id": wh.pk,
        "date": "2026-11-20",
        "reason": "gift",
        "lines": [{"sku_id": sku.pk, "qty": "3", "unit_cost": "1"}],
    }
    status, doc = call(client, "post", "/other-receipts", body)
    assert status == 201, doc
    return StockDocument.objects.get(pk=doc["id"]), sku, wh


def test_document_lines_need_a_quantity_above_zero(client_owner, kit):
    doc, _sku, _wh = _receipt(client_owner, kit)
    lines = StockDocumentLine.objects.filter(document=doc)
    _refused(lines, qty=D(0), base_qty=D(0), price=None)
    _refused(lines, qty=D(-1), base_qty=D(-1))
    _refused(lines, base_qty=D(0))
    # a cost adjustment's line: quantity 0 with a new unit cost is what it is
    lines.update(qty=D(0), base_qty=D(0), price=D("2"))


def test_document_status_kind_and_reason_hold_their_choices(client_owner, kit):
    doc, _sku, _wh = _receipt(client_owner, kit)
    docs = StockDocument.objects.filter(pk=doc.pk)
    _refused(docs, status="posted-ish")
    _refused(docs, kind="gift_box")
    _refused(docs, reason="because")


def test_transfer_line_never_takes_back_more_than_it_shipped(client_owner, kit):
    sku, src, dst = kit.sku("A", price="1"), kit.warehouse("W1"), kit.warehouse("W2")
    kit.receive(sku, src, "10", "2")
    body = {
        "from_warehouse_id": src.pk,
        "to_warehouse_id": dst.pk,
        "date": "2026-11-20",
        "lines": [{"sku_id": sku.pk, "qty": "3"}],
    }
    status, doc = call(client_owner, "post", "/transfers", body)
    assert status == 201, doc
    lines = TransferLine.objects.filter(transfer_id=doc["id"])
    lines.update(qty=D("0.3"), base_qty=D("0.3"))  # as if the SKU were counted by weight
    _refused(lines, received_qty=D("0.3"), returned_qty=D("0.000001"))
    _refused(lines, received_qty=D("0.2"), lost_qty=D("0.2"))
    _refused(lines, qty=D(0), base_qty=D(0))
    _refused(Transfer.objects.filter(pk=doc["id"]), status="lost")
    # exactly what was shipped, in parts that SQLite adds as REAL (0.1 + 0.2 > 0.3 there)
    lines.update(received_qty=D("0.1"), returned_qty=D("0.2"), lost_qty=D(0))
    assert lines.get().open_qty == 0


def test_master_data_codes_hold_their_choices(kit, owner):
    from jxc.catalog.models import Product
    from jxc.finance.models import Account
    from jxc.partners import services as partners
    from jxc.partners.models import Customer

    sku = kit.sku("A")
    _refused(Product.objects.filter(pk=sku.product_id), tracking="magic")
    customer = partners.create_customer(user=owner, code="C1", name="客户")
    _refused(Customer.objects.filter(pk=customer.pk), tier="gold")
    _refused(Customer.objects.filter(pk=customer.pk), price_level="free")
    account = Account.objects.create(code="A1", name="现金")
    _refused(Account.objects.filter(pk=account.pk), kind="bitcoin")


def _index_definitions(table: str) -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                [table],
            )
        else:
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return {name: sql or "" for name, sql in cur.fetchall()}


def test_move_links_null_on_almost_every_move_are_indexed_only_where_set():
    """batch, origin and reverses are NULL on almost every move: a full index on them cost
    every posting an index entry per move (and on SQLite a page written) for nothing. Each is
    indexed once, only where set (reverses by the unique index that refuses a second 红冲)."""
    from django.db import connection

    table = StockMove._meta.db_table
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, table)
    single = {
        column: sorted(
            name for name, c in constraints.items() if c["index"] and c["columns"] == [column]
        )
        for column in ("batch_id", "origin_id", "reverses_id")
    }
    assert single == {
        "batch_id": ["move_batch_idx"],
        "origin_id": ["move_origin_idx"],
        "reverses_id": ["move_reversed_once"],
    }
    definitions = _index_definitions(table)
    for name in ("move_batch_idx", "move_origin_idx", "move_reversed_once"):
        assert "IS NOT NULL" in definitions[name].upper(), definitions[name]
