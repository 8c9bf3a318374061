"""The views every ``Screen`` gets: list (with HTMX partial refresh), Excel export, detail,
create / edit through the domain service, 停用/启用, and inline rows on the detail page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views import View

from jxc.core.errors import DomainError
from jxc.core.selectors import audit_trail, company
from jxc.core.visibility import can_view_cost
from jxc.web.generic.columns import Column, display
from jxc.web.generic.forms import apply_domain_error, drop_cost_fields
from jxc.web.generic.screen import Inline, Screen, Section

PER_PAGE_CHOICES = (20, 50, 100)
AUDIT_ACTIONS = {
    "create": pgettext_lazy("audit action", "Created"),
    "update": pgettext_lazy("audit action", "Changed"),
    "activate": pgettext_lazy("audit action", "Activated"),
    "deactivate": pgettext_lazy("audit action", "Deactivated"),
    "revoke": pgettext_lazy("audit action", "Revoked"),
    "set_password": pgettext_lazy("audit action", "Password changed"),
}


# Audit keys that name no field: what they are called on screen.
AUDIT_KEYS = {"stock_limit": pgettext_lazy("audit", "Stock limits")}


def is_partial(request) -> bool:
    """The one HTMX check: a request from htmx (not a boosted page load) gets a fragment."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


def decimals() -> dict[str, int]:
    c = company()
    return {"price": c.price_decimals, "qty": c.qty_decimals}


class ScreenView(LoginRequiredMixin, View):
    screen: Screen = None  # type: ignore[assignment]  # set by Screen.urls()
    action = "view"

    def handle_no_permission(self):
        # A list refreshed by htmx after the session ended: send the whole page to the
        # sign-in form instead of drawing the sign-in page inside the list.
        request = self.request
        if not request.user.is_authenticated and getattr(request, "htmx", False):
            from django.contrib.auth.views import redirect_to_login
            from django.http import HttpResponse

            login = redirect_to_login(request.get_full_path())["Location"]
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login
            return response
        return super().handle_no_permission()

    def check(self, request, action: str | None = None) -> None:
        if not self.screen.can(request.user, action or self.action):
            raise PermissionDenied

    def get_object(self, request, pk: int):
        return get_object_or_404(self.screen.get_queryset(request), pk=pk)

    def template(self, kind: str, override: str) -> list[str]:
        s = self.screen
        names = [override] if override else []
        app = s.model._meta.app_label
        names += [f"web/{app}/{s.model_name}_{kind}.html", f"web/generic/object_{kind}.html"]
        return names

    def base_context(self, request) -> dict[str, Any]:
        s = self.screen
        names = {"list": "list", "create": "create", "export": "export"}
        urls = {}
        for key, view in names.items():
            try:
                urls[key] = s.url(view)
            except NoReverseMatch:
                urls[key] = ""
        return {
            "screen": s,
            "urls": urls,
            "perms_": {a: s.can(request.user, a) for a in ("view", "create", "edit", "export")},
            "can_view_cost": can_view_cost(request.user),
        }


class ListState:
    """The list's query after filtering, sorting and paging (shared by list and export)."""

    def __init__(self, screen: Screen, request):
        self.screen = screen
        qs = screen.get_queryset(request)
        qs, self.filterset = screen.filter(request, qs)
        sortable = {c.name: c.order_by for c in screen.list_columns if c.sortable}
        raw = request.GET.get("ordering", "")
        key = raw.lstrip("-")
        self.ordering = raw if key in sortable else ""
        if self.ordering:
            expr = str(sortable[key])
            qs = qs.order_by(("-" if raw.startswith("-") else "") + expr, "pk")
        elif screen.ordering:
            qs = qs.order_by(*screen.ordering)
        self.queryset = qs
        self.params = {k: v for k, v in request.GET.items() if k not in ("page", "_")}

    def query(self, **changes) -> str:
        params = {**self.params, **changes}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class ObjectListView(ScreenView):
    def get(self, request):
        self.check(request)
        s = self.screen
        state = ListState(s, request)
        try:
            per_page = int(request.GET.get("per_page", s.per_page))
        except ValueError:
            per_page = s.per_page
        if per_page not in (*PER_PAGE_CHOICES, s.per_page):
            per_page = s.per_page
        paginator = Paginator(state.queryset, per_page)
        page = paginator.get_page(request.GET.get("page"))
        user, dec = request.user, decimals()
        rows = [
            {
                "obj": obj,
                "url": s.url("detail", obj.pk),
                "cells": [(c, c.html(obj, user=user, decimals=dec)) for c in s.list_columns],
            }
            for obj in page.object_list
        ]
        headers = []
        for c in s.list_columns:
            direction = ""
            if state.ordering.lstrip("-") == c.name:
                direction = "desc" if state.ordering.startswith("-") else "asc"
            nxt = c.name if direction != "asc" else f"-{c.name}"
            headers.append(
                {
                    "column": c,
                    "direction": direction,
                    "query": state.query(ordering=nxt) if c.sortable else "",
                }
            )
        filter_form = None
        if state.filterset is not None:
            filter_form = state.filterset.form
            for hidden in ("q", "ordering"):
                filter_form.fields.pop(hidden, None)
            _friendly_filter_choices(filter_form)
        context = {
            **self.base_context(request),
            "rows": rows,
            "headers": headers,
            "page": page,
            "paginator": paginator,
            "pages": [
                {"gap": True}
                if n == paginator.ELLIPSIS
                else {"n": n, "current": n == page.number, "query": state.query(page=n)}
                for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
            ],
            "partial": is_partial(request),
            "state": state,
            "q": request.GET.get("q", ""),
            "per_page": per_page,
            "per_page_choices": PER_PAGE_CHOICES,
            "filter_form": filter_form,
            "filters_active": bool(
                filter_form is not None and any(request.GET.get(n) for n in filter_form.fields)
            ),
            "export_query": state.query(),
        }
        if is_partial(request):
            return TemplateResponse(request, "web/generic/_partials/list_results.html", context)
        return TemplateResponse(request, self.template("list", s.list_template), context)


def _friendly_filter_choices(form) -> None:
    """Filters read 全部 / 启用 / 停用 instead of Django's 未知 / 是 / 否 and dashes."""
    from django import forms

    everything = _("All")
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(field, forms.NullBooleanField):
            yes, no = (_("Active"), _("Inactive")) if name == "active" else (_("Yes"), _("No"))
            widget.choices = [("unknown", everything), ("true", yes), ("false", no)]
        elif isinstance(field, forms.ModelChoiceField):
            field.empty_label = everything
        elif isinstance(field, forms.ChoiceField) and field.choices:
            choices = list(field.choices)  # type: ignore[arg-type]
            if choices[0][0] == "":
                field.choices = [("", everything), *choices[1:]]


class ObjectExportView(ScreenView):
    action = "export"

    def get(self, request):
        from jxc.web.generic.export import xlsx_response

        self.check(request)
        state = ListState(self.screen, request)
        return xlsx_response(self.screen, state.queryset, user=request.user)


class ObjectDetailView(ScreenView):
    def get(self, request, pk: int):
        self.check(request)
        obj = self.get_object(request, pk)
        return self.render(request, obj)

    def render(self, request, obj, *, inline_forms: dict | None = None, status: int = 200):
        s = self.screen
        user, dec = request.user, decimals()
        fields = [(c, c.html(obj, user=user, decimals=dec)) for c in s.detail_columns]
        sections: list[Section] = [
            inline_section(s, request, obj, i, (inline_forms or {}).get(i.name)) for i in s.inlines
        ]
        sections += s.detail_sections(request, obj)
        current = getattr(obj, s.status_field, None) if s.workflow_of(obj) else None
        context = {
            **self.base_context(request),
            "obj": obj,
            "title": s.title(obj),
            "status_tag": (
                display("tag", current, obj=obj, name=s.status_field) if current is not None else ""
            ),
            "fields": fields,
            "sections": sections,
            "edit_url": s.url("edit", obj.pk) if s.can_update else "",
            "transitions": [
                {"t": t, "url": s.url("transition", obj.pk, t.action)}
                for t in s.transitions_for(request, obj)
            ],
            "active_url": s.url("active", obj.pk) if s.can_toggle else "",
            "audit": audit_rows(obj, user, readable=True) if s.show_audit else None,
        }
        return TemplateResponse(
            request, self.template("detail", s.detail_template), context, status=status
        )


def inline_section(screen: Screen, request, obj, inline: Inline, form=None) -> Section:
    user, dec = request.user, decimals()
    rows_qs = inline.rows(obj)
    columns = inline.bound_columns(rows_qs.model)
    may_add = (
        inline.form_class is not None
        and inline.create is not None
        and user.has_jxc_perm(f"{inline.resource}.{inline.add_action}")
    )
    may_toggle = inline.toggle_active and user.has_jxc_perm(f"{inline.resource}.edit")
    may_edit = user.has_jxc_perm(f"{inline.resource}.{inline.edit_action}")
    if may_add and form is None:
        assert inline.form_class is not None
        form = inline.form_class()
        drop_cost_fields(form, user)
    rows = [
        {
            "obj": row,
            "cells": [(c, c.html(row, user=user, decimals=dec)) for c in columns],
            "toggle_url": (
                screen.url(f"{inline.name}_active", obj.pk, row.pk) if may_toggle else ""
            ),
            "edit_url": (
                screen.url(f"{inline.name}_edit", obj.pk, row.pk)
                if may_edit and inline.update is not None
                else ""
            ),
            "remove_url": (
                screen.url(f"{inline.name}_remove", obj.pk, row.pk)
                if may_edit and inline.remove is not None
                else ""
            ),
        }
        for row in rows_qs
    ]
    return Section(
        title=inline.label,
        template="web/generic/_partials/inline.html",
        id=f"inline-{inline.name}",
        context={
            "inline": inline,
            "columns": columns,
            "rows": rows,
            "form": form if may_add else None,
            "add_url": screen.url(f"{inline.name}_add", obj.pk) if may_add else "",
            "row_actions": inline.toggle_active
            or (may_edit and (inline.update is not None or inline.remove is not None)),
        },
    )


def audit_rows(obj, user, *, readable: bool = False) -> list[dict[str, Any]]:
    """操作记录 of one object, newest first (see ``audit_entry_rows``)."""
    return audit_entry_rows(audit_trail(obj), user, model=type(obj), readable=readable)


def audit_entry_rows(entries, user, *, model=None, readable: bool = False) -> list[dict[str, Any]]:
    """Audit lines with field labels, and cost figures masked for users without cost.view.

    ``readable``: also name what is not a field of the model (a supplier's ``contacts``, a
    user's ``warehouses``) and show lists of codes as the names of their rows (角色 仓管、销售
    instead of ``['keeper', 'sales']``). Screens that post-process the raw keys and lists
    themselves leave it off.
    """
    from django.apps import apps

    from jxc.web.generic.columns import mask_value, model_field

    out = []
    for entry in entries:
        entry_model = model
        if entry_model is None:
            try:
                entry_model = apps.get_model(entry.object_type)
            except (LookupError, ValueError):
                entry_model = None
        changes = []
        for name, pair in (entry.changes or {}).items():
            field = model_field(entry_model, name) if entry_model else None
            label = getattr(field, "verbose_name", None) or name
            before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
            if entry.action == "create" and after in (None, "", False, [], {}):
                continue  # a new record: only the fields that were filled in
            if readable:
                related = _related_model(entry_model, name, field)
                if not getattr(field, "verbose_name", None) and related is not None:
                    label = related._meta.verbose_name_plural
                before, after = (
                    _readable(
                        field, related, mask_value(entry_model, name, v, user), owner=entry_model
                    )
                    for v in (before, after)
                )
                head, _sep, tail = name.partition(":")
                if tail and label == name:  # "stock_limit:ZC" → 库存上下限 ZC
                    label = f"{AUDIT_KEYS.get(head, head)} {tail}"
                label = capfirst(label)
            else:
                before = mask_value(entry_model, name, audit_value(field, before), user)
                after = mask_value(entry_model, name, audit_value(field, after), user)
            changes.append(
                {
                    "label": label,
                    "before": before,
                    "after": after,
                    "created": entry.action == "create",
                }
            )
        out.append(
            {
                "entry": entry,
                "action": AUDIT_ACTIONS.get(entry.action, entry.action),
                "changes": changes,
            }
        )
    return out


def _related_model(model, name: str, field):
    """The model a change's values point at: the field's (a foreign key, roles, a reverse
    relation such as a supplier's contacts), else a model named like the key (a user's
    ``warehouses`` data scope is stored under that name)."""
    from django.apps import apps

    related = getattr(field, "related_model", None)
    if related is not None or model is None:
        return related
    candidates = [m for m in apps.get_models() if f"{m._meta.model_name}s" == name]
    same_app = [m for m in candidates if m._meta.app_label == model._meta.app_label]
    found = same_app or candidates
    return found[0] if found else None


def _readable(field, related, value, *, owner=None) -> Any:
    """One side of a change for people: a list of codes or ids becomes the rows' names, rows
    of a sub-table (a SKU's units) read ``计量单位: 箱, 换算率: 24, 零售价: 62.4``."""
    if not isinstance(value, list):
        return audit_value(field, value)
    if not value:
        return None
    if any(isinstance(v, dict | list) for v in value):
        if related is None or not all(isinstance(v, dict) for v in value):
            return value
        return "；".join(_readable_row(related, row, owner=owner) for row in value)
    if related is None:
        return " / ".join(str(v) for v in value)  # e.g. a stock limit's min / max
    names = {}
    if related is not None:
        opts = related._meta
        key = "code" if any(f.name == "code" for f in opts.get_fields()) else "pk"
        wanted = [v for v in value if key == "code" or isinstance(v, int)]
        names = {
            str(getattr(row, key)): str(row)
            for row in related._default_manager.filter(**{f"{key}__in": wanted})
        }
    return "、".join(names.get(str(v), str(v)) for v in value)


def _readable_row(model, row: dict, *, owner=None) -> str:
    from jxc.web.generic.columns import model_field

    parts = []
    for key, raw in row.items():
        field = model_field(model, key)
        if raw in (None, "", False, "0") or (
            owner is not None and getattr(field, "related_model", None) is owner
        ):
            continue  # empty, or the link back to the record the entry is about
        label = getattr(field, "verbose_name", None) or key
        parts.append(f"{label}: {audit_value(field, raw)}")
    return ", ".join(parts)


def audit_value(field, value) -> Any:
    """A stored audit value as a person reads it: labels of choices, names of related rows."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value == "*":
        return _("All")  # a data scope or permission list that covers everything
    if field is None:
        return value
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if getattr(field, "many_to_one", False) and isinstance(value, int | str):
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else value
    return value


class ObjectFormView(ScreenView):
    """新增 / 编辑: parse with the form, save with the service, errors back on the form."""

    def dispatch(self, request, *args, **kwargs):
        self.action = "edit" if "pk" in kwargs else "create"
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int | None = None):
        self.check(request)
        obj = self.get_object(request, pk) if pk else None
        return self.render(request, self.screen.get_form(request, obj=obj), obj)

    def post(self, request, pk: int | None = None):
        self.check(request)
        s = self.screen
        obj = self.get_object(request, pk) if pk else None
        form = s.get_form(request, obj=obj, data=request.POST)
        if form.is_valid():
            try:
                saved = s.update(request, obj, form) if obj else s.create(request, form)
            except DomainError as exc:
                apply_domain_error(form, exc, request)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.success_url(request, saved))
        return self.render(request, form, obj)

    def success_url(self, request, saved) -> str:
        nxt = request.POST.get("next") or request.GET.get("next")
        if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
            return nxt
        return self.screen.url("detail", saved.pk)

    def render(self, request, form, obj):
        s = self.screen
        context = {
            **self.base_context(request),
            "form": form,
            "obj": obj,
            "title": (
                _("Edit %(name)s") % {"name": s.verbose_name}
                if obj
                else _("New %(name)s") % {"name": s.verbose_name}
            ),
            "cancel_url": s.url("detail", obj.pk) if obj else s.url("list"),
        }
        return TemplateResponse(request, self.template("form", s.form_template), context)


class ObjectActiveView(ScreenView):
    """停用 / 启用 (POST ``active=0|1``); master data is never deleted."""

    action = "edit"

    def post(self, request, pk: int):
        self.check(request)
        obj = self.get_object(request, pk)
        active = request.POST.get("active") == "1"
        try:
            self.screen.set_active(request, obj, active)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Activated.") if active else _("Deactivated."))
        return redirect(self.screen.url("detail", obj.pk))


class ObjectTransitionView(ScreenView):
    """提交 / 审核 / 过账 / 作废 …: one POST per workflow step, allowed by the same table
    that draws the buttons; the document's service does the work."""

    def post(self, request, pk: int, action: str):
        s = self.screen
        self.check(request, "view")
        if not s.can(request.user, action):
            raise PermissionDenied
        obj = self.get_object(request, pk)
        step = next((t for t in s.transitions_for(request, obj) if t.action == action), None)
        reason = request.POST.get("reason", "").strip()
        if step is None:
            messages.error(request, _("This step is not possible in the document's status."))
        elif step.needs_reason and not reason:
            messages.error(request, _("Please give a reason."))
        else:
            try:
                s.transition(request, obj, step, reason)
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("%(action)s: done.") % {"action": step.label})
        return redirect(s.url("detail", obj.pk))


class InlineView(ScreenView):
    inline_name = ""

    @property
    def inline(self) -> Inline:
        for inline in self.screen.inlines:
            if inline.name == self.inline_name:
                return inline
        raise Http404

    def check_inline(self, request, action: str) -> None:
        self.check(request, "view")
        if not request.user.has_jxc_perm(f"{self.inline.resource}.{action}"):
            raise PermissionDenied


class InlineAddView(InlineView):
    def post(self, request, pk: int):
        self.check_inline(request, self.inline.add_action)
        inline = self.inline
        obj = self.get_object(request, pk)
        assert inline.form_class is not None and inline.create is not None
        form = inline.form_class(data=request.POST)
        drop_cost_fields(form, request.user)
        if form.is_valid():
            try:
                inline.create(obj, request.user, dict(form.cleaned_data))
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.screen.url("detail", obj.pk) + f"#inline-{inline.name}")
        detail = ObjectDetailView(screen=self.screen)
        return detail.render(request, obj, inline_forms={inline.name: form})


class InlineActiveView(InlineView):
    def post(self, request, pk: int, row: int):
        self.check_inline(request, "edit")
        inline = self.inline
        obj = self.get_object(request, pk)
        target = get_object_or_404(inline.rows(obj), pk=row)
        active = request.POST.get("active") == "1"
        from jxc.core.services import set_active

        set_active(target, active=active, user=request.user)
        messages.success(request, _("Activated.") if active else _("Deactivated."))
        return redirect(self.screen.url("detail", obj.pk) + f"#inline-{inline.name}")


class InlineEditView(InlineView):
    """修改 one related row (a contact's phone, a bin's name) with the inline's own form."""

    def row(self, request, pk: int, row: int):
        self.check_inline(request, self.inline.edit_action)
        obj = self.get_object(request, pk)
        return obj, get_object_or_404(self.inline.rows(obj), pk=row)

    def get(self, request, pk: int, row: int):
        obj, target = self.row(request, pk, row)
        return self.render(request, obj, target, self.form(request, target))

    def post(self, request, pk: int, row: int):
        obj, target = self.row(request, pk, row)
        inline = self.inline
        form = self.form(request, target, data=request.POST)
        if form.is_valid():
            assert inline.update is not None
            try:
                inline.update(target, request.user, dict(form.cleaned_data))
            except DomainError as exc:
                apply_domain_error(form, exc, request)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.screen.url("detail", obj.pk) + f"#inline-{inline.name}")
        return self.render(request, obj, target, form)

    def form(self, request, target, data=None):
        from django import forms as django_forms

        form_class = self.inline.form_class
        assert form_class is not None
        kwargs: dict[str, Any] = {"data": data}
        if issubclass(form_class, django_forms.ModelForm):
            kwargs["instance"] = target
        form = form_class(**kwargs)
        drop_cost_fields(form, request.user)
        return form

    def render(self, request, obj, target, form):
        context = {
            **self.base_context(request),
            "form": form,
            "obj": obj,
            "title": _("Edit %(name)s") % {"name": target},
            "cancel_url": self.screen.url("detail", obj.pk) + f"#inline-{self.inline.name}",
        }
        return TemplateResponse(request, "web/generic/object_form.html", context)


class InlineRemoveView(InlineView):
    def post(self, request, pk: int, row: int):
        self.check_inline(request, self.inline.edit_action)
        inline = self.inline
        obj = self.get_object(request, pk)
        target = get_object_or_404(inline.rows(obj), pk=row)
        assert inline.remove is not None
        try:
            inline.remove(target, request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Removed."))
        return redirect(self.screen.url("detail", obj.pk) + f"#inline-{inline.name}")


__all__ = [
    "Column",
    "ObjectActiveView",
    "ObjectDetailView",
    "ObjectExportView",
    "ObjectFormView",
    "ObjectListView",
    "is_partial",
]
