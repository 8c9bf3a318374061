from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoansConfig(AppConfig):
    name = "jxc.loans"
    label = "loans"
    verbose_name = _("Loans of goods")

    def ready(self):
        from jxc.loans.choices import LOAN_IN, LOAN_OUT

        LOAN_OUT.register()
        LOAN_IN.register()

        # 借出单 above an amount (at cost) may need approval (jxc.approvals.facts).
        from jxc.approvals.facts import register_facts
        from jxc.inventory.documents.approval_facts import issue_facts

        register_facts("loan_out", issue_facts)
