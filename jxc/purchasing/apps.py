from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "jxc.purchasing"
    label = "purchasing"
    verbose_name = _("Purchasing")

    def ready(self):
        from jxc.core.permissions import register_resource
        from jxc.purchasing.choices import (
            LANDED_COST,
            PURCHASE_INVOICE,
            PURCHASE_ORDER,
            PURCHASE_RECEIPT,
            PURCHASE_REQUISITION,
            PURCHASE_RETURN,
        )

        register_resource("purchase_price", _("Supplier price list"))
        # 发送给供应商 (e-mail with the PDF): purchase_order.email
        from jxc.core.permissions import ACTIONS

        ACTIONS.setdefault("email", _("E-mail"))
        PURCHASE_ORDER.register()
        PURCHASE_RECEIPT.register()
        PURCHASE_RETURN.register()
        LANDED_COST.register()
        PURCHASE_REQUISITION.register()
        PURCHASE_INVOICE.register()

        # [Approvals]: a rule's amount is the order's (receipt's) 价税合计; receipts made from
        # an order (drafts too) block its 反审核.
        from jxc.approvals.facts import register_facts
        from jxc.approvals.services import register_downstream
        from jxc.purchasing.selectors import receipts_of_order

        register_facts("purchase_order", lambda doc: {"amount": doc.total_amount})
        register_facts("purchase_receipt", lambda doc: {"amount": doc.total_amount})
        register_facts("purchase_return", lambda doc: {"amount": doc.total_amount})
        register_facts("landed_cost", lambda doc: {"amount": doc.total_amount})
        register_downstream("purchase_order", receipts_of_order)

        from jxc.purchasing.requisitions import orders_of, requisition_amount

        register_downstream("purchase_requisition", orders_of)
        register_facts("purchase_requisition", lambda doc: {"amount": requisition_amount(doc)})
        register_facts("purchase_invoice", lambda doc: {"amount": doc.total_amount})

        # 预警: an order line past its promised date, a receipt rejecting too much at QC
        from jxc.purchasing import alert_sources

        alert_sources.register()
