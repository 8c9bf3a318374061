from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "jxc.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from jxc.core.permissions import register_resource

        register_resource("supplier", _("Suppliers"))
        register_resource("customer", _("Customers"))
