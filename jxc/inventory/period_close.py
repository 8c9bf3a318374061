"""月结 for stock: the inventory step of the period close (jxc.core.periods).

check  — stock documents dated in the month that are not posted yet; re-costing not finished.
close  — settles 全月一次加权平均 (every pool costed by it; nothing when none is), then writes the
         month-end snapshot of quantity and value per (SKU, warehouse).
reopen — deletes that month's snapshot (its moves may change again).
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext as _

from jxc.core.choices import DocumentStatus
from jxc.core.documents.models import Document
from jxc.core.models import User
from jxc.core.periods import PeriodStep, month_bounds, register_period_step
from jxc.inventory.models import RecostJob, SkuLedger
from jxc.inventory.snapshots import delete_snapshot, write_snapshot

STEP_NAME = "inventory"

# A document in one of these states has not reached the books yet.
UNPOSTED = (DocumentStatus.DRAFT, DocumentStatus.SUBMITTED, DocumentStatus.APPROVED)
SHOW_NUMBERS = 5


def stock_document_models() -> list[type[Document]]:
    """Every document table of the inventory app (其他出入库, 调拨, 盘点 …); proxies of one
    table (a kind each) are read through the table itself."""
    return [
        m
        for m in apps.get_app_config("inventory").get_models()
        if issubclass(m, Document) and not m._meta.abstract and not m._meta.proxy
    ]


def unposted_documents(year: int, month: int) -> list[tuple[type[Document], list[str], int]]:
    """(model, first numbers, count) of the stock documents dated in the month not posted."""
    first, last = month_bounds(year, month)
    found = []
    for model in stock_document_models():
        qs = model._default_manager.filter(date__range=(first, last), status__in=UNPOSTED)
        numbers = list(
            qs.order_by("date", "number").values_list("number", flat=True)[:SHOW_NUMBERS]
        )
        if numbers:
            count = len(numbers) if len(numbers) < SHOW_NUMBERS else qs.count()
            found.append((model, numbers, count))
    return found


def recosting_pending() -> int:
    """How many SKUs still wait for a background re-costing (成本重算中)."""
    flagged = SkuLedger.objects.filter(recosting=True).count()
    if flagged:
        return flagged
    jobs = RecostJob.objects.filter(status__in=(RecostJob.Status.PENDING, RecostJob.Status.RUNNING))
    return sum(max(len(ids or []), 1) for ids in jobs.values_list("sku_ids", flat=True))


def check(year: int, month: int) -> list[str]:
    """What stops the month's stock from closing."""
    problems = []
    for model, numbers, count in unposted_documents(year, month):
        shown = ", ".join(numbers) + ("…" if count > len(numbers) else "")
        problems.append(
            _("%(count)d %(documents)s dated in the month are not posted yet (%(numbers)s)")
            % {"count": count, "documents": model._meta.verbose_name_plural, "numbers": shown}
        )
    pending = recosting_pending()
    if pending:
        problems.append(
            _("costs of %(count)d SKUs are still being updated; wait until it finishes")
            % {"count": pending}
        )
    return problems


def close(year: int, month: int, user: User | None) -> None:
    """Settle the monthly average, then write the month-end snapshot (of settled values)."""
    from jxc.inventory import services

    # Pools keep the method they were created with, so settle whatever periodic pools the
    # month has even if the company has since changed its method (a no-op without any).
    services.settle_periodic_average(year=year, month=month)
    write_snapshot(year=year, month=month, end_date=month_bounds(year, month)[1])


def reopen(year: int, month: int, user: User | None) -> None:
    delete_snapshot(year=year, month=month)


def register() -> None:
    register_period_step(PeriodStep(name=STEP_NAME, check=check, close=close, reopen=reopen))
