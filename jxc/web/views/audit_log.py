"""设置 › 操作日志: the audit log, read-only, within the user's warehouse scope."""

from django.apps import apps
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core.models import AuditLog
from jxc.inventory import selectors as inventory_selectors
from jxc.web.generic import Column, Screen, Section
from jxc.web.generic.audit import audit_entry_rows

# --- audit log ------------------------------------------------------------------------------


def _object_type(entry: AuditLog, user) -> str:
    try:
        return str(apps.get_model(entry.object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return entry.object_type


def _changes(entry: AuditLog, user):
    """The first changes of an entry, read as on the record's own page (labels of choices,
    names instead of codes, empty fields of a new record left out, costs masked)."""
    changes = audit_entry_rows([entry], user, readable=True)[0]["changes"]
    return format_html_join(
        "",
        '<div><span class="muted">{}:</span> {}</div>',
        ((c["label"], "—" if c["after"] is None else c["after"]) for c in changes[:6]),
    ) or format_html("{}", "—")


class AuditLogScreen(Screen):
    """操作记录 of everything: who changed what, when (append-only, read-only here)."""

    model = AuditLog
    resource = "audit"
    path = "settings/audit"
    label_plural = gettext_lazy("Audit log")
    columns = [
        Column("at", link=True),
        Column("user", order_by="user__username"),
        Column(
            "action",
            label=gettext_lazy("Action"),
            value=lambda e, _u: _audit_action(e.action),
        ),
        Column("object_type", label=gettext_lazy("Type"), value=_object_type),
        Column("object_repr"),
        Column("changes", render=_changes, export=False, order_by=False, css="changes"),
        Column("reason"),
    ]
    search_fields = ("object_repr", "user__username", "user__first_name", "object_type", "action")
    select_related = ("user",)
    ordering = ("-at", "-id")
    per_page = 50
    show_audit = False

    def get_queryset(self, request):
        return _audit_in_warehouse_scope(request.user, super().get_queryset(request))

    def title(self, obj) -> str:
        return f"{_object_type(obj, None)} · {obj.object_repr}"

    def detail_sections(self, request, obj):
        return [
            Section(
                title=_("Changes"),
                template="web/settings/_audit_entry.html",
                context={"audit": audit_entry_rows([obj], request.user, readable=True)},
                id="changes",
            )
        ]


def _audit_in_warehouse_scope(user, qs):
    """A user limited to some warehouses does not read, in the log, about warehouses outside
    them, nor about rows that belong only to such warehouses (bins, warehouse documents)."""
    if user.is_superuser or user.all_warehouses:
        return qs
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from jxc.inventory.models import Warehouse

    allowed = inventory_selectors.warehouses_for(user).values("pk")
    for model in apps.get_models():
        if model is Warehouse:
            seen, linked = Q(pk__in=allowed), Q()
        else:
            links = [
                f.name
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is Warehouse
            ]
            if not links:
                continue
            seen, linked = Q(), Q()
            for name in links:
                seen |= Q(**{f"{name}__in": allowed})
                linked |= Q(**{f"{name}__isnull": False})
        hidden = (
            model._default_manager.filter(linked)
            .exclude(seen)
            .annotate(audit_id=Cast("pk", CharField()))
            .values("audit_id")
        )
        qs = qs.exclude(object_type=model._meta.label_lower, object_id__in=hidden)
    return qs


def _audit_action(action: str) -> str:
    from jxc.web.generic.audit import audit_action_label

    return audit_action_label(action)


urlpatterns = AuditLogScreen().urls()
