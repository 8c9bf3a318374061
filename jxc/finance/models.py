"""资金账户: cash, bank, WeChat and Alipay accounts with their opening balance."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, choices_check
from jxc.core.validators import code_validator
from jxc.finance.choices import AccountKind


class Account(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(
        _("type"), max_length=10, choices=AccountKind.choices, default=AccountKind.CASH
    )
    bank_name = models.CharField(_("bank"), max_length=80, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    opening_balance = MoneyField(_("opening balance"))
    opening_date = models.DateField(_("opening date"), default=dt.date.today)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [choices_check("kind", AccountKind.values, name="account_kind_valid")]

    def __str__(self) -> str:
        return self.name
