"""资金账户: create, update, deactivate, guards."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.core.errors import DuplicateCode, ValidationFailed
from jxc.core.models import AuditLog
from jxc.finance import selectors, services
from jxc.finance.models import Account

pytestmark = pytest.mark.django_db


def _audit(obj):
    return AuditLog.objects.filter(object_type="finance.account", object_id=str(obj.pk))


@pytest.mark.parametrize("kind", ["cash", "bank", "wechat", "alipay"])
def test_create_each_kind(md_owner, kind):
    a = services.create_account(
        user=md_owner,
        code=f"A-{kind}",
        name=kind,
        kind=kind,
        opening_balance=Decimal("1234.56"),
        opening_date=dt.date(2026, 1, 1),
    )
    a.refresh_from_db()
    assert a.kind == kind and a.opening_balance == Decimal("1234.56")
    assert _audit(a).get().action == "create"


def test_duplicate_code_saves_nothing(md_owner):
    services.create_account(user=md_owner, code="XJ01", name="现金")
    with pytest.raises(DuplicateCode) as exc:
        services.create_account(user=md_owner, code="XJ01", name="另一个")
    assert exc.value.code == "duplicate_code"
    assert Account.objects.count() == 1


def test_duplicate_code_on_update(md_owner):
    services.create_account(user=md_owner, code="XJ01", name="现金")
    b = services.create_account(user=md_owner, code="YH01", name="银行", kind="bank")
    with pytest.raises(DuplicateCode):
        services.update_account(b, user=md_owner, code="XJ01")
    assert Account.objects.filter(code="YH01").exists()


def test_bad_code_and_unknown_kind_are_field_errors(md_owner):
    with pytest.raises(ValidationFailed) as exc:
        services.create_account(user=md_owner, code="现金 1", name="x", kind="gold")
    assert {"code", "kind"} <= set(exc.value.errors)
    assert not Account.objects.exists()


def test_opening_balance_has_two_places(md_owner):
    with pytest.raises(ValidationFailed) as exc:
        services.create_account(
            user=md_owner, code="XJ01", name="现金", opening_balance=Decimal("1.234")
        )
    assert "opening_balance" in exc.value.errors


def test_update_audits_from_to_and_deactivate_keeps_row(md_owner):
    a = services.create_account(
        user=md_owner, code="XJ01", name="现金", opening_balance=Decimal("10.00")
    )
    services.update_account(a, user=md_owner, opening_balance=Decimal("20.50"))
    change = _audit(a).get(action="update").changes["opening_balance"]
    assert [Decimal(v) for v in change] == [Decimal(10), Decimal("20.50")]
    services.set_active(a, active=False, user=md_owner)
    a.refresh_from_db()
    assert not a.is_active
    assert _audit(a).filter(action="deactivate").exists()


def test_search_accounts(md_owner):
    a = services.create_account(user=md_owner, code="WX01", name="微信收款", kind="wechat")
    services.create_account(user=md_owner, code="XJ01", name="现金")
    assert list(selectors.search_accounts("WX")) == [a]


@pytest.mark.django_db
def test_decimal_changes_are_audited_as_stored(owner):
    """A value typed as 1.5 and stored as 1.500000 is no change when saved again."""
    from jxc.core.selectors import audit_trail
    from jxc.core.services import save_audited
    from jxc.finance.models import Account

    account = save_audited(
        Account(code="QA1", name="备用金", kind="cash", opening_balance=Decimal("12.5")),
        user=owner,
    )
    account.refresh_from_db()
    account.opening_balance = Decimal("12.50")
    save_audited(account, user=owner)
    assert len(audit_trail(account)) == 1
