from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "jxc.imports"
    label = "imports"
    verbose_name = _("Imports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from jxc.core.permissions import register_resource

        register_resource("opening_balance", _("Opening receivables and payables"))
