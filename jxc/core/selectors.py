"""The shared kernel's reads."""

from collections.abc import Callable

from jxc.core.models import AuditLog, Company

# "Does the ledger hold anything posted?" — asked by the apps that own a ledger (the core
# imports no app); the inventory registers "a stock move exists".
_POSTING_PROBES: list[Callable[[], bool]] = []


def register_posting_probe(probe: Callable[[], bool]) -> None:
    if probe not in _POSTING_PROBES:
        _POSTING_PROBES.append(probe)


def anything_posted() -> bool:
    """True once any ledger holds a posted entry: the costing settings are then fixed."""
    return any(probe() for probe in _POSTING_PROBES)


def company() -> Company:
    """The company of this database, created with defaults on first use.

    Read from the database every time (one primary-key lookup): a cached copy would let one
    gunicorn worker post with settings another worker has already changed, or outlive a
    rolled-back transaction.
    """
    found = Company.objects.order_by("id").first()
    if found is None:
        found = Company.objects.create(name="jxc")
    return found


def document_prefix(doc_type: str, default: str) -> str:
    return (company().document_prefixes or {}).get(doc_type) or default


def audit_trail(obj, *, limit: int = 200):
    """操作记录 of one object, newest first."""
    return (
        AuditLog.objects.select_related("user")
        .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("-at", "-id")[:limit]
    )
