from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "jxc.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def import_models(self):
        # The FIFO layers, the month-end snapshots and the warehouse documents' tables live in their own
        # modules but belong to this app: load them with the ledger's tables (the ledger itself
        # never imports the documents).
        super().import_models()
        from jxc.inventory import layer_models as _layers  # noqa: F401
        from jxc.inventory import snapshot_models as _snapshots  # noqa: F401
        from jxc.inventory.documents import assembly_models as _assembly  # noqa: F401
        from jxc.inventory.documents import models as _documents  # noqa: F401

    def ready(self):
        from jxc.core.permissions import register_resource

        register_resource("warehouse", _("Warehouses"))
        register_resource("bin", _("Bins"))

        # 月结: the stock step of the period close (checks, settlement, snapshots).
        from jxc.inventory import period_close

        period_close.register()

        # 成本核算方法 / 成本池: fixed in 公司设置 once a stock move exists (docs/adr/0003).
        from jxc.core.selectors import register_posting_probe
        from jxc.inventory.models import StockMove

        register_posting_probe(StockMove.objects.exists)

        # 仓库单据: permissions, document types and number prefixes.
        from jxc.inventory.documents import apps_setup

        apps_setup.register()

        # What the approval rules read from an issue and a count (jxc.approvals.facts).
        from jxc.inventory.documents import approval_facts

        approval_facts.register()
