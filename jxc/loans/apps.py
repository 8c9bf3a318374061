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
