from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetailConfig(AppConfig):
    name = "jxc.retail"
    label = "retail"
    verbose_name = _("Counter sales")

    def ready(self):
        from jxc.core.permissions import register_resource

        register_resource("retail_sale", _("Counter sales"))
