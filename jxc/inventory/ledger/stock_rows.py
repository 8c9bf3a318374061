"""Writing a posting's rows: the moves themselves, lot balances (bin / batch), and serial
numbers with their links to the moves."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.documents.models import SourceRef
from jxc.core.errors import InvalidStockLine
from jxc.inventory.ledger.posting_lines import PostingLine
from jxc.inventory.ledger.sql import saved_instances
from jxc.inventory.ledger.sql_writes import Writes, insert_returning_ids
from jxc.inventory.models import LotBalance, SerialNumber, StockMove

CHUNK = 900


MOVE_COLUMNS = [
    "date",
    "sku_id",
    "warehouse_id",
    "bin_id",
    "batch_id",
    "pool_id",
    "qty",
    "entered_qty",
    "entered_unit_id",
    "unit_cost",
    "value",
    "variance",
    "cost_basis",
    "reason",
    "source_kind",
    "source_id",
    "source_number",
    "source_line",
    "reverses_id",
    "origin_id",
    "pool_qty_after",
    "pool_value_after",
    "pool_unit_cost_after",
    "user_id",
    "created_at",
]


def write_moves(
    items: list[PostingLine],
    source: SourceRef,
    user,
    *,
    ids: list[int] | None = None,
    writes: Writes | None = None,
) -> list[StockMove]:
    """INSERT the posting's moves (one statement) and return them as saved StockMove
    instances, in the order of ``items``. With ``ids`` (taken from the sequence already)
    the INSERT joins ``writes`` instead of running now."""
    user_id = user.pk if user is not None and getattr(user, "pk", None) else None
    now = timezone.now()
    kind, source_id, number = source.kind, source.id, source.number
    rows = []
    for it in items:
        m = it.m
        assert m is not None and m.after is not None
        after = m.after
        rows.append(
            [
                it.date,
                it.sku_id,
                it.warehouse_id,
                it.bin_id,
                it.batch_id,
                it.pool_id,
                it.qty,
                it.entered_qty,
                it.entered_unit_id,
                m.unit_cost,
                m.value,
                m.variance,
                str(it.basis),
                it.reason,
                kind,
                source_id,
                number,
                it.source_line,
                it.reverses_id,
                it.origin_id,
                after[0],
                after[1],
                after[2],
                user_id,
                now,
            ]
        )
    if ids is not None and writes is not None:
        for row, pk in zip(rows, ids, strict=True):
            row.append(pk)
        writes.insert(StockMove, [*MOVE_COLUMNS, "id"], rows)
    else:
        for row, pk in zip(rows, insert_returning_ids(StockMove, MOVE_COLUMNS, rows), strict=True):
            row.append(pk)
    moves = saved_instances(StockMove, [*MOVE_COLUMNS, "id"], rows)
    linked = [(it, moves[it.origin_line]) for it in items if it.origin_line is not None]
    for it, out in linked:
        moves[it.index].origin_id = out.pk
    if linked:  # one batch, not a statement per transfer line
        with connection.cursor() as cur:
            cur.executemany(
                f"UPDATE {StockMove._meta.db_table} SET origin_id = %s WHERE id = %s",
                [(out.pk, moves[it.index].pk) for it, out in linked],
            )
    return moves


def lots_by_key(wanted) -> list[LotBalance]:
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for sku_id, wh_id, key in wanted:
        by_key[(wh_id, key)].append(sku_id)
    rows: list[LotBalance] = []
    for (wh_id, key), sku_ids in by_key.items():
        for i in range(0, len(sku_ids), CHUNK):
            rows += LotBalance.objects.filter(
                warehouse_id=wh_id, key=key, sku_id__in=sku_ids[i : i + CHUNK]
            )
    return rows


def lots_for(items: list[PostingLine]) -> dict[tuple, LotBalance]:
    wanted = {
        (it.sku_id, it.warehouse_id, it.lot_key): (it.bin_id, it.batch_id)
        for it in items
        if it.lot_key is not None
    }
    if not wanted:
        return {}
    found = {(x.sku_id, x.warehouse_id, x.key): x for x in lots_by_key(wanted)}
    missing = [k for k in wanted if k not in found]
    if missing:
        LotBalance.objects.bulk_create(
            [
                LotBalance(
                    sku_id=k[0],
                    warehouse_id=k[1],
                    key=k[2],
                    bin_id=wanted[k][0],
                    batch_id=wanted[k][1],
                )
                for k in missing
            ]
        )
        found = {(x.sku_id, x.warehouse_id, x.key): x for x in lots_by_key(wanted)}
    return found


def write_lots(items: list[PostingLine], lots: dict, writes: Writes) -> None:
    if not lots:
        return
    for it in items:
        if it.lot_key is None:
            continue
        lot = lots[(it.sku_id, it.warehouse_id, it.lot_key)]
        lot.qty += it.qty
        if lot.last_date is None or it.date > lot.last_date:
            lot.last_date = it.date
    writes.update_rows(LotBalance, list(lots.values()), ["qty", "last_date"])


def plan_serials(items: list[PostingLine]) -> list[tuple[PostingLine, list[SerialNumber]]]:
    """Each serial number comes in where it is not in stock, and goes out from where it is:
    checked line by line (an earlier line of the posting may have moved it) before anything
    is written; returns, per line with serial numbers, the rows as they will be saved."""
    todo = [it for it in items if it.serials]
    if not todo:
        return []
    state: dict[tuple[int, str], SerialNumber | None] = {}
    plan = []
    for it in todo:
        need = [n for n in it.serials if (it.sku_id, n) not in state]
        if need:
            for found in SerialNumber.objects.select_for_update().filter(
                sku_id=it.sku_id, number__in=need
            ):
                state[(it.sku_id, found.number)] = found
            for n in need:
                state.setdefault((it.sku_id, n), None)
        rows = []
        for number in it.serials:
            s: SerialNumber | None = state[(it.sku_id, number)]
            if it.qty > 0:
                if s is not None and s.warehouse_id is not None:
                    raise InvalidStockLine(
                        line=it.index + 1,
                        problem=str(_("serial number %(number)s is already in stock"))
                        % {"number": number},
                    )
                if s is None:
                    s = SerialNumber(
                        sku_id=it.sku_id,
                        number=number,
                        warehouse_id=it.warehouse_id,
                        batch_id=it.batch_id,
                    )
                else:
                    s.warehouse_id = it.warehouse_id
            else:
                if s is None or s.warehouse_id != it.warehouse_id:
                    raise InvalidStockLine(
                        line=it.index + 1,
                        problem=str(_("serial number %(number)s is not in stock in this warehouse"))
                        % {"number": number},
                    )
                s.warehouse_id = None
            state[(it.sku_id, number)] = s
            rows.append(s)
        plan.append((it, rows))
    return plan


def write_serials(
    plan: list[tuple[PostingLine, list[SerialNumber]]], moves: list[StockMove]
) -> None:
    """Save the serial numbers as :func:`plan_serials` left them and link them to the moves."""
    if not plan:
        return
    saved: set[int] = set()
    for _it, rows in plan:
        for s in rows:
            if id(s) in saved:
                continue
            saved.add(id(s))
            if s.pk is None:
                s.save(force_insert=True)
            else:
                s.save(update_fields=["warehouse"])
    through = SerialNumber.moves.through
    through.objects.bulk_create(
        [
            through(stockmove_id=moves[it.index].pk, serialnumber_id=s.pk)
            for it, rows in plan
            for s in rows
        ]
    )
