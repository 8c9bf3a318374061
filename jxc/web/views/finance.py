"""财务: cash, bank, WeChat and Alipay accounts."""

from django import forms

from jxc.finance import services
from jxc.finance.filters import AccountFilterSet
from jxc.finance.models import Account
from jxc.web.generic import Column, Screen, ServiceForm


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


SCREENS = [AccountScreen()]
urlpatterns = [u for s in SCREENS for u in s.urls()]
