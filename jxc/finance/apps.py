from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "jxc.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self):
        from jxc.core.permissions import register_resource
        from jxc.finance.choices import CUSTOMER_PAYMENT, SUPPLIER_PAYMENT

        register_resource("account", _("Cash and bank accounts"))
        # the books' statements and aging (对账单, 账龄): view, export
        register_resource("payables", _("Payables (statements and aging)"))
        register_resource("receivables", _("Receivables (statements and aging)"))
        SUPPLIER_PAYMENT.register()
        CUSTOMER_PAYMENT.register()
