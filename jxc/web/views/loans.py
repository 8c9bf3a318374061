"""借出单 / 借入单 screens, from their declarations (jxc.web.generic.documents): list with
filters and export, detail with the lines and the user's workflow buttons, the draft's form
with the line grid, print; plus 归还 on a posted loan and the list of what is still out.

URLs: /inventory/loans-out/ (+ outstanding/), /inventory/loans-in/ (+ outstanding/).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.inventory import selectors as stock_selectors
from jxc.inventory.choices import WarehouseKind
from jxc.loans import selectors, services
from jxc.loans.models import LoanIn, LoanOut
from jxc.web.generic.documents import PLAIN_ACTIONS, DocumentScreen
from jxc.web.generic.steps import DetailStep


class LoanScreen(DocumentScreen):
    steps = (
        DetailStep(
            action="return",
            title=gettext_lazy("Return"),
            template="web/loans/_partials/loan_return.html",
            run=lambda loan, user, form: services.return_loan(
                loan, user=user, quantities=form.quantities(), date=form.date()
            ),
            done=gettext_lazy("Returned."),
        ),
    )
    create_service = services.create_loan
    update_service = services.update_loan
    list_template = "web/loans/loan_list.html"
    transition_services = {
        **PLAIN_ACTIONS,
        "post": services.post_loan,
        "reverse": services.reverse_loan,
    }

    def header_choices(self, user):
        # A loan's warehouse is one of ours, never a lent-out location.
        return {"warehouse": stock_selectors.warehouses_for(user).exclude(kind=WarehouseKind.LENT)}

    def urls(self) -> list[URLPattern]:
        p, n = self.url_path, self.url_name
        return [
            path(f"{p}/outstanding/", outstanding, {"screen": self}, name=f"{n}_outstanding"),
            *super().urls(),
        ]


class LoanOutScreen(LoanScreen):
    model = LoanOut
    path = "inventory/loans-out"
    line_hint = gettext_lazy(
        "Lent goods stay ours: they move to the warehouse's lent-out location until returned."
    )


class LoanInScreen(LoanScreen):
    model = LoanIn
    path = "inventory/loans-in"
    line_hint = gettext_lazy("Borrowed goods are not ours: they are not in stock or its value.")


@login_required
def outstanding(request, *, screen: LoanScreen):
    """未归还: per partner, what is still out, oldest first."""
    if not screen.can(request.user, "view"):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "web/loans/outstanding.html",
        {
            "screen": screen,
            "title": _("%(name)s: still out") % {"name": screen.verbose_name_plural},
            "lines": selectors.outstanding_lines(request.user, screen.model),
            "list_url": screen.url("list"),
            "detail_name": f"web:{screen.url_name}_detail",
            "today": timezone.localdate(),
        },
    )


SCREENS = [LoanOutScreen(), LoanInScreen()]
urlpatterns = [u for s in SCREENS for u in s.urls()]
