from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "jxc.catalog"
    label = "catalog"
    verbose_name = _("Products")

    def ready(self):
        from jxc.core.permissions import register_resource

        for code, label in (
            ("product", _("Products")),
            ("unit", _("Units")),
            ("category", _("Categories")),
            ("brand", _("Brands")),
        ):
            register_resource(code, label)
