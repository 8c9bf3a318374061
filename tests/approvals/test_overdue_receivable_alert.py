"""逾期应收 as an alert kind: a customer with a delivery open past its due date shows in the
to-do inbox of the rule's users once; paid, the alert clears; not yet due, nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jxc.approvals import alerts, configuration, selectors
from jxc.core.documents.models import SourceRef
from jxc.finance.party_ledger import record_party_entries
from jxc.finance.payments import record_customer_payment
from jxc.finance.rules import PartyLine

pytestmark = pytest.mark.django_db


def test_overdue_receivable_raised_in_the_inbox_and_cleared_when_paid(owner, user_factory):
    from jxc.finance.services import create_account
    from jxc.partners.services import create_customer

    today = timezone.localdate()
    late = create_customer(user=owner, code="C1", name="迟付客户")
    fine = create_customer(user=owner, code="C2", name="守时客户")
    for n, (who, due) in enumerate(((late, today - dt.timedelta(days=5)), (fine, today)), 1):
        record_party_entries(
            [PartyLine(side="receivable", partner_id=who.pk, amount=Decimal("88.00"),
                       date=today - dt.timedelta(days=20), due_date=due)],
            source=SourceRef("sales_delivery", n, f"XSCK-{n}"),
            user=owner,
        )  # fmt: skip
    finance = user_factory(roles=["finance"])
    configuration.save_alert_rule(
        user=owner, name="逾期应收", kind="overdue_receivable", notify_users=[finance]
    )
    assert alerts.scan()["raised"] == 1
    [alert] = selectors.alerts_for(finance)
    assert (
        "迟付客户" in alert.title
        and "88.00" in alert.title
        and alert.url.endswith(f"?partner={late.pk}")
    )
    assert alerts.scan()["raised"] == 0  # once per breach
    cash = create_account(user=owner, code="XJ", name="现金")
    record_customer_payment(
        user=owner, customer=late, account=cash, amount=Decimal("88"), date=today
    )
    assert alerts.scan()["resolved"] == 1
    assert not selectors.alerts_for(finance).exists()
