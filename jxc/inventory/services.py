"""Writes of inventory master data: warehouses, bins, stock limits, warehouse scope."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jxc.core.errors import ValidationFailed
from jxc.core.fields import QTY_PLACES, size_error
from jxc.core.services import record_audit, save_audited, set_active
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.models import Bin, StockLimit, Warehouse

__all__ = ["set_active"]


# A warehouse's stock policy is a company setting: whoever keeps the warehouse (仓管) may edit
# its name or keeper, but switching off the negative-stock guard needs ``company.edit``.
WAREHOUSE_POLICY_FIELDS = ("allow_negative",)
WAREHOUSE_POLICY_PERM = "company.edit"


def _ensure_may_set_policy(user, warehouse: Warehouse | None, fields: dict[str, Any]) -> None:
    from jxc.core.errors import PermissionDenied

    if user is None or user.has_jxc_perm(WAREHOUSE_POLICY_PERM):
        return
    for name in WAREHOUSE_POLICY_FIELDS:
        if name not in fields:
            continue
        current = getattr(warehouse if warehouse is not None else Warehouse(), name)
        if fields[name] != current:
            raise PermissionDenied(perm=WAREHOUSE_POLICY_PERM)


@transaction.atomic
def create_warehouse(*, user, **fields: Any) -> Warehouse:
    _ensure_may_set_policy(user, None, fields)
    warehouse = save_audited(Warehouse(**fields), user=user, unique_fields=("code",))
    if user is not None and not (user.all_warehouses or user.is_superuser):
        # A user limited to some warehouses keeps seeing the one they just created.
        before = _scope_codes(user)
        user.scoped_warehouses.add(warehouse)
        record_audit(
            user=user,
            obj=user,
            action="update",
            changes={"warehouses": [before, _scope_codes(user)]},
        )
    return warehouse


def update_warehouse(warehouse: Warehouse, *, user, **fields: Any) -> Warehouse:
    _ensure_may_set_policy(user, warehouse, fields)
    for k, v in fields.items():
        setattr(warehouse, k, v)
    return save_audited(warehouse, user=user, unique_fields=("code",))


def lent_location(warehouse: Warehouse) -> Warehouse:
    """借出仓 of a warehouse: where what it lends out sits (made on first use). Its stock is
    still ours and valued, but not on hand in the warehouse (docs/adr/0003-loans.md)."""
    found = Warehouse.objects.filter(lent_from=warehouse).first()
    if found is not None:
        return found
    made = Warehouse.objects.create(
        code=f"{warehouse.code}-JC"[:40],
        name=f"{warehouse.name} · {_('Lent out')}"[:80],
        kind=WarehouseKind.LENT,
        lent_from=warehouse,
        site=warehouse.site,
        allow_negative=False,
    )
    record_audit(user=None, obj=made, action="create", changes={"lent_from": [None, warehouse.pk]})
    return made


def create_bin(*, user, warehouse: Warehouse, code: str, name: str = "") -> Bin:
    if Bin.objects.filter(warehouse=warehouse, code=code.strip()).exists():
        from jxc.core.errors import DuplicateCode

        raise DuplicateCode(field="code", value=code)
    return save_audited(
        Bin(warehouse=warehouse, code=code.strip(), name=name), user=user, unique_fields=("code",)
    )


def update_bin(bin_: Bin, *, user, **fields: Any) -> Bin:
    for k, v in fields.items():
        setattr(bin_, k, v)
    return save_audited(bin_, user=user, unique_fields=("code",))


@transaction.atomic
def set_stock_limit(
    *, user, sku, warehouse: Warehouse, min_qty: Decimal | None, max_qty: Decimal | None
) -> StockLimit | None:
    """Set 安全库存 / 最高库存; both empty removes the limit."""
    errors: dict[str, list] = {}
    for name, value in (("min_qty", min_qty), ("max_qty", max_qty)):
        if value is not None and (error := size_error(value, QTY_PLACES)) is not None:
            # 1e400 or 21 digits: refused here, not stored where it cannot be read back.
            errors.setdefault(name, []).append(error)
        elif value is not None and value < 0:
            errors.setdefault(name, []).append(_("A quantity cannot be below zero."))
    if errors:
        raise ValidationFailed(errors)
    if min_qty is not None and max_qty is not None and min_qty > max_qty:
        errors.setdefault("min_qty", []).append(
            _("The minimum stock cannot be above the maximum stock.")
        )
    if errors:
        raise ValidationFailed(errors)
    if min_qty is None and max_qty is None:
        StockLimit.objects.filter(sku=sku, warehouse=warehouse).delete()
        record_audit(
            user=user,
            obj=sku,
            action="update",
            changes={f"stock_limit:{warehouse.code}": ["…", None]},
        )
        return None
    limit, _created = StockLimit.objects.update_or_create(
        sku=sku, warehouse=warehouse, defaults={"min_qty": min_qty, "max_qty": max_qty}
    )
    record_audit(
        user=user,
        obj=sku,
        action="update",
        changes={f"stock_limit:{warehouse.code}": [None, [str(min_qty), str(max_qty)]]},
    )
    return limit


@transaction.atomic
def set_user_warehouses(*, user, target, warehouses: list[Warehouse] | None) -> None:
    """Data scope: ``None`` gives the user every warehouse; a list limits them to it."""
    before = _scope_codes(target)
    target.all_warehouses = warehouses is None
    target.save(update_fields=["all_warehouses"])
    target.scoped_warehouses.set(warehouses or [])
    after = _scope_codes(target)
    if after != before:  # saving a user's form unchanged adds no audit line
        record_audit(
            user=user, obj=target, action="update", changes={"warehouses": [before, after]}
        )


def _scope_codes(user) -> str | list[str]:
    """A user's warehouse scope as the audit stores it: ``*`` for all, else the codes."""
    if user.all_warehouses:
        return "*"
    return sorted(user.scoped_warehouses.values_list("code", flat=True))


# --- The stock ledger: the one writer (docs/ledger.md) -------------------------------------
from jxc.inventory.ledger.buckets import (  # noqa: E402
    ensure_batch,
    record_in_transit,
    record_on_order,
    record_on_order_many,
    release,
    reserve,
    reserve_many,
)
from jxc.inventory.ledger.checks import rebuild_balances  # noqa: E402
from jxc.inventory.ledger.locks import lock_skus  # noqa: E402
from jxc.inventory.ledger.periodic import settle_periodic_average  # noqa: E402
from jxc.inventory.ledger.writer import record_moves, reverse_moves  # noqa: E402

__all__ += [
    "ensure_batch",
    "lock_skus",
    "rebuild_balances",
    "record_in_transit",
    "record_moves",
    "record_on_order",
    "record_on_order_many",
    "release",
    "reserve",
    "reserve_many",
    "reverse_moves",
    "settle_periodic_average",
]
