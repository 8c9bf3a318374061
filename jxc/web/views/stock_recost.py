"""库存 → 成本重算任务: the background re-costings with their progress. While a job waits or
runs, the list refreshes itself through HTMX every few seconds (the partial stops polling once
nothing is left to wait for)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from jxc.reports import selectors
from jxc.web.generic.views import is_partial
from jxc.web.views.stock_reports import require

POLL_SECONDS = 3


@login_required
def recost_jobs(request):
    """成本重算任务: status, SKUs, done / total moves, started / finished, error. The jobs
    concern costs, so they need ``cost.view`` as well (as the menu entry does)."""
    require(request, "stock.view")
    require(request, "cost.view")
    jobs = selectors.recost_jobs(limit=100)
    ctx = {
        "title": _("Re-costing jobs"),
        "jobs": jobs,
        "polling": any(j.active for j in jobs),
        "poll_seconds": POLL_SECONDS,
    }
    if is_partial(request):
        return render(request, "web/inventory/_partials/recost_jobs_table.html", ctx)
    return render(request, "web/inventory/recost_jobs.html", ctx)


urlpatterns = [
    path("inventory/recost-jobs/", recost_jobs, name="recost_jobs"),
]
