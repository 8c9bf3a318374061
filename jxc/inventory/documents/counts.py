"""盘点单: make count sheets with the book quantity frozen, confirm them into 盘盈 / 盘亏, 红冲.

Entry (typing, scanning, importing) is in ``count_entry``; the variance review reads
``selectors.count_review``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Category, Sku
from jxc.core.choices import DocumentStatus
from jxc.core.documents.actions import act, audit_saved, ensure_perm, raise_if
from jxc.core.documents.calendar import assign_number
from jxc.core.documents.services import update_document
from jxc.core.errors import CountOverlap, LargeVarianceUnconfirmed, ValidationFailed
from jxc.inventory import services as stock
from jxc.inventory.documents import count_rules
from jxc.inventory.documents.lifecycle import ensure_warehouses, reverse_stock
from jxc.inventory.documents.models import StockCount, StockCountLine
from jxc.inventory.models import LotBalance, SkuLedger, StockBalance, StockMove, Warehouse

ZERO = Decimal(0)
OPEN_STATES = (DocumentStatus.DRAFT, DocumentStatus.SUBMITTED, DocumentStatus.APPROVED)


@dataclass(frozen=True)
class CountScope:
    """What one sheet covers: a warehouse, optionally one category (with its children) and
    a range of bin codes."""

    warehouse: Warehouse
    category: Category | None = None
    bin_from: str = ""
    bin_to: str = ""


def sku_in_scope(count: StockCount, sku: Sku) -> bool:
    scope = count.category
    if scope is None:
        return True
    category = sku.product.category
    return category is not None and category.path.startswith(scope.path)


def _scope_skus(scope: CountScope, include_zero: bool) -> list[int]:
    balances = StockBalance.objects.filter(warehouse=scope.warehouse)
    if not include_zero:
        balances = balances.exclude(on_hand=0)
    ids = set(balances.values_list("sku_id", flat=True))
    ids |= set(
        LotBalance.objects.filter(warehouse=scope.warehouse)
        .exclude(qty=0)
        .values_list("sku_id", flat=True)
    )
    if scope.category is not None:
        ids = set(
            Sku.objects.filter(
                pk__in=ids, product__category__path__startswith=scope.category.path
            ).values_list("pk", flat=True)
        )
    return sorted(ids)


def _frozen_lines(scope: CountScope, sku_ids: list[int], include_zero: bool) -> list[dict]:
    """Book quantity per lot: bins and batches from the lot balances, the rest of the
    warehouse's quantity (in no bin, no batch) as one more line."""
    on_hand = dict(
        StockBalance.objects.filter(warehouse=scope.warehouse, sku_id__in=sku_ids).values_list(
            "sku_id", "on_hand"
        )
    )
    lots = LotBalance.objects.filter(warehouse=scope.warehouse, sku_id__in=sku_ids).values_list(
        "sku_id", "bin_id", "bin__code", "batch_id", "qty"
    )
    in_lots: dict[int, Decimal] = defaultdict(Decimal)
    rows: list[dict] = []
    ranged = bool(scope.bin_from or scope.bin_to)
    for sku_id, bin_id, bin_code, batch_id, qty in lots:
        in_lots[sku_id] += qty
        if qty == 0 and not include_zero:
            continue
        if not count_rules.in_bin_range(bin_code, scope.bin_from, scope.bin_to):
            continue
        rows.append({"sku_id": sku_id, "bin_id": bin_id, "batch_id": batch_id, "book": qty})
    if not ranged:
        for sku_id in sku_ids:
            plain = on_hand.get(sku_id, ZERO) - in_lots[sku_id]
            if plain != 0 or (include_zero and not in_lots[sku_id]):
                rows.append({"sku_id": sku_id, "bin_id": None, "batch_id": None, "book": plain})
    rows.sort(key=lambda r: (r["sku_id"], r["bin_id"] or 0, r["batch_id"] or 0))
    return rows


def _ensure_no_overlap(warehouse: Warehouse, keys: set[tuple[int, str]], exclude=None) -> None:
    others = StockCountLine.objects.filter(
        count__warehouse=warehouse, count__status__in=OPEN_STATES
    )
    if exclude is not None:
        others = others.exclude(count=exclude)
    for sku_id, key, number in others.values_list("sku_id", "lot_key", "count__number"):
        if (sku_id, key) in keys:
            raise CountOverlap(sku=str(Sku.objects.get(pk=sku_id)), number=number)


def _make_sheet(
    scope: CountScope,
    *,
    user,
    date: dt.date,
    blind: bool,
    uncounted_as_zero: bool,
    include_zero: bool,
    memo: str,
    group: str,
) -> StockCount:
    if scope.bin_from and scope.bin_to and scope.bin_from > scope.bin_to:
        raise ValidationFailed({"bin_to": [str(_("The last bin comes before the first."))]})
    sku_ids = _scope_skus(scope, include_zero)
    # Freeze: hold every posting of these SKUs (the ledger locks SkuLedger rows first) while
    # the book quantities and the ledger position are read, so both describe one moment.
    list(
        SkuLedger.objects.select_for_update()
        .filter(sku_id__in=sku_ids)
        .order_by("sku_id")
        .values_list("sku_id", flat=True)
    )
    frozen_move_id = StockMove.objects.aggregate(m=Max("id"))["m"] or 0
    rows = _frozen_lines(scope, sku_ids, include_zero)
    keys = {(r["sku_id"], count_rules.lot_key(r["bin_id"], r["batch_id"])) for r in rows}
    _ensure_no_overlap(scope.warehouse, keys)
    count = StockCount(
        warehouse=scope.warehouse,
        category=scope.category,
        bin_from=scope.bin_from.strip(),
        bin_to=scope.bin_to.strip(),
        date=date,
        blind=blind,
        uncounted_as_zero=uncounted_as_zero,
        frozen_move_id=frozen_move_id,
        frozen_at=timezone.now(),
        memo=memo[:500],
        group=group,
        created_by=user,
    )
    assign_number(count)
    count.save()
    StockCountLine.objects.bulk_create(
        [
            StockCountLine(
                count=count,
                line_no=i + 1,
                sku_id=r["sku_id"],
                bin_id=r["bin_id"],
                batch_id=r["batch_id"],
                lot_key=count_rules.lot_key(r["bin_id"], r["batch_id"]),
                book_qty=r["book"],
            )
            for i, r in enumerate(rows)
        ],
        batch_size=500,
    )
    audit_saved(count, user=user, creating=True, lines=len(rows))
    return count


@transaction.atomic
def create_stock_counts(
    *,
    user,
    date: dt.date,
    scopes: Sequence[CountScope],
    blind: bool = False,
    uncounted_as_zero: bool = False,
    include_zero: bool = False,
    memo: str = "",
) -> list[StockCount]:
    """新建盘点单: one sheet per scope (several at once share a group, e.g. one per aisle
    for several counters), each with the book quantity frozen now. A SKU already on an
    open sheet of the warehouse is refused (it would be counted twice)."""
    if not scopes:
        raise ValidationFailed({"scopes": [str(_("Add at least one count sheet."))]})
    ensure_perm(user, StockCount.RESOURCE, "create")
    ensure_warehouses(user, *{s.warehouse for s in scopes})
    sheets: list[StockCount] = []
    for scope in scopes:
        sheet = _make_sheet(
            scope,
            user=user,
            date=date,
            blind=blind,
            uncounted_as_zero=uncounted_as_zero,
            include_zero=include_zero,
            memo=memo,
            group=sheets[0].number if sheets else "",
        )
        sheets.append(sheet)
    if len(sheets) > 1:
        StockCount.objects.filter(pk=sheets[0].pk).update(group=sheets[0].number)
        sheets[0].group = sheets[0].number
    return sheets


def create_stock_count(
    model: type[StockCount] = StockCount,
    *,
    user,
    warehouse: Warehouse,
    date: dt.date,
    category: Category | None = None,
    bin_from: str = "",
    bin_to: str = "",
    blind: bool = False,
    uncounted_as_zero: bool = False,
    include_zero: bool = False,
    memo: str = "",
    lines: None = None,
) -> StockCount:
    """新建盘点单 for one warehouse (and optionally one category and a bin range); its lines
    are the book frozen now, never typed (``lines`` is the platform's argument, unused)."""
    scope = CountScope(warehouse=warehouse, category=category, bin_from=bin_from, bin_to=bin_to)
    return create_stock_counts(
        user=user,
        date=date,
        scopes=[scope],
        blind=blind,
        uncounted_as_zero=uncounted_as_zero,
        include_zero=include_zero,
        memo=memo,
    )[0]


def update_stock_count(count: StockCount, *, user, lines: None = None, **header: Any) -> StockCount:
    """修改盘点单 header: date, blind, uncounted as zero, memo (the scope and the frozen book
    stay as made)."""
    ensure_warehouses(user, count.warehouse)
    made = set(header) - {"date", "blind", "uncounted_as_zero", "memo"}
    errors = {k: [str(_("A count sheet keeps the scope it was made with."))] for k in made}
    return update_document(count, user=user, header=header, lines=None, facts={}, errors=errors)


def count_line_values(count: StockCount) -> list[count_rules.CountLineValues]:
    return [
        count_rules.CountLineValues(
            id=pk, sku=sku, book=book, counted=counted, bin=bin_id, batch=batch_id
        )
        for pk, sku, book, counted, bin_id, batch_id in count.lines.order_by(
            "line_no", "id"
        ).values_list("pk", "sku_id", "book_qty", "counted_qty", "bin_id", "batch_id")
    ]


@transaction.atomic
def post_stock_count(count: StockCount, *, user, confirm_large: bool = False) -> StockCount:
    """确认盘点 (过账): post 盘盈 / 盘亏 for every line whose counted quantity differs from the
    frozen book — as a change to today's balance, so moves posted after the freeze stay.
    Variances beyond the company's limits need ``confirm_large`` (a 4040 typed for 40)."""

    def effect(locked: StockCount) -> None:
        ensure_warehouses(user, locked.warehouse)
        from jxc.inventory.documents.selectors import large_count_variances

        large = large_count_variances(locked)
        if large and not confirm_large:
            codes = Sku.objects.filter(pk__in={r.line.sku for r in large}).values_list(
                "code", flat=True
            )
            raise LargeVarianceUnconfirmed(lines=len(large), skus=", ".join(sorted(codes)[:5]))
        values = count_line_values(locked)
        lines = count_rules.count_stock_lines(
            warehouse=locked.warehouse_id,
            date=locked.date,
            lines=values,
            uncounted_as_zero=locked.uncounted_as_zero,
        )
        serial_skus = set(
            Sku.objects.filter(
                pk__in={x.sku_id for x in lines}, product__tracking="serial"
            ).values_list("code", flat=True)
        )
        if serial_skus:
            raise_if(
                {
                    "lines": [
                        str(_("Count serial-tracked SKUs with a serial scan: %(skus)s"))
                        % {"skus": ", ".join(sorted(serial_skus))}
                    ]
                }
            )
        stock.record_moves(lines, source=locked.ref(), user=user)

    return act(count, action="post", user=user, effect=effect)


def reverse_stock_count(
    count: StockCount, *, user, reason: str, date: dt.date | None = None
) -> StockCount:
    """红冲 of a confirmed count: its gains and losses reversed."""
    moved = StockMove.objects.filter(source_kind=count.DOC_TYPE, source_id=count.pk).exists()
    return reverse_stock(count, user=user, reason=reason, date=date, moves=moved)
