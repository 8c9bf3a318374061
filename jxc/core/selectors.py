"""The shared kernel's reads."""

from jxc.core.models import AuditLog, Company


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
