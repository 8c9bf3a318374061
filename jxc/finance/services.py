"""Writes of finance master data: cash and bank accounts."""

from typing import Any

from jxc.core.services import save_audited, set_active
from jxc.finance.models import Account

__all__ = ["set_active"]


def create_account(*, user, **fields: Any) -> Account:
    return save_audited(Account(**fields), user=user, unique_fields=("code",))


def update_account(account: Account, *, user, **fields: Any) -> Account:
    for k, v in fields.items():
        setattr(account, k, v)
    return save_audited(account, user=user, unique_fields=("code",))
