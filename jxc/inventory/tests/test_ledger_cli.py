"""`jxc check` reports ledger differences and exits non-zero; `jxc rebuild-balances` repairs
the projections from the ledger and says what it changed."""

from decimal import Decimal as D

import pytest

from jxc.cli import main
from jxc.inventory.models import CostPool, StockBalance

pytestmark = pytest.mark.django_db


def test_check_and_rebuild(kit, capsys):
    kit.company(cost_scope="warehouse")
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "10", "10")
    kit.issue(sku, wh, "4", day=2)
    assert main(["check"]) == 0
    assert "stock ledger" in capsys.readouterr().out
    StockBalance.objects.filter(sku=sku).update(on_hand=D(7), value=D("1.00"))
    CostPool.objects.filter(sku=sku).update(value=D("61.00"))
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "on_hand 7.000000 != moves 6.000000" in err and "pool" in err
    assert main(["rebuild-balances", "--dry-run"]) == 0
    assert "would change 2 row(s)" in capsys.readouterr().out
    assert main(["rebuild-balances"]) == 0
    out = capsys.readouterr().out
    assert "changed 2 row(s)" in out
    assert main(["check"]) == 0
    b = StockBalance.objects.get(sku=sku)
    assert (b.on_hand, b.value) == (D(6), D("60.00"))
