"""`jxc check` runs the party ledger's self-check and fails on a tampered balance."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.cli import checks
from jxc.core.documents.models import SourceRef
from jxc.finance.models import PartyBalance
from jxc.finance.party_ledger import record_party_entries
from jxc.finance.rules import PartyLine

pytestmark = pytest.mark.django_db


def test_jxc_check_proves_the_party_ledger(owner, capsys):
    from jxc.partners.services import create_supplier

    s = create_supplier(user=owner, code="S1", name="供应商一")
    line = PartyLine(
        side="payable", partner_id=s.pk, amount=Decimal("10"), date=dt.date(2026, 3, 1)
    )
    record_party_entries([line], source=SourceRef("t", 1, "T-1"), user=owner)
    assert checks.run_all() == 0
    out = capsys.readouterr().out
    assert "party ledger: balances = Σ entries = open items" in out and "sides: ok\n" in out
    PartyBalance.objects.filter(supplier=s).update(balance=Decimal("11"))
    assert checks.run_all() == 1
    assert "balance payable supplier" in capsys.readouterr().err
