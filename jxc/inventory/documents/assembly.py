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
from jxc.core.documents.actions import act, ensure_perm, raise_if
from jxc.core.documents.lines import LineInput
from jxc.core.documents.lots import Lot, issue_lots
from jxc.core.errors import NoKitDefinition, ValidationFailed
from jxc.core.fields import QTY_PLACES, size_error
from jxc.core.services import record_audit
from jxc.inventory import services as stock
from jxc.inventory.documents import assembly_rules
from jxc.inventory.documents.assembly_models import Assembly, Kit, KitComponent
from jxc.inventory.documents.choices import AssemblyKind
from jxc.inventory.documents.drafts import draft_services
from jxc.inventory.documents.lifecycle import (
    available_lots,
    batch_id_of,
    bin_errors,
    ensure_warehouses,
    issue_lines,
    reverse_stock,
)
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


def _check(user, header: Mapping[str, Any], lines: Sequence[LineInput], facts) -> dict:
    """The header's checks and what the lines need beyond the platform's (bins, no kit in
    itself); the platform checks the lines by kind (拆卸 brings components in)."""
    warehouse: Warehouse = header["warehouse"]
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


def _prepare(doc: Assembly | None, header: dict, merged: dict, lines) -> Any:
    """The components from the kit's definition × the number of kits unless lines are given
    (on a change: when the kit or the number changes); a saved document keeps its kind (it
    gave the number)."""
    if doc is None:
        header.setdefault("kind", AssemblyKind.ASSEMBLY)
        header["kit_batch_number"] = header.get("kit_batch_number", "").strip()
        return list(lines or []) or _components(header)
    if "kit_batch_number" in header:
        header["kit_batch_number"] = header["kit_batch_number"].strip()
    if header.get("kind", doc.kind) != doc.kind:
        raise ValidationFailed(
            {"kind": [str(_("A saved document keeps its type; make a new one."))]}
        )
    if not lines and ({"kit_sku", "qty"} & header.keys()):
        return _components(merged)
    return lines or None


# 新建组装单 / 拆卸单 (``kind``: warehouse, date, kit SKU, number of kits, the kit's bin and
# batch) and 修改草稿
create_assembly, update_assembly = draft_services(_check, model=Assembly, prepare=_prepare)


@transaction.atomic
def post_assembly(a: Assembly, *, user) -> Assembly:
    """过账: 组装 — components out at cost, kit in at their sum; 拆卸 — the reverse."""

    def effect(locked: Assembly) -> None:
        ensure_warehouses(user, locked.warehouse)
        lines = list(locked.lines.all())
        wh, day, kit = locked.warehouse_id, locked.date, locked.kit_sku_id
        if locked.kind == AssemblyKind.ASSEMBLY:
            pool = available_lots(wh, {x.sku_id for x in lines})
            outs = stock.record_moves(
                assembly_rules.assembly_out_lines(
                    warehouse=wh, date=day, lines=issue_lines(lines, pool)
                ),
                source=locked.ref(),
                user=user,
            )
            kit_in = assembly_rules.kit_in_line(
                kit=kit,
                warehouse=wh,
                date=day,
                qty=locked.qty,
                component_values=[m.value for m in outs],
                bin=locked.kit_bin_id,
                batch=batch_id_of(kit, locked.kit_batch_number, create=True),
            )
            stock.record_moves([kit_in], source=locked.ref(), user=user)
            return
        kit_lots = issue_lots(
            qty=locked.qty,
            sku_id=kit,
            bin_id=locked.kit_bin_id,
            batch_id=batch_id_of(kit, locked.kit_batch_number, create=False),
            serials=(),
            pool=available_lots(wh, {kit}),
        )
        kit_out = [
            assembly_rules.kit_out_line(kit=kit, warehouse=wh, date=day, qty=lot.qty, lot=lot)
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
                        batch=batch_id_of(x.sku_id, x.batch_number, create=True),
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


def reverse_assembly(a: Assembly, *, user, reason: str, date: dt.date | None = None) -> Assembly:
    """红冲: all moves of the assembly reversed (components back, kit out — or the reverse)."""
    return reverse_stock(a, user=user, reason=reason, date=date)
