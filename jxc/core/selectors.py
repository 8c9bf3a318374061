"""The shared kernel's reads."""

from django.core.cache import cache

from jxc.core.models import AuditLog, Company

_COMPANY_KEY = "jxc:company"


def company() -> Company:
    """The company of this database, created with defaults on first use."""
    found = cache.get(_COMPANY_KEY)
    if found is None:
        found = Company.objects.order_by("id").first()
        if found is None:
            found = Company.objects.create(name="jxc")
        cache.set(_COMPANY_KEY, found, 30)
    return found


def clear_company_cache() -> None:
    cache.delete(_COMPANY_KEY)


def document_prefix(doc_type: str, default: str) -> str:
    return (company().document_prefixes or {}).get(doc_type) or default


def audit_trail(obj, *, limit: int = 200):
    """操作记录 of one object, newest first."""
    return (
        AuditLog.objects.select_related("user")
        .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("-at", "-id")[:limit]
    )
