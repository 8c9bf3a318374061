from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "jxc.purchasing"
    label = "purchasing"
    verbose_name = _("Purchasing")

    def ready(self):
        from jxc.core.permissions import register_resource
        from jxc.purchasing.choices import PURCHASE_ORDER, PURCHASE_RECEIPT

        register_resource("purchase_price", _("Supplier price list"))
        PURCHASE_ORDER.register()
        PURCHASE_RECEIPT.register()
