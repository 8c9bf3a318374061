"""The views every ``Screen`` gets: list (with HTMX partial refresh), Excel export, detail,
create / edit through the domain service, 停用/启用, workflow steps (inline rows: inlines.py;
操作记录: audit.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jxc.core.errors import DomainError
from jxc.core.selectors import company
from jxc.core.visibility import can_view_cost
from jxc.web.generic.audit import audit_rows
from jxc.web.generic.columns import Column, display
from jxc.web.generic.forms import apply_domain_error, drop_cost_fields
from jxc.web.generic.screen import Inline, Screen, Section

PER_PAGE_CHOICES = (20, 50, 100)


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
        fields = [
            (c, c.html(obj, user=user, decimals=dec))
            for c in s.detail_columns
            if not (c.hide_empty and getattr(obj, c.name, None) in (None, ""))
        ]
        sections: list[Section] = [
            inline_section(s, request, obj, i, (inline_forms or {}).get(i.name)) for i in s.inlines
        ]
        sections += s.detail_sections(request, obj)
        sections += approval_sections(obj)
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
            "edit_url": s.edit_url(obj),
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
        obj = self.get_object(request, pk)
        step = next((t for t in s.transitions_for(request, obj) if t.action == action), None)
        # An approval step's approver may 审核 without the resource's permission (and the
        # submitter may 撤回): the same table as the buttons decides.
        if step is None and not s.can(request.user, action):
            raise PermissionDenied
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


__all__ = [
    "Column",
    "ObjectActiveView",
    "ObjectDetailView",
    "ObjectExportView",
    "ObjectFormView",
    "ObjectListView",
    "is_partial",
]


def approval_sections(obj) -> list[Section]:
    """审批记录: every declared document shows its approval timeline (when it has one)."""
    from jxc.approvals.services import timeline
    from jxc.core.documents.models import Document

    if not isinstance(obj, Document) or not obj.pk:
        return []
    rows = timeline(obj.ref().kind, obj.pk)
    if not rows:
        return []
    return [
        Section(
            title=gettext_lazy("Approval timeline"),
            template="web/approvals/_partials/timeline.html",
            context={"rows": rows},
            id="approval-timeline",
        )
    ]
