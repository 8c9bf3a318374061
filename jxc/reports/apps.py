from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "jxc.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from jxc.core.permissions import register_resource

        register_resource("stock", _("Stock (on hand, ledger, alerts)"))
        register_resource("report", _("Reports"))
        register_resource("period", _("Period close"))

        # 预警规则: the stock breaches the scheduled alert scan raises (jxc.approvals.alerts).
        from jxc.reports import alert_sources

        alert_sources.register()
