"""期初库存 import: SKU, warehouse, batch (with dates), bin, quantity and unit cost become
opening-stock documents — one per warehouse (per chunk of a large file), posted at once when
asked — through the warehouse documents' services and so through the one ledger writer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Barcode, Sku
from jxc.catalog.selectors import sku_facts
from jxc.core.documents.lines import LineInput, line_errors
from jxc.core.fields import QTY_PLACES, UNIT_COST_PLACES
from jxc.imports.spec import BOOLEAN, CODE, DATE, DECIMAL, Column, Context, ImportSpec, Row
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.choices import StockDocumentKind
from jxc.inventory.models import Bin, StockMove

_IN = 500


def _chunks(values: list, n: int = _IN):
    for i in range(0, len(values), n):
        yield values[i : i + n]


def _warehouse_choices() -> list[tuple[str, Any]]:
    from jxc.inventory.models import Warehouse

    return [(w.code, w.code) for w in Warehouse.objects.filter(is_active=True).order_by("code")]


COLUMNS = (
    Column(
        "sku", _("SKU code or barcode"), CODE, required=True, example=("P0001", "6901234567892")
    ),
    Column(
        "warehouse",
        _("Warehouse code"),
        CODE,
        required=True,
        choices=_warehouse_choices,
        example=("WH01", "WH01"),
    ),
    Column("batch_number", _("Batch number"), CODE, example=("", "B2601")),
    Column("production_date", _("Production date"), DATE, example=("", "2026-01-05")),
    Column("expiry_date", _("Expiry date"), DATE, example=("", "2027-01-04")),
    Column("bin", _("Bin"), CODE, example=("", "A-01-01")),
    Column("qty", _("Quantity"), DECIMAL, required=True, places=QTY_PLACES, example=("100", "24")),
    Column(
        "price",
        _("Unit cost"),
        DECIMAL,
        required=True,
        places=UNIT_COST_PLACES,
        example=("12.50", "3.2"),
        help=_("Per base unit, excluding VAT."),
    ),
)
OPTIONS = (
    Column("date", _("business date"), DATE, required=True),
    Column("post", _("Post at once"), BOOLEAN),
)


def skus_by_code(codes: set[str]) -> dict[str, int]:
    """SKU code or barcode → SKU id, in a few set-based queries."""
    found: dict[str, int] = {}
    wanted = sorted(codes)
    for part in _chunks(wanted):
        found.update(Sku.objects.filter(code__in=part).values_list("code", "pk"))
    rest = [c for c in wanted if c not in found]
    for part in _chunks(rest):
        found.update(Barcode.objects.filter(code__in=part).values_list("code", "sku_id"))
    return found


def check(rows: list[Row], ctx: Context) -> list[dict[str, Any]]:
    """Every row against the catalog, the user's warehouses and bins, the SKU's tracking
    (batch and dates required, quantities in whole units) and the ledger (a SKU that already
    moved in a warehouse gets no opening stock there)."""
    sku_ids = skus_by_code({r["sku"] for r in rows})
    warehouses = {w.code: w for w in stock_selectors.warehouses_for(ctx.user) if w.is_active}
    bins = {
        (b.warehouse_id, b.code): b.pk
        for b in Bin.objects.filter(warehouse__in=warehouses.values(), is_active=True)
    }
    parsed: list[tuple[Row, int, LineInput]] = []
    for r in rows:
        bad = len(ctx.problems)
        sku_id = sku_ids.get(r["sku"])
        if sku_id is None:
            ctx.problem(r.number, "sku", _("Unknown SKU code or barcode."))
        wh = warehouses.get(r["warehouse"])
        if wh is None:
            ctx.problem(r.number, "warehouse", _("Unknown warehouse."))
        bin_id = bins.get((wh.pk, r["bin"])) if wh and r["bin"] else None
        if r["bin"] and wh is not None and bin_id is None:
            ctx.problem(r.number, "bin", _("Select a bin of this warehouse."))
        if len(ctx.problems) == bad and sku_id is not None and wh is not None:
            parsed.append(
                (
                    r,
                    wh.pk,
                    LineInput(
                        sku=sku_id,
                        qty=r["qty"],
                        price=r["price"],
                        bin=bin_id,
                        batch_number=r["batch_number"],
                        production_date=r["production_date"],
                        expiry_date=r["expiry_date"],
                    ),
                )
            )
    if parsed:
        facts = sku_facts(x.sku for _r, _w, x in parsed)
        errors = line_errors([x for _r, _w, x in parsed], facts, incoming=True, needs_price=True)
        names = {c.name for c in COLUMNS}
        for key, messages in errors.items():
            _lines, index, name = key.split(".", 2)
            for m in messages:
                ctx.problem(parsed[int(index)][0].number, name if name in names else "sku", m)
    seen: dict[tuple, int] = {}
    for r, wh_id, x in parsed:
        stock = (wh_id, x.sku, x.batch_number, x.bin)
        if stock in seen:
            ctx.problem(
                r.number, "sku", _("The same stock is on row %(row)s too.") % {"row": seen[stock]}
            )
        seen.setdefault(stock, r.number)
    moved: set[tuple[int, int]] = set()
    sku_list = sorted({x.sku for _r, _w, x in parsed})
    wh_ids = sorted({w for _r, w, _x in parsed})
    for part in _chunks(sku_list):
        moved |= set(
            StockMove.objects.filter(Q(warehouse_id__in=wh_ids), Q(sku_id__in=part))
            .exclude(reason=MoveReason.OPENING)
            .values_list("sku_id", "warehouse_id")
            .distinct()
        )
    for r, wh_id, x in parsed:
        if (x.sku, wh_id) in moved:
            ctx.problem(r.number, "sku", _("This SKU already has stock moves in this warehouse."))
    return [
        {
            "row": r.number,
            "warehouse": wh_id,
            "sku": x.sku,
            "qty": str(x.qty),
            "price": str(x.price),
            "bin": x.bin,
            "batch_number": x.batch_number,
            "production_date": x.production_date.isoformat() if x.production_date else None,
            "expiry_date": x.expiry_date.isoformat() if x.expiry_date else None,
        }
        for r, wh_id, x in parsed
    ]


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def write(items: list[dict[str, Any]], ctx: Context) -> None:
    """One opening-stock document per warehouse of these items (posted when asked)."""
    from jxc.inventory.models import Warehouse

    date = _date(ctx.options.get("date"))
    assert date is not None  # a required option (parse_options)
    post = bool(ctx.options.get("post"))
    by_warehouse: dict[int, list[LineInput]] = defaultdict(list)
    for i in items:
        by_warehouse[i["warehouse"]].append(
            LineInput(
                sku=i["sku"],
                qty=Decimal(i["qty"]),
                price=Decimal(i["price"]),
                bin=i["bin"],
                batch_number=i["batch_number"] or "",
                production_date=_date(i["production_date"]),
                expiry_date=_date(i["expiry_date"]),
            )
        )
    made = ctx.result.setdefault("documents", [])
    for wh in Warehouse.objects.filter(pk__in=list(by_warehouse)).order_by("code"):
        ctx.row = 0
        doc = docs.create_stock_document(
            user=ctx.user,
            kind=StockDocumentKind.OPENING,
            warehouse=wh,
            date=date,
            lines=by_warehouse[wh.pk],
        )
        if post:
            doc = docs.submit_document(doc, user=ctx.user)
            doc = docs.approve_document(doc, user=ctx.user)
            doc = docs.post_document(doc, user=ctx.user)
        made.append(doc.pk)


def undo(result: dict[str, Any], ctx: Context) -> None:
    """撤销: the ledger is append-only — each posted document the batch made is taken back by
    红冲 (the ledger's reversing moves, linked to the originals), one document per
    transaction; a draft is voided. A document reversed or voided already is left as it is."""
    from jxc.core.choices import DocumentStatus
    from jxc.inventory.documents.models import StockDocument

    reason = str(_("Import rolled back"))
    for doc in StockDocument.objects.filter(pk__in=result.get("documents", [])).order_by("pk"):
        if doc.status == DocumentStatus.POSTED and doc.reversal_date is None:
            docs.reverse_document(doc, user=ctx.user, reason=reason, date=doc.date)
        elif doc.status in (
            DocumentStatus.DRAFT,
            DocumentStatus.SUBMITTED,
            DocumentStatus.APPROVED,
        ):
            docs.void_document(doc, user=ctx.user, reason=reason)


SPEC = ImportSpec(
    kind="opening-stock",
    title=_("Opening stock"),
    permission="opening_stock.create",
    columns=COLUMNS,
    options=OPTIONS,
    check=check,
    write=write,
    undo=undo,
    filename="opening-stock",
    # 500 lines per document: the ledger's cost per posting is paid per chunk, and a go-live
    # file of 100,000 lines would be many more documents in chunks sized by time
    chunk_seconds=None,
    notes=(
        _("One opening-stock document is made per warehouse (per 500 rows of a large file)."),
        _("Batch-tracked products need a batch number; expiry-tracked ones an expiry date."),
    ),
)
SPECS = {SPEC.kind: SPEC}
