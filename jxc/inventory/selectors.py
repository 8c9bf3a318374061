"""Reads of inventory master data, always within the user's warehouse scope."""

from django.db.models import Q, QuerySet

from jxc.inventory.models import Warehouse


def warehouses_for(user, *, active_only: bool = False) -> QuerySet[Warehouse]:
    """The warehouses a user may see and act on (data scope, enforced here, not in menus)."""
    qs = Warehouse.objects.select_related("keeper")
    if active_only:
        qs = qs.filter(is_active=True)
    if user is None or user.is_superuser or user.all_warehouses:
        return qs
    return qs.filter(users=user)


def search_warehouses(q: str = "", *, user) -> QuerySet[Warehouse]:
    qs = warehouses_for(user)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("code")


def can_use_warehouse(user, warehouse: Warehouse) -> bool:
    return warehouses_for(user).filter(pk=warehouse.pk).exists()
