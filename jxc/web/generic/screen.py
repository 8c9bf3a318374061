"""``Screen``: one declaration gives a model its list, export, detail, create, edit and
停用/启用 pages, with permissions, warehouse scope and cost masking applied in one place.

    class UnitScreen(Screen):
        model = Unit
        resource = "unit"                      # permissions unit.view / create / edit / export
        path = "catalog/units"                 # /catalog/units/, …/new/, …/<pk>/, …/<pk>/edit/
        columns = [Column("name", link=True), Column("allow_fraction"), Column("is_active")]
        filterset_class = UnitFilterSet        # q, active, … (jxc/<app>/filters.py)
        form_class = UnitForm                  # a ServiceForm: parses, never saves
        create_service = services.create_unit  # (*, user, **cleaned_data) -> obj
        update_service = services.update_unit  # (obj, *, user, **cleaned_data) -> obj

    urlpatterns += UnitScreen().urls()         # names web:unit_list, unit_create, unit_detail,
                                               # unit_edit, unit_active, unit_export

Hooks to override when a screen needs more: ``get_queryset`` (selectors, scope),
``create`` / ``update`` (call a service with other arguments), ``get_form`` (limit choices),
``detail_sections`` (extra blocks on the detail page), ``inlines`` (related rows with an
add form, e.g. a warehouse's bins).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

from jxc.core import services as core_services
from jxc.core.documents.approval import permitted
from jxc.core.documents.models import Document
from jxc.web.generic.columns import Column
from jxc.web.generic.forms import drop_cost_fields

# Detail rows named by a string that need more than the model field gives: a document's
# ``status_reason`` (why it was voided, rejected or reversed) is called so, and shown only when
# there is one, so 原因 does not appear twice beside the document's own reason (赠品 …).
DETAIL_COLUMNS = {
    "status_reason": Column(
        "status_reason",
        label=pgettext_lazy("document", "Reason for rejecting, voiding or reversing"),
        hide_empty=True,
    ),
}

# Function-valued attributes a subclass may set to a plain function (not a method).
_FUNCTION_ATTRS = ("create_service", "update_service", "active_service", "search")


@dataclass
class Section:
    """An extra block on a detail page: a title and a template rendered with ``context``."""

    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    id: str = ""


@dataclass
class Inline:
    """Related rows shown on the parent's detail page, with an optional add form.

    ``Inline("bins", _("Bins"), rows=lambda wh: wh.bins.all(), columns=[…],
    form_class=BinForm, create=lambda parent, user, data: services.create_bin(
    user=user, warehouse=parent, **data), resource="bin")``
    """

    name: str
    label: Any
    rows: Callable[[Any], QuerySet]
    columns: list[Column]
    form_class: type[forms.BaseForm] | None = None
    create: Callable[[Any, Any, dict[str, Any]], Any] | None = None
    resource: str = ""  # permissions <resource>.<add_action> to add, <resource>.edit to toggle
    add_action: str = "create"
    toggle_active: bool = False
    # 修改 a row: ``update(row, user, data)`` with the same form; 删除 (for rows nothing
    # refers to, such as contacts): ``remove(row, user)``. Both need <resource>.<edit_action>.
    update: Callable[[Any, Any, dict[str, Any]], Any] | None = None
    remove: Callable[[Any, Any], Any] | None = None
    edit_action: str = "edit"

    def bound_columns(self, model: type[models.Model]) -> list[Column]:
        return [c.bind(model) for c in self.columns]


class Screen:
    model: ClassVar[type[models.Model]]
    resource: ClassVar[str]
    name: ClassVar[str] = ""  # URL name prefix; default: the model name
    path: ClassVar[str] = ""  # URL path prefix; default: the model name
    label: ClassVar[Any] = None  # default: the model's verbose_name
    label_plural: ClassVar[Any] = None

    columns: ClassVar[list[Column]] = []
    filterset_class: ClassVar[Any] = None
    search: ClassVar[Callable[..., QuerySet] | None] = None  # q → queryset, without a filterset
    search_fields: ClassVar[tuple[str, ...]] = ()  # icontains on these, without either
    ordering: ClassVar[tuple[str, ...]] = ()  # default order; default: the model's
    per_page: ClassVar[int] = 20
    select_related: ClassVar[tuple[str, ...]] = ()
    # Warehouse data scope: "pk" for warehouses themselves, "warehouse" (a path) for rows that
    # belong to one. The rows outside the user's warehouses are left out of every page.
    warehouse_scope: ClassVar[str | None] = None

    form_class: ClassVar[type[forms.BaseForm] | None] = None
    edit_form_class: ClassVar[type[forms.BaseForm] | None] = None
    create_service: ClassVar[Callable[..., Any] | None] = None
    update_service: ClassVar[Callable[..., Any] | None] = None
    active_service: ClassVar[Callable[..., Any] | None] = staticmethod(core_services.set_active)
    detail_fields: ClassVar[list[str | Column] | None] = None
    inlines: ClassVar[list[Inline]] = []
    # Documents: buttons come from the workflow table (the document's ``WORKFLOW`` or this),
    # one service per action: {"submit": submit_document, "void": void_document, …}; a
    # transition that ``needs_reason`` gets ``reason=`` (asked for in the browser).
    workflow: ClassVar[Any] = None
    status_field: ClassVar[str] = "status"
    transition_services: ClassVar[dict[str, Callable[..., Any]]] = {}
    show_audit: ClassVar[bool] = True
    exportable: ClassVar[bool] = True

    list_template: ClassVar[str] = ""
    detail_template: ClassVar[str] = ""
    form_template: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for attr in _FUNCTION_ATTRS:
            value = cls.__dict__.get(attr)
            if callable(value) and not isinstance(value, staticmethod | classmethod):
                setattr(cls, attr, staticmethod(value))

    def arrange_columns(self, columns: list[Column]) -> list[Column]:
        """The list's columns as this screen shows them: ``columns`` (the class's, or a
        declared type's defaults) with what the screen adds or moves. Called once, before
        the list, the export and the detail page bind them — a screen that changed
        ``self.columns`` after ``__init__`` would change nothing they show."""
        return columns

    def __init__(self):
        meta = self.model._meta
        self.model_name = meta.model_name
        self.url_name = self.name or meta.model_name
        self.url_path = (self.path or meta.model_name or "").strip("/")
        self.verbose_name = self.label or meta.verbose_name
        # Lower case inside a sentence ("New customer"), a capital as a page title.
        self.verbose_name_plural = capfirst(self.label_plural or meta.verbose_name_plural)
        self.columns = self.arrange_columns(list(self.columns))  # type: ignore[misc]
        self.list_columns = [c.bind(self.model) for c in self.columns]
        fields = self.detail_fields if self.detail_fields is not None else self.columns
        self.detail_columns = [
            (DETAIL_COLUMNS.get(c) or Column(c) if isinstance(c, str) else c).bind(self.model)
            for c in fields
        ]
        self.has_active = any(f.name == "is_active" for f in meta.get_fields())

    # --- what the screen offers -------------------------------------------------------

    def can(self, user, action: str) -> bool:
        return bool(user.is_authenticated and user.has_jxc_perm(f"{self.resource}.{action}"))

    def object_for(self, request, pk: int, action: str = "view") -> Any:
        """The row ``pk`` among those the user may see, to ``action`` it: PermissionDenied
        without ``<resource>.<action>``, 404 outside their rows."""
        if not self.can(request.user, action):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    @property
    def can_create(self) -> bool:
        return self.form_class is not None and self.create_service is not None

    @property
    def can_update(self) -> bool:
        return (self.edit_form_class or self.form_class) is not None and (
            self.update_service is not None
        )

    @property
    def can_toggle(self) -> bool:
        return self.has_active and self.active_service is not None

    def url(self, view: str, *args) -> str:
        return reverse(f"web:{self.url_name}_{view}", args=args)

    def edit_url(self, obj) -> str:
        """The 修改 page of ``obj`` for its detail page's button, or "" where there is none:
        the screen has no edit form (no update service), or the row may not change now."""
        return self.url("edit", obj.pk) if self.can_update else ""

    def urls(self) -> list[URLPattern]:
        from jxc.web.generic import inlines as iv
        from jxc.web.generic import views as v

        p, n = self.url_path, self.url_name
        urls = [
            path(f"{p}/", v.ObjectListView.as_view(screen=self), name=f"{n}_list"),
            path(f"{p}/<int:pk>/", v.ObjectDetailView.as_view(screen=self), name=f"{n}_detail"),
        ]
        if self.exportable:
            urls.append(
                path(f"{p}/export/", v.ObjectExportView.as_view(screen=self), name=f"{n}_export")
            )
        if self.can_create:
            urls.append(
                path(f"{p}/new/", v.ObjectFormView.as_view(screen=self), name=f"{n}_create")
            )
        if self.can_update:
            urls.append(
                path(f"{p}/<int:pk>/edit/", v.ObjectFormView.as_view(screen=self), name=f"{n}_edit")
            )
        if self.can_toggle:
            urls.append(
                path(
                    f"{p}/<int:pk>/active/",
                    v.ObjectActiveView.as_view(screen=self),
                    name=f"{n}_active",
                )
            )
        if self.transition_services:
            urls.append(
                path(
                    f"{p}/<int:pk>/do/<slug:action>/",
                    v.ObjectTransitionView.as_view(screen=self),
                    name=f"{n}_transition",
                )
            )
        for inline in self.inlines:
            urls.append(
                path(
                    f"{p}/<int:pk>/{inline.name}/add/",
                    iv.InlineAddView.as_view(screen=self, inline_name=inline.name),
                    name=f"{n}_{inline.name}_add",
                )
            )
            if inline.toggle_active:
                urls.append(
                    path(
                        f"{p}/<int:pk>/{inline.name}/<int:row>/active/",
                        iv.InlineActiveView.as_view(screen=self, inline_name=inline.name),
                        name=f"{n}_{inline.name}_active",
                    )
                )
            if inline.update is not None:
                urls.append(
                    path(
                        f"{p}/<int:pk>/{inline.name}/<int:row>/edit/",
                        iv.InlineEditView.as_view(screen=self, inline_name=inline.name),
                        name=f"{n}_{inline.name}_edit",
                    )
                )
            if inline.remove is not None:
                urls.append(
                    path(
                        f"{p}/<int:pk>/{inline.name}/<int:row>/remove/",
                        iv.InlineRemoveView.as_view(screen=self, inline_name=inline.name),
                        name=f"{n}_{inline.name}_remove",
                    )
                )
        return urls

    # --- hooks --------------------------------------------------------------------------

    def get_queryset(self, request) -> QuerySet:
        """Every row this user may see (data scope applied here, not in templates)."""
        qs = self.model._default_manager.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return self.scope(request, qs)

    def scope(self, request, qs: QuerySet) -> QuerySet:
        if self.warehouse_scope:
            from jxc.inventory.selectors import warehouses_for

            allowed = warehouses_for(request.user).values("pk")
            qs = qs.filter(**{f"{self.warehouse_scope}__in": allowed})
        return qs

    def filter(self, request, qs: QuerySet) -> tuple[QuerySet, Any]:
        """Apply the list's filters (the app's FilterSet, or the search function)."""
        if self.filterset_class is not None:
            fs = self.filterset_class(request.GET or None, queryset=qs, request=request)
            return fs.qs, fs
        q = request.GET.get("q", "").strip()
        if q and self.search is not None:
            qs = qs.filter(pk__in=self.search(q).values("pk"))
        elif q and self.search_fields:
            cond = models.Q()
            for f in self.search_fields:
                cond |= models.Q(**{f"{f}__icontains": q})
            qs = qs.filter(cond)
        return qs, None

    def get_form(self, request, *, obj=None, data=None) -> forms.BaseForm:
        form_class = (self.edit_form_class or self.form_class) if obj else self.form_class
        assert form_class is not None
        kwargs: dict[str, Any] = {"data": data}
        if issubclass(form_class, forms.ModelForm):
            kwargs["instance"] = obj
        form = form_class(**kwargs)
        drop_cost_fields(form, request.user)
        return form

    def service_data(self, form) -> dict[str, Any]:
        if hasattr(form, "service_data"):
            return form.service_data()
        return dict(form.cleaned_data)

    def create(self, request, form):
        assert self.create_service is not None
        return self.create_service(user=request.user, **self.service_data(form))

    def update(self, request, obj, form):
        assert self.update_service is not None
        return self.update_service(obj, user=request.user, **self.service_data(form))

    def set_active(self, request, obj, active: bool):
        assert self.active_service is not None
        return self.active_service(obj, active=active, user=request.user)

    def workflow_of(self, obj):
        return getattr(obj, "WORKFLOW", None) or self.workflow

    def transitions_for(self, request, obj) -> list[Any]:
        """The workflow steps this user may take now (the detail page's buttons)."""
        workflow = self.workflow_of(obj)
        if workflow is None or not self.transition_services:
            return []
        current = getattr(obj, self.status_field)
        if isinstance(obj, Document):  # an approval step decides who approves (approval.may)
            return [
                t
                for t in workflow.actions_from(current)
                if t.action in self.transition_services
                and permitted(obj, t.action, user=request.user, resource=self.resource)
            ]
        return [
            t
            for t in workflow.actions_from(current, user=request.user, resource=self.resource)
            if t.action in self.transition_services
        ]

    def transition(self, request, obj, transition, reason: str = ""):
        service = self.transition_services[transition.action]
        kwargs: dict[str, Any] = {"user": request.user}
        if transition.needs_reason:
            kwargs["reason"] = reason
        return service(obj, **kwargs)

    def detail_sections(self, request, obj) -> list[Section]:
        """Extra blocks between the fields and the 操作记录 (override to add)."""
        return []

    def title(self, obj) -> str:
        return str(obj)
