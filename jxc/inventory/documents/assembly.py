"""组装单 / 拆卸单 and the kit definitions (BOM) they use.

组装: the components go out at their cost and the kit comes in at exactly their sum.
拆卸: the kit goes out at its cost and the components come in sharing that value by their
current cost × quantity (to the 分, adding up exactly).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Sku
from jxc.catalog.selectors import sku_facts
from jxc.core.documents.actions import (
    act,
    audit_saved,
    ensure_document_date,
    ensure_draft,
    ensure_perm,
    lock,
    raise_if,
    replace_lines,
)
from jxc.core.documents.lines import LineInput, SkuFacts, line_errors, line_fields
from jxc.core.documents.lots import Lot, issue_lots
from jxc.core.errors import NoKitDefinition, ValidationFailed
from jxc.core.fields import QTY_PLACES, size_error
from jxc.core.services import allocate_number, record_audit
from jxc.inventory import services as stock
from jxc.inventory.documents import assembly_rules
from jxc.inventory.documents.choices import AssemblyKind
from jxc.inventory.documents.lifecycle import (
    available_lots,
    batches_by_number,
    bin_errors,
    ensure_warehouses,
    reversal_date,
)
from jxc.inventory.documents.models import Assembly, AssemblyLine, Kit, KitComponent
from jxc.inventory.documents.rules import PostLine
from jxc.inventory.documents.selectors import unit_costs
from jxc.inventory.models import Warehouse

ZERO = Decimal(0)


@transaction.atomic
def set_kit(*, user, sku: Sku, components: Sequence[tuple[int, Decimal]], memo: str = "") -> Kit:
    """组装件定义 (BOM): what one kit is made of; replaces the previous definition."""
    ensure_perm(user, "assembly", "edit")
    errors: dict[str, list[str]] = {}
    if not components:
        errors["components"] = [str(_("Add at least one component."))]
    seen: set[int] = set()
    known = set(Sku.objects.filter(pk__in=[c for c, _q in components]).values_list("pk", flat=True))
    for i, (sku_id, qty) in enumerate(components):
        if sku_id == sku.pk:
            errors[f"components.{i}.sku"] = [str(_("A kit cannot contain itself."))]
        elif sku_id not in known:
            errors[f"components.{i}.sku"] = [str(_("Select a valid SKU."))]
        elif sku_id in seen:
            errors[f"components.{i}.sku"] = [str(_("This component is listed twice."))]
        seen.add(sku_id)
        if qty is None or qty <= 0:
            errors[f"components.{i}.qty"] = [str(_("Enter a quantity above zero."))]
        elif (error := size_error(qty, QTY_PLACES)) is not None:
            errors[f"components.{i}.qty"] = [error]
    raise_if(errors)
    kit, created = Kit.objects.get_or_create(sku=sku, defaults={"memo": memo[:200]})
    before = list(kit.components.values_list("sku_id", "qty"))
    kit.memo = memo[:200]
    kit.is_active = True
    kit.save()
    kit.components.all().delete()
    KitComponent.objects.bulk_create(
        [KitComponent(kit=kit, sku_id=s, qty=q) for s, q in components]
    )
    record_audit(
        user=user,
        obj=kit,
        action="create" if created else "update",
        changes={
            "components": [[[s, str(q)] for s, q in before], [[s, str(q)] for s, q in components]]
        },
    )
    return kit


def _bom(kit_sku: Sku) -> list[tuple[int, Decimal]]:
    kit = Kit.objects.filter(sku=kit_sku, is_active=True).first()
    if kit is None:
        raise NoKitDefinition(sku=f"{kit_sku.code} {kit_sku}")
    return list(kit.components.values_list("sku_id", "qty"))


def _check(
    *, kind: str, warehouse: Warehouse, kit_sku: Sku, qty: Decimal, lines: Sequence[LineInput]
) -> dict[int, SkuFacts]:
    errors: dict[str, list[str]] = {}
    if kind not in AssemblyKind.values:
        errors["kind"] = [str(ValidationFailed.default_message)]
    if qty is None or qty <= 0:
        errors["qty"] = [str(_("Enter a quantity above zero."))]
    elif (error := size_error(qty, QTY_PLACES)) is not None:
        errors["qty"] = [error]
    facts = sku_facts([x.sku for x in lines] + [kit_sku.pk])
    errors.update(line_errors(lines, facts, incoming=kind == AssemblyKind.DISASSEMBLY))
    errors.update(bin_errors(lines, warehouse))
    for i, x in enumerate(lines):
        if x.sku == kit_sku.pk:
            errors[f"lines.{i}.sku"] = [str(_("A kit cannot contain itself."))]
    raise_if(errors)
    return facts


def _rows(a: Assembly, lines: Sequence[LineInput], facts) -> list[AssemblyLine]:
    return [
        AssemblyLine(
            assembly=a,
            bin_id=x.bin,
            batch_number=x.batch_number.strip(),
            **line_fields(x, facts[x.sku], i),
        )
        for i, x in enumerate(lines)
    ]


@transaction.atomic
def create_assembly(
    *,
    user,
    kind: str,
    warehouse: Warehouse,
    date: dt.date,
    kit_sku: Sku,
    qty: Decimal,
    lines: Sequence[LineInput] | None = None,
    kit_bin=None,
    kit_batch_number: str = "",
    memo: str = "",
) -> Assembly:
    """新建组装单 / 拆卸单: components from the kit's definition × ``qty`` unless given."""
    ensure_perm(user, Assembly.RESOURCE, "create")
    ensure_warehouses(user, warehouse)
    if lines is None:
        lines = [
            LineInput(sku=s, qty=q)
            for s, q in assembly_rules.component_quantities(_bom(kit_sku), qty)
        ]
    facts = _check(kind=kind, warehouse=warehouse, kit_sku=kit_sku, qty=qty, lines=lines)
    a = Assembly(
        kind=kind,
        warehouse=warehouse,
        date=date,
        kit_sku=kit_sku,
        qty=qty,
        kit_bin=kit_bin,
        kit_batch_number=kit_batch_number.strip(),
        memo=memo[:500],
        created_by=user,
    )
    ensure_document_date(date)
    a.number = allocate_number(kind, day=date)
    a.save()
    replace_lines(AssemblyLine, "assembly", a, _rows(a, lines, facts))
    audit_saved(a, user=user, creating=True, lines=len(lines))
    return a


@transaction.atomic
def update_assembly(
    a: Assembly,
    *,
    user,
    date: dt.date | None = None,
    qty: Decimal | None = None,
    lines: Sequence[LineInput] | None = None,
    memo: str | None = None,
) -> Assembly:
    """修改草稿; a new kit quantity without lines takes the components from the definition."""
    a = lock(a)
    ensure_perm(user, Assembly.RESOURCE, "edit")
    ensure_warehouses(user, a.warehouse)
    ensure_draft(a)
    if date is not None:
        ensure_document_date(date)
        a.date = date
    if memo is not None:
        a.memo = memo[:500]
    if qty is not None:
        a.qty = qty
        if lines is None:
            lines = [
                LineInput(sku=s, qty=q)
                for s, q in assembly_rules.component_quantities(_bom(a.kit_sku), qty)
            ]
    current = (
        lines
        if lines is not None
        else [
            LineInput(
                sku=x.sku_id, qty=x.qty, unit=x.unit_id, bin=x.bin_id, batch_number=x.batch_number
            )
            for x in a.lines.all()
        ]
    )
    facts = _check(kind=a.kind, warehouse=a.warehouse, kit_sku=a.kit_sku, qty=a.qty, lines=current)
    a.save()
    if lines is not None:
        replace_lines(AssemblyLine, "assembly", a, _rows(a, lines, facts))
    audit_saved(a, user=user, creating=False, lines=len(lines) if lines is not None else None)
    return a


def _batch_id(sku_id: int, number: str, *, create: bool) -> int | None:
    number = number.strip()
    if not number:
        return None
    found = batches_by_number([(sku_id, number)]).get((sku_id, number))
    if found is None and create:
        return stock.ensure_batch(sku=sku_id, number=number).pk
    if found is None:
        raise ValidationFailed({"batch_number": [str(_("There is no such batch of this SKU."))]})
    return found


@transaction.atomic
def post_assembly(a: Assembly, *, user) -> Assembly:
    """过账: 组装 — components out at cost, kit in at their sum; 拆卸 — the reverse."""

    def effect(locked: Assembly) -> None:
        ensure_warehouses(user, locked.warehouse)
        lines = list(locked.lines.all())
        wh, day = locked.warehouse_id, locked.date
        if locked.kind == AssemblyKind.ASSEMBLY:
            pool = available_lots(wh, {x.sku_id for x in lines})
            post_lines = [
                PostLine(
                    id=x.pk,
                    sku=x.sku_id,
                    qty=x.qty,
                    base_qty=x.base_qty,
                    unit=x.unit_id,
                    lots=issue_lots(
                        qty=x.base_qty,
                        sku_id=x.sku_id,
                        bin_id=x.bin_id,
                        batch_id=_batch_id(x.sku_id, x.batch_number, create=False),
                        serials=(),
                        pool=pool,
                    ),
                )
                for x in lines
            ]
            outs = stock.record_moves(
                assembly_rules.assembly_out_lines(warehouse=wh, date=day, lines=post_lines),
                source=locked.ref(),
                user=user,
            )
            kit_in = assembly_rules.kit_in_line(
                kit=locked.kit_sku_id,
                warehouse=wh,
                date=day,
                qty=locked.qty,
                component_values=[m.value for m in outs],
                bin=locked.kit_bin_id,
                batch=_batch_id(locked.kit_sku_id, locked.kit_batch_number, create=True),
            )
            stock.record_moves([kit_in], source=locked.ref(), user=user)
            return
        pool = available_lots(wh, {locked.kit_sku_id})
        kit_lots = issue_lots(
            qty=locked.qty,
            sku_id=locked.kit_sku_id,
            bin_id=locked.kit_bin_id,
            batch_id=_batch_id(locked.kit_sku_id, locked.kit_batch_number, create=False),
            serials=(),
            pool=pool,
        )
        kit_out = [
            assembly_rules.kit_out_line(
                kit=locked.kit_sku_id, warehouse=wh, date=day, qty=lot.qty, lot=lot
            )
            for lot in kit_lots
        ]
        outs = stock.record_moves(kit_out, source=locked.ref(), user=user)
        kit_value = -sum((m.value for m in outs), ZERO)
        costs = unit_costs({x.sku_id for x in lines}, wh)
        weights = [costs.get(x.sku_id, ZERO) * x.base_qty for x in lines]
        post_lines = [
            PostLine(
                id=x.pk,
                sku=x.sku_id,
                qty=x.qty,
                base_qty=x.base_qty,
                unit=x.unit_id,
                lots=(
                    Lot(
                        qty=x.base_qty,
                        bin=x.bin_id,
                        batch=_batch_id(x.sku_id, x.batch_number, create=True),
                    ),
                ),
            )
            for x in lines
        ]
        stock.record_moves(
            assembly_rules.component_in_lines(
                warehouse=wh, date=day, lines=post_lines, kit_value=kit_value, weights=weights
            ),
            source=locked.ref(),
            user=user,
        )

    return act(a, action="post", user=user, effect=effect)


@transaction.atomic
def reverse_assembly(a: Assembly, *, user, reason: str, date: dt.date | None = None) -> Assembly:
    """红冲: all moves of the assembly reversed (components back, kit out — or the reverse)."""

    def effect(locked: Assembly) -> None:
        day = reversal_date(locked, date)
        stock.reverse_moves(source=locked.ref(), user=user, date=day, reason=reason)
        locked.reversal_date = day
        locked.save(update_fields=["reversal_date"])

    return act(a, action="reverse", user=user, reason=reason, effect=effect)


post = post_assembly


def reverse(a: Assembly, *, user, reason: str, date: dt.date | None = None) -> Assembly:
    return reverse_assembly(a, user=user, reason=reason, date=date)
