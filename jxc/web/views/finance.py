"""财务: cash, bank, WeChat and Alipay accounts; 对账单 and 账龄 of both books."""

from django import forms
from django.utils.translation import gettext_lazy

from jxc.finance import services
from jxc.finance.filters import AccountFilterSet
from jxc.finance.models import Account
from jxc.partners.models import Customer, Supplier
from jxc.web.generic import Column, Screen, ServiceForm
from jxc.web.views.party_books import PartyBook


class AccountForm(ServiceForm):
    class Meta:
        model = Account
        fields = [
            "code",
            "name",
            "kind",
            "bank_name",
            "account_number",
            "opening_balance",
            "opening_date",
        ]
        widgets = {"opening_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AccountScreen(Screen):
    model = Account
    resource = "account"
    path = "finance/accounts"
    columns = [
        Column("code", link=True),
        Column("name", link=True),
        Column("kind"),
        Column("bank_name"),
        Column("account_number"),
        Column("opening_balance"),
        Column("opening_date"),
        Column("is_active"),
    ]
    filterset_class = AccountFilterSet
    form_class = AccountForm
    create_service = services.create_account
    update_service = services.update_account


# 应付: 供应商对账单 and 应付账龄; 应收: 客户对账单 and 应收账龄 — the same pages over each book
PAYABLES = PartyBook(
    side="payable",
    code="payables",
    partner_model=Supplier,
    resource="payables",
    statement_title=gettext_lazy("Supplier statement"),
    aging_title=gettext_lazy("Payables aging"),
    partner_label=gettext_lazy("Supplier"),
    increase_label=gettext_lazy("Payable raised"),
    decrease_label=gettext_lazy("Paid or returned"),
    credit_label=gettext_lazy("Unapplied prepayments and returns"),
)
RECEIVABLES = PartyBook(
    side="receivable",
    code="receivables",
    partner_model=Customer,
    resource="receivables",
    statement_title=gettext_lazy("Customer statement"),
    aging_title=gettext_lazy("Receivables aging"),
    partner_label=gettext_lazy("Customer"),
    increase_label=gettext_lazy("Receivable raised"),
    decrease_label=gettext_lazy("Received or returned"),
    credit_label=gettext_lazy("Unapplied advances and returns"),
)

SCREENS = [AccountScreen()]
urlpatterns = [*(u for s in SCREENS for u in s.urls()), *PAYABLES.urls(), *RECEIVABLES.urls()]
