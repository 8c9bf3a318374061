"""组装单 / 拆卸单 with a kit definition (BOM)."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.core.errors import InsufficientStock, NoKitDefinition, PermissionDenied, ValidationFailed
from jxc.core.services import update_company
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.assembly_models import Kit
from jxc.inventory.documents.tests.conftest import TODAY, balances, post, receive
from jxc.inventory.models import StockMove
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


@pytest.fixture
def gift_box(stock_world):
    w = stock_world
    return docs.set_kit(
        user=w.owner, sku=w.sku_k, components=[(w.sku_a.pk, D(2)), (w.sku_b.pk, D(1))]
    )


def test_assemble_kits_at_the_components_cost(stock_world, gift_box):
    w = stock_world
    update_company(user=w.owner, price_decimals=4)  # costs to the 0.1 分
    receive(w, w.sku_a, w.zc, 10, "2.5")
    receive(w, w.sku_b, w.zc, 10, "1.333")
    a = docs.create_assembly(
        user=w.keeper, kind="assembly", warehouse=w.zc, date=TODAY, kit_sku=w.sku_k, qty=D(3)
    )
    assert a.number == "ZZD20261120-0001"
    assert [(x.sku_id, x.base_qty) for x in a.lines.all()] == [
        (w.sku_a.pk, D(6)),
        (w.sku_b.pk, D(3)),
    ]
    post(a, w.keeper)
    b = balances()
    out_value = D("15.00") + D("4.00")  # 6 × 2.5 + round(3 × 1.333)
    assert b[(w.sku_k.pk, w.zc.pk)][:2] == (D(3), out_value)
    assert b[(w.sku_a.pk, w.zc.pk)][:2] == (D(4), D("10.00"))
    moves = StockMove.objects.filter(source_kind="assembly", source_id=a.pk)
    assert sum(m.value for m in moves) == 0
    assert_ledger_consistent()


def test_disassemble_shares_the_kit_value(stock_world, gift_box):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "2.5")
    receive(w, w.sku_b, w.zc, 10, "1")
    post(
        docs.create_assembly(
            user=w.owner, kind="assembly", warehouse=w.zc, date=TODAY, kit_sku=w.sku_k, qty=D(2)
        ),
        w.owner,
    )
    before = balances()
    d = docs.create_assembly(
        user=w.owner, kind="disassembly", warehouse=w.zc, date=TODAY, kit_sku=w.sku_k, qty=D(1)
    )
    assert d.number == "CXD20261120-0001"
    post(d, w.owner)
    moves = StockMove.objects.filter(source_kind="disassembly", source_id=d.pk)
    assert sum(m.value for m in moves) == 0
    b = balances()
    assert b[(w.sku_k.pk, w.zc.pk)][:2] == (D(1), D("6.00"))
    assert b[(w.sku_a.pk, w.zc.pk)][0] == before[(w.sku_a.pk, w.zc.pk)][0] + 2
    docs.reverse_document(d, user=w.owner, reason="拆错了", date=TODAY)
    assert balances() == before
    assert_ledger_consistent()


def test_guards(stock_world, gift_box):
    w = stock_world
    with pytest.raises(NoKitDefinition) as exc:
        docs.create_assembly(
            user=w.owner, kind="assembly", warehouse=w.zc, date=TODAY, kit_sku=w.sku_a, qty=D(1)
        )
    assert exc.value.code == "no_kit_definition"
    with pytest.raises(ValidationFailed) as exc2:
        docs.set_kit(user=w.owner, sku=w.sku_k, components=[(w.sku_k.pk, D(1)), (w.sku_a.pk, D(0))])
    assert {"components.0.sku", "components.1.qty"} <= set(exc2.value.errors)
    with pytest.raises(ValidationFailed):
        docs.create_assembly(
            user=w.owner, kind="assembly", warehouse=w.zc, date=TODAY, kit_sku=w.sku_k, qty=D(0)
        )
    with pytest.raises(PermissionDenied):
        docs.create_assembly(
            user=w.sales, kind="assembly", warehouse=w.zc, date=TODAY, kit_sku=w.sku_k, qty=D(1)
        )
    a = docs.create_assembly(
        user=w.owner, kind="assembly", warehouse=w.zc, date=TODAY, kit_sku=w.sku_k, qty=D(1)
    )
    with pytest.raises(InsufficientStock):
        post(a, w.owner)
    a.refresh_from_db()
    assert a.status == "approved"
    a = docs.update_assembly(
        docs.unapprove_document(docs.unapprove_document(a, user=w.owner), user=w.owner),
        user=w.owner,
        qty=D(4),
    )
    assert [x.base_qty for x in a.lines.all()] == [D(8), D(4)]
    a = docs.update_assembly(a, user=w.owner, lines=[LineInput(sku=w.sku_a.pk, qty=D(1))])
    assert a.lines.count() == 1


def test_kit_definition_is_replaced_and_audited(stock_world, gift_box):
    w = stock_world
    kit = docs.set_kit(user=w.owner, sku=w.sku_k, components=[(w.sku_b.pk, D(3))])
    assert Kit.objects.count() == 1
    assert list(kit.components.values_list("sku_id", "qty")) == [(w.sku_b.pk, D(3))]


def test_line_checks_follow_the_kind_a_batch_comes_in_named(stock_world):
    """组装 takes a batch-tracked component out 先到期先出 (no batch needed); 拆卸 brings it
    back in, so its batch must be named — the platform checks each row by its kind."""
    w = stock_world
    docs.set_kit(user=w.owner, sku=w.sku_k, components=[(w.sku_c.pk, D(1))])
    made = {"warehouse": w.zc, "date": TODAY, "kit_sku": w.sku_k, "qty": D(1)}
    a = docs.create_assembly(user=w.owner, kind="assembly", **made)
    assert a.number.startswith("ZZD") and a.lines.get().batch_number == ""
    with pytest.raises(ValidationFailed) as exc:
        docs.create_assembly(user=w.owner, kind="disassembly", **made)
    assert "lines.0.batch_number" in exc.value.errors
    d = docs.create_assembly(
        user=w.owner,
        kind="disassembly",
        lines=[LineInput(sku=w.sku_c.pk, qty=D(1), batch_number="L1")],
        **made,
    )
    assert d.number.startswith("CXD") and d.ref().kind == "disassembly"
    with pytest.raises(ValidationFailed) as exc:
        docs.update_assembly(d, user=w.owner, lines=[LineInput(sku=w.sku_c.pk, qty=D(2))])
    assert "lines.0.batch_number" in exc.value.errors


def test_a_draft_keeps_its_kind_and_its_kit_bin_is_of_its_warehouse(stock_world, gift_box):
    w = stock_world
    from jxc.inventory import services as inventory

    other = inventory.create_bin(user=w.owner, warehouse=w.md, code="A-01")
    made = {"warehouse": w.zc, "date": TODAY, "kit_sku": w.sku_k, "qty": D(1)}
    with pytest.raises(ValidationFailed) as exc:
        docs.create_assembly(user=w.owner, kit_bin=other, **made)
    assert set(exc.value.errors) == {"kit_bin"}
    a = docs.create_assembly(user=w.owner, **made)
    assert a.kind == "assembly"
    with pytest.raises(ValidationFailed) as exc:
        docs.update_assembly(a, user=w.owner, kind="disassembly")
    assert set(exc.value.errors) == {"kind"}
    a = docs.update_assembly(a, user=w.owner, kit_batch_number=" K1 ", memo="礼盒")
    a.refresh_from_db()
    assert (a.kind, a.kit_batch_number, a.memo, a.lines.count()) == ("assembly", "K1", "礼盒", 2)
