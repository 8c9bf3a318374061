from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "jxc.approvals"
    label = "approvals"
    verbose_name = _("Approvals and notifications")

    def ready(self):
        from jxc.approvals.services import RulePolicy
        from jxc.core.documents.approval import install
        from jxc.core.permissions import register_resource

        # 审批规则, 预警规则, webhooks and robots, the delivery log.
        register_resource("approval", _("Approval rules and notifications"))
        # Every declared document's 提交 / 审核 / 驳回 / 撤回 / 反审核 asks this policy.
        install(RulePolicy())
