"""组装单 / 拆卸单 and the kit definitions (BOM) they use.

组装: the components go out at their cost and the kit comes in at exactly their sum.
拆卸: the kit goes out at its cost and the components come in sharing that value by their
current cost × quantity (to the 分, adding up exactly).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Sku
from jxc.catalog.selectors import sku_facts
from jxc.core.documents.actions import act, ensure_perm, raise_if
from jxc.core.documents.lines import LineInput
from jxc.core.documents.lots import Lot, issue_lots
from jxc.core.documents.services import create_document, update_document
from jxc.core.errors import NoKitDefinition, ValidationFailed
from jxc.core.fields import QTY_PLACES, size_error
from jxc.core.services import record_audit
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
from jxc.inventory.documents.models import Assembly, Kit, KitComponent
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


def _components(header: Mapping[str, Any]) -> list[LineInput]:
    """The kit's components × the number of kits, from its definition."""
    qty = header.get("qty")
    if qty is None or qty <= 0:
        return []
    bom = _bom(header["kit_sku"])
    return [LineInput(sku=s, qty=q) for s, q in assembly_rules.component_quantities(bom, qty)]


def _errors(user, header: Mapping[str, Any], lines: Sequence[LineInput]) -> dict:
    """The header's checks and what the lines need beyond the platform's (bins, no kit in
    itself); the platform checks the lines by kind (拆卸 brings components in)."""
    warehouse: Warehouse = header["warehouse"]
    ensure_warehouses(user, warehouse)
    errors: dict[str, list[str]] = {}
    if header.get("kind") not in AssemblyKind.values:
        errors["kind"] = [str(ValidationFailed.default_message)]
    qty = header.get("qty")
    if qty is None or qty <= 0:
        errors["qty"] = [str(_("Enter a quantity above zero."))]
    elif (error := size_error(qty, QTY_PLACES)) is not None:
        errors["qty"] = [error]
    kit_bin = header.get("kit_bin")
    if kit_bin is not None and (kit_bin.warehouse_id != warehouse.pk or not kit_bin.is_active):
        errors["kit_bin"] = [str(_("Select a bin of this warehouse."))]
    errors.update(bin_errors(lines, warehouse))
    for i, x in enumerate(lines):
        if x.sku == header["kit_sku"].pk:
            errors[f"lines.{i}.sku"] = [str(_("A kit cannot contain itself."))]
    return errors


def create_assembly(
    model: type[Assembly] = Assembly,
    *,
    user,
    lines: Sequence[LineInput] | None = None,
    **header: Any,
) -> Assembly:
    """新建组装单 / 拆卸单 (``kind``): warehouse, date, kit SKU, number of kits, the kit's bin
    and batch; the components from the kit's definition × ``qty`` unless lines are given."""
    header = {"kind": AssemblyKind.ASSEMBLY, "memo": "", **header}
    header["kit_batch_number"] = header.get("kit_batch_number", "").strip()
    lines = list(lines or []) or _components(header)
    return create_document(
        model,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines),
        errors=_errors(user, header, lines),
    )


def update_assembly(
    doc: Assembly, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> Assembly:
    """修改草稿: the header fields given and the lines; without lines, a new kit or number
    of kits takes the components from the definition. The kind stays (it gave the number)."""
    fields = ("kind", "warehouse", "kit_sku", "qty", "kit_bin", "date")
    merged = {k: getattr(doc, k) for k in fields}
    merged.update(header)
    if "kit_batch_number" in header:
        header["kit_batch_number"] = header["kit_batch_number"].strip()
    errors = {}
    if header.get("kind", doc.kind) != doc.kind:
        errors["kind"] = [str(_("A saved document keeps its type; make a new one."))]
    if not lines and ({"kit_sku", "qty"} & header.keys()):
        lines = _components(merged)
    elif not lines and ({"warehouse"} & header.keys()):
        lines = [  # the bins are checked against the new warehouse
            LineInput(
                sku=x.sku_id, qty=x.qty, unit=x.unit_id, bin=x.bin_id, batch_number=x.batch_number
            )
            for x in doc.lines.all()
        ]
    errors.update(_errors(user, merged, lines or []))
    return update_document(
        doc,
        user=user,
        header=header,
        lines=lines or None,
        facts=sku_facts(x.sku for x in lines or []),
        errors=errors,
    )


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
