"""Writes of finance master data: cash and bank accounts."""

from typing import Any

from jxc.core.errors import DuplicateCode
from jxc.core.services import save_audited, set_active
from jxc.finance.models import Account

__all__ = ["set_active"]


def _ensure_code_free(account: Account) -> None:
    # A taken code is DuplicateCode (409), not a generic field error from full_clean.
    if Account.objects.filter(code=account.code).exclude(pk=account.pk).exists():
        raise DuplicateCode(field="code", value=account.code)


def create_account(*, user, **fields: Any) -> Account:
    account = Account(**fields)
    _ensure_code_free(account)
    return save_audited(account, user=user, unique_fields=("code",))


def update_account(account: Account, *, user, **fields: Any) -> Account:
    for k, v in fields.items():
        setattr(account, k, v)
    _ensure_code_free(account)
    return save_audited(account, user=user, unique_fields=("code",))
