"""Steps taken from a form on a document's detail page (归还 of a loan, 调入 and 结案 of a
transfer), declared once per step:

    RETURN = DetailStep(
        action="return", title=_("Return"), template="web/loans/_partials/loan_return.html",
        run=lambda loan, user, form: services.return_loan(
            loan, user=user, quantities=form.quantities(), date=form.date()),
        done=_("Returned."),
    )
    class LoanScreen(DocumentScreen):
        steps = (RETURN,)

The screen shows the step's section (with ``url``, ``today`` and the open ``lines``) to a
user holding ``<resource>.<action>`` (and, declared ``may(user, doc)``, whom the step is
for) while the document is posted, and serves its POST at
``<path>/<pk>/<action>/`` (URL name ``<name>_<action>``): the service's refusal is shown as
a message, the page goes back to the document.

A :class:`Derive` is the other kind of button on a detail page: 生成… — a document made from
this one (报价转订单, 生成出库单, 生成入库单, 退货, 费用分摊, 登记发票 …), declared with the
permission the new document needs, the service call and where the user goes next:

    class PurchaseOrderScreen(DocumentScreen):
        derives = (
            Derive("receive", "purchase_receipt.create",
                   make=lambda request, order: receipts.receive_orders([order], user=request.user),
                   then=opens("purchase_receipt")),
        )

POST ``<path>/<pk>/<slug>/`` (URL name ``<name>_<slug>``, dashes as underscores); refused,
nothing is made and the source's page shows why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.core.errors import DomainError, ValidationFailed
from jxc.web.generic.screen import Section


class StepForm:
    """What a step's form sent: per-line numbers keyed ``<prefix><line id>``, the date."""

    def __init__(self, data):
        self.data = data

    def per_line(self, prefix: str, kind: Callable[[str], Any]) -> dict[int, Any]:
        return {
            int(key[len(prefix) :]): kind(raw.strip())
            for key, raw in self.data.items()
            if key.startswith(prefix) and raw.strip()
        }

    def quantities(self) -> dict[int, Decimal]:
        """``qty_<line id>``: the quantity of each line (base unit); blank lines left out."""
        return self.per_line("qty_", Decimal)

    def date(self) -> dt.date | None:
        day = self.data.get("date") or None
        return dt.date.fromisoformat(day) if day else None


def _posted(obj) -> bool:
    return obj.status == "posted"


def _open_lines(screen, obj) -> dict[str, Any]:
    return {"lines": [x for x in screen.lines_of(obj) if x.open_qty > 0]}


@dataclass(frozen=True)
class DetailStep:
    action: str  # the permission <resource>.<action>, the URL's last part
    title: Any  # the section's title
    template: str  # the section's form
    run: Callable[[Any, Any, StepForm], Any]  # (document, user, form): the service
    done: Any  # said when the service took the step
    shown: Callable[[Any], bool] = _posted  # when the section is on the page
    # whether this user takes the step on this document beside the permission (a transfer's
    # 调入: its target's keeper); the service decides, this only spares a refused form
    may: Callable[[Any, Any], bool] | None = None  # (user, document)
    # the section's context beside url and today (default: the lines still open)
    context: Callable[[Any, Any], dict[str, Any]] = field(default=_open_lines)

    def section(self, screen, request, obj) -> Section | None:
        if not (self.shown(obj) and screen.can(request.user, self.action)):
            return None
        if self.may is not None and not self.may(request.user, obj):
            return None
        return Section(
            title=self.title,
            template=self.template,
            context={
                **self.context(screen, obj),
                "url": screen.url(self.action, obj.pk),
                "today": timezone.localdate().isoformat(),
            },
            id=self.action,
        )

    def url(self, screen) -> URLPattern:
        return path(
            f"{screen.url_path}/<int:pk>/{self.action}/",
            step_view,
            {"screen": screen, "step": self},
            name=f"{screen.url_name}_{self.action}",
        )


@login_required
def step_view(request, pk: int, *, screen, step: DetailStep):
    """A detail page's step: the service with what the form sent; back to the document."""
    if request.method != "POST":
        raise PermissionDenied
    obj = screen.object_for(request, pk, step.action)
    try:
        step.run(obj, request.user, StepForm(request.POST))
    except (InvalidOperation, ValueError):
        messages.error(request, _("Enter a number."))
    except DomainError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, step.done)
    return redirect(screen.url("detail", obj.pk))


def show_refusal(request: HttpRequest, exc: DomainError) -> None:
    """A service's refusal as one message: a validation failure's problems, else the error."""
    problems = exc.errors if isinstance(exc, ValidationFailed) else {}
    messages.error(request, " ".join(m for ms in problems.values() for m in ms) or str(exc))


@dataclass(frozen=True)
class Derive:
    """生成… from a document's page (see the module's docstring)."""

    slug: str
    perm: str  # what making the new document needs, e.g. "purchase_receipt.create"
    make: Callable[[HttpRequest, Any], Any]  # (request, source) -> what was made
    then: Callable[[HttpRequest, Any], str]  # (request, made) -> the URL to open next

    def url(self, screen) -> URLPattern:
        return path(
            f"{screen.url_path}/<int:pk>/{self.slug}/",
            derive_view,
            {"screen": screen, "derive": self},
            name=f"{screen.url_name}_{self.slug.replace('-', '_')}",
        )


def opens(url_name: str, view: str = "edit") -> Callable[[HttpRequest, Any], str]:
    """``then`` for the usual case: the made document's page (its draft's form) on the screen
    named ``url_name``."""
    return lambda request, made: reverse(f"web:{url_name}_{view}", args=[made.pk])


@login_required
def derive_view(request, pk: int, *, screen, derive: Derive):
    if request.method != "POST" or not request.user.has_jxc_perm(derive.perm):
        raise PermissionDenied
    source = get_object_or_404(screen.get_queryset(request), pk=pk)
    try:
        made = derive.make(request, source)
    except DomainError as exc:
        show_refusal(request, exc)
        return redirect(screen.url("detail", source.pk))
    return redirect(derive.then(request, made))
