"""A document's draft form — 新建 / 修改草稿: the header fields and the line grid, 保存 and
保存并过账 — and the SKU units the grid asks for. The view behind ``DocumentScreen``'s
``_create`` / ``_edit`` URLs (jxc.web.generic.documents)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.visibility import can_view_cost
from jxc.inventory.models import Warehouse
from jxc.web.generic.line_grid import (
    cost_columns,
    grid_state,
    parse_lines,
    row_errors,
    rows_of,
    units_of,
)
from jxc.web.generic.post_at_once import can_post_at_once, create_and_post, post_at_once

if TYPE_CHECKING:
    from jxc.web.generic.documents import DocumentScreen
    from jxc.web.generic.screen import Screen


def offered_warehouses(form) -> list[QuerySet]:
    """The warehouses a header form offers, one queryset per field (the line grid offers
    their bins: a transfer's 调入货位 among those of any warehouse it may go to)."""
    fields = [f for f in form.fields.values() if isinstance(f, ModelChoiceField)]
    return [f.queryset for f in fields if f.queryset is not None and f.queryset.model is Warehouse]


def _check(screen: Screen, request, action: str) -> None:
    if not screen.can(request.user, action):
        raise PermissionDenied


@login_required
def document_form(request, pk: int | None = None, *, screen: DocumentScreen):
    """新建 / 修改草稿: header fields and the line grid; the service checks and saves."""
    _check(screen, request, "edit" if pk else "create")
    obj = get_object_or_404(screen.get_queryset(request), pk=pk) if pk else None
    if obj is not None and not obj.is_editable:
        messages.error(request, _("Only a draft can be changed."))
        return redirect(screen.url("detail", obj.pk))
    hidden = frozenset() if can_view_cost(request.user) else cost_columns(screen.line_model())
    columns = [c for c in screen.grid_columns if c not in hidden]
    grid_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        # ``initial``: the draft's own warehouse stays a valid choice (see offer_active).
        form = screen.header_form(
            request.POST, initial=screen.form_initial(obj), user=request.user, kind=screen.kind
        )
        parsed = parse_lines(request.POST, columns)
        rows = parsed.rows
        grid_errors = dict(row_errors(parsed.errors)[0])
        if not form.is_valid() and not parsed.errors:
            # The header is wrong, so the service is not asked; still show the lines' errors.
            grid_errors.update(row_errors(screen.line_errors(parsed.lines))[0])
        if form.is_valid() and not parsed.errors:
            # 保存并过账 of a new document: created and posted in one transaction
            at_once = bool(
                obj is None
                and request.POST.get("and_post")
                and can_post_at_once(screen, request.user)
            )
            try:
                if at_once:
                    saved = create_and_post(screen, request, dict(form.cleaned_data), parsed.lines)
                else:
                    saved = screen.save_document(
                        request, obj, dict(form.cleaned_data), parsed.lines
                    )
            except DomainError as exc:
                if isinstance(exc, ValidationFailed) and exc.errors:
                    grid, header = row_errors(exc.errors)
                    grid_errors.update(grid)
                    for name, msgs in header.items():
                        form.add_error(name if name in form.fields else None, msgs)
                else:
                    form.add_error(None, str(exc))
            else:
                and_post = request.POST.get("and_post")
                if at_once:  # created and posted: create_and_post gave its message
                    pass
                elif and_post and can_post_at_once(screen, request.user, saved):
                    saved = post_at_once(screen, request, saved)
                else:
                    messages.success(request, _("Saved."))
                return redirect(screen.url("detail", saved.pk))
        units = units_of(int(r["sku"]) for r in rows if r["sku"].isdigit())
        for r in rows:
            r["units"] = units.get(int(r["sku"]), []) if r["sku"].isdigit() else []
    else:
        initial, rows = screen.new_document(request) if obj is None else (None, [])
        form = screen.header_form(
            initial=initial or screen.form_initial(obj), user=request.user, kind=screen.kind
        )
        if obj is not None:
            lines = list(screen.lines_of(obj))
            rows = rows_of(lines, sku_units=units_of(x.sku_id for x in lines))
    # The grid's state is in the page: a column the user may not see is not in its rows either.
    rows = [{k: v for k, v in r.items() if k not in hidden} for r in rows]
    state = grid_state(
        rows=rows,
        columns=columns,
        errors=grid_errors,
        user=request.user,
        labels=screen.grid_labels,
        warehouses=offered_warehouses(form),
    )
    title = (
        _("Edit %(name)s") % {"name": f"{screen.verbose_name} {obj.number}"}
        if obj
        else _("New %(name)s") % {"name": screen.verbose_name}
    )
    return TemplateResponse(
        request,
        screen.form_template or "web/inventory/document_form.html",
        {
            "screen": screen,
            "form": form,
            "obj": obj,
            "title": title,
            "grid_state": state,
            "grid_all_errors": grid_errors.get("all", []),
            "save_and_post": can_post_at_once(screen, request.user, obj),
            "line_hint": screen.line_hint,
            "list_url": screen.url("list"),
            "cancel_url": screen.url("detail", obj.pk) if obj else screen.url("list"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def sku_units(request, pk: int):
    """The units a SKU can be entered in (for the line grid's unit choice)."""
    return JsonResponse({"units": units_of([pk]).get(pk, [])})
