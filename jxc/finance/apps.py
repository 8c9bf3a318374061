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
        SUPPLIER_PAYMENT.register()
        CUSTOMER_PAYMENT.register()
