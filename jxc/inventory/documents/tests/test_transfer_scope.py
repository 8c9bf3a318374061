"""调拨单 across data scopes: the sending side (a holder of the source) drafts, submits,
approves, ships, settles and 红冲s a two-step transfer to any warehouse of ours; the
receiving side's keeper (a holder of the target) sees it and receives it (调入), nothing
else; a one-step transfer moves into the target at once, so it needs both warehouses.

总仓 ZC and 门店仓 MD share a site (杭州); 北京仓 BJ is elsewhere."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.core.errors import PermissionDenied, ValidationFailed
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import Transfer
from jxc.inventory.documents.selectors import documents_for
from jxc.inventory.documents.tests.conftest import TODAY, balances, post, receive
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


@pytest.fixture
def keepers(stock_world, user_factory):
    """ZC's keeper (``w.keeper``) and BJ's (``w.bj_keeper``), each holding theirs alone."""
    w = stock_world
    w.bj_keeper = user_factory(roles=["keeper"], username="bj-keeper")
    inventory.set_user_warehouses(user=w.owner, target=w.keeper, warehouses=[w.zc])
    inventory.set_user_warehouses(user=w.owner, target=w.bj_keeper, warehouses=[w.bj])
    receive(w, w.sku_a, w.zc, 10, "3")
    return w


def draft(w, *, user, src, dst, qty=4, one_step=False):
    return docs.create_transfer(
        user=user,
        from_warehouse=src,
        to_warehouse=dst,
        date=TODAY,
        one_step=one_step,
        lines=[LineInput(sku=w.sku_a.pk, qty=D(qty))],
    )


def test_the_source_keeper_drafts_and_ships_to_a_warehouse_they_do_not_hold(keepers):
    w = keepers
    with pytest.raises(PermissionDenied):  # the source must be theirs
        draft(w, user=w.keeper, src=w.bj, dst=w.zc)
    with pytest.raises(ValidationFailed) as exc:  # any warehouse of ours, not a lent-out one
        draft(w, user=w.keeper, src=w.zc, dst=inventory.lent_location(w.bj))
    assert "warehouse" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:  # nor the source
        draft(w, user=w.keeper, src=w.zc, dst=w.zc)
    assert "to_warehouse" in exc.value.errors
    t = draft(w, user=w.keeper, src=w.zc, dst=w.bj)
    t = docs.update_transfer(
        t, user=w.keeper, memo="补货北京", lines=[LineInput(sku=w.sku_a.pk, qty=D(6))]
    )
    t = post(t, w.keeper)
    assert t.status == "posted" and t.memo == "补货北京"
    b = balances()
    assert b[(w.sku_a.pk, w.zc.pk)][:2] == (D(4), D("12.00"))
    assert b[(w.sku_a.pk, w.bj.pk)] == (D(0), D(0), D(6))  # 在途 at the target
    with pytest.raises(PermissionDenied):  # 调入 is the receiver's
        docs.receive_transfer(t, user=w.keeper, date=TODAY)
    assert_ledger_consistent()


def test_the_target_keeper_sees_and_receives_it_and_takes_no_other_step(keepers):
    w = keepers
    t = draft(w, user=w.keeper, src=w.zc, dst=w.bj, qty=5)
    assert documents_for(w.bj_keeper, Transfer).filter(pk=t.pk).exists()
    with pytest.raises(PermissionDenied):
        docs.update_transfer(t, user=w.bj_keeper, memo="改")
    for step in (docs.submit_document, docs.approve_document):
        with pytest.raises(PermissionDenied):
            step(t, user=w.bj_keeper)
        t = step(t, user=w.keeper)
    with pytest.raises(PermissionDenied):
        docs.post_document(t, user=w.bj_keeper)
    t = docs.post_document(t, user=w.keeper)
    line = t.lines.get()
    t = docs.receive_transfer(t, user=w.bj_keeper, quantities={line.pk: D(3)}, date=TODAY)
    assert balances()[(w.sku_a.pk, w.bj.pk)] == (D(3), D("9.00"), D(2))
    with pytest.raises(PermissionDenied):  # what never arrived goes back to the source
        docs.close_transfer(t, user=w.bj_keeper, difference="return", reason="少到")
    with pytest.raises(PermissionDenied):
        docs.reverse_document(t, user=w.bj_keeper, reason="调错")
    t = docs.close_transfer(t, user=w.keeper, difference="return", reason="少到")
    assert t.status == "done"
    assert balances()[(w.sku_a.pk, w.zc.pk)][:2] == (D(7), D("21.00"))
    t = docs.reverse_document(t, user=w.keeper, reason="调错")
    assert t.status == "reversed"
    assert balances()[(w.sku_a.pk, w.zc.pk)][:2] == (D(10), D("30.00"))
    assert_ledger_consistent()


def test_a_draft_changes_only_in_the_hands_of_a_holder_of_its_saved_source(keepers):
    w = keepers
    inventory.set_user_warehouses(user=w.owner, target=w.keeper, warehouses=[w.zc, w.bj])
    t = draft(w, user=w.owner, src=w.md, dst=w.zc)  # seen by ZC's keeper: it comes to ZC
    with pytest.raises(PermissionDenied):  # not theirs to change, even to a source of theirs
        docs.update_transfer(t, user=w.keeper, from_warehouse=w.zc, to_warehouse=w.bj)
    assert Transfer.objects.get(pk=t.pk).from_warehouse_id == w.md.pk


def test_a_one_step_transfer_needs_both_warehouses(keepers):
    w = keepers
    with pytest.raises(PermissionDenied):  # MD is of ZC's site but not the keeper's
        draft(w, user=w.keeper, src=w.zc, dst=w.md, one_step=True)
    made = draft(w, user=w.owner, src=w.zc, dst=w.md, one_step=True)
    with pytest.raises(PermissionDenied):
        docs.submit_document(made, user=w.keeper)
    two_step = draft(w, user=w.keeper, src=w.zc, dst=w.md)  # two steps: the source is enough
    with pytest.raises(PermissionDenied):
        docs.update_transfer(two_step, user=w.keeper, one_step=True)
    inventory.set_user_warehouses(user=w.owner, target=w.keeper, warehouses=[w.zc, w.md])
    t = post(draft(w, user=w.keeper, src=w.zc, dst=w.md, one_step=True), w.keeper)
    assert t.status == "done"
    assert balances()[(w.sku_a.pk, w.md.pk)] == (D(4), D("12.00"), D(0))


def test_a_user_holding_neither_warehouse_sees_nothing_of_it(keepers, user_factory):
    w = keepers
    other = user_factory(roles=["keeper"], username="md-keeper")
    inventory.set_user_warehouses(user=w.owner, target=other, warehouses=[w.md])
    t = draft(w, user=w.keeper, src=w.zc, dst=w.bj)
    assert not documents_for(other, Transfer).filter(pk=t.pk).exists()
