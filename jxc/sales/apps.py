from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "jxc.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self):
        from jxc.core.permissions import register_resource
        from jxc.sales.choices import DOCUMENT_TYPES

        register_resource("sales_price", _("Customer prices"))
        register_resource("credit", _("Credit limit"))
        register_resource("min_price", _("Lowest sale price"))
        for declared in DOCUMENT_TYPES:
            declared.register()

        # [Approvals]: an order's facts (amount, discount, margin, credit, tier); documents
        # made from an order or a delivery block its 反审核.
        from jxc.approvals.facts import register_facts
        from jxc.approvals.services import register_downstream
        from jxc.sales import orders, selectors

        register_facts("sales_order", orders.order_facts)
        register_facts("quotation", lambda doc: {"amount": doc.total_amount})
        register_facts("sales_delivery", lambda doc: {"amount": doc.total_amount})
        register_facts("sales_return", lambda doc: {"amount": doc.total_amount})
        register_downstream("sales_order", selectors.order_downstream)
        register_downstream("sales_delivery", selectors.delivery_downstream)

        from jxc.sales import alert_sources

        alert_sources.register()
