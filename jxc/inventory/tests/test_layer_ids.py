"""Cost layer ids may come back on SQLite (no AUTOINCREMENT, inventory 0021; docs/ledger.md,
ninth pass "fifoout"): re-costing deletes the layers of the moves it replays and makes them
again, so the id of a deleted layer can be given to another one. Every use of a deleted layer
belongs to a later move of its pool, replayed by the same run: the uses are written again
against the new layers, none is left naming an id that now stands for another layer."""

import pytest
from django.db import connection

from jxc.inventory.choices import MoveReason as R
from jxc.inventory.layer_models import CostLayer, LayerUse
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def test_a_replay_that_gives_a_deleted_layers_id_to_another_keeps_every_use_on_its_own(kit):
    kit.company(costing_method="fifo", cost_scope="warehouse")
    sku = kit.sku("LI1", price="1")
    wh = kit.warehouse("LIW1")
    (opening,) = kit.post([kit.line(sku, wh, "2", R.OPENING, day=5, unit_cost="10")])
    (receipt,) = kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, day=5, unit_cost="20")])
    (issue,) = kit.post([kit.line(sku, wh, "-4", R.SALES_DELIVERY, day=5)])
    opening_layer = CostLayer.objects.get(move_id=opening.pk).pk
    # backdated before all three: their layers are deleted and made again after its own, the
    # issue's uses written again
    (early,) = kit.post([kit.line(sku, wh, "1", R.PURCHASE_RECEIPT, day=3, unit_cost="16")])
    by_move = {x.move_id: x for x in CostLayer.objects.all()}
    if connection.vendor == "sqlite":  # the opening's old id now names the early receipt's
        assert by_move[early.pk].pk == opening_layer
    uses = [
        (u.layer.move_id, u.qty)
        for u in LayerUse.objects.filter(move_id=issue.pk).select_related("layer").order_by("id")
    ]
    # oldest first: the early receipt's 1, the opening's 2, one of the receipt's 3
    assert uses == [(early.pk, 1), (opening.pk, 2), (receipt.pk, 1)]
    issue.refresh_from_db()
    assert issue.value == -(16 + 2 * 10 + 20)
    assert by_move[receipt.pk].remaining == 2
    assert_ledger_consistent()
