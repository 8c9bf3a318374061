"""A form with a line grid for what is not a document (组装件定义: a kit and its components):
the header form, the grid's rows, the save, and the errors put back where they belong.

    return grid_form_page(
        request, screen=screen, form=KitForm, columns=["qty"], rows=rows_of_the_kit,
        initial={...}, save=lambda data, lines: services.set_kit(...), lines_key="components",
        title=_("Kit definition"), hint=_("The components of one kit (base unit)."),
        labels={"qty": _("quantity per kit")}, cancel_url=...,
    )
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from jxc.core.errors import DomainError, ValidationFailed
from jxc.web.generic.line_grid import parse_lines, row_errors


def grid_form_page(
    request,
    *,
    screen,
    form: Callable[..., Any],
    columns: Sequence[str],
    rows: list[dict[str, Any]],
    initial: Mapping[str, Any],
    save: Callable[[dict[str, Any], list[Any]], Any],
    title: Any,
    hint: Any,
    cancel_url: str,
    labels: Mapping[str, Any] | None = None,
    lines_key: str = "lines",
):
    """GET: the form and the grid's rows; POST: ``save(cleaned data, lines)``, the saved
    object's page after it, else the page again (400) with every error: ``<lines_key>.<i>.
    <field>`` in the grid, the others above the form."""
    grid_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        bound = form(request.POST)
        parsed = parse_lines(request.POST, list(columns))
        rows = parsed.rows
        grid_errors = dict(row_errors(parsed.errors)[0])
        if bound.is_valid() and not parsed.errors:
            try:
                saved = save(bound.cleaned_data, parsed.lines)
            except ValidationFailed as exc:
                for key, msgs in exc.errors.items():
                    parts = key.split(".")
                    if parts[0] == lines_key and len(parts) == 3:
                        grid_errors.setdefault(f"{parts[1]}.{parts[2]}", []).extend(msgs)
                    else:
                        bound.add_error(None, msgs)
            except DomainError as exc:
                bound.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect(screen.url("detail", saved.pk))
    else:
        bound = form(initial=initial)
    state = {
        "rows": rows,
        "columns": list(columns),
        "labels": {k: str(v) for k, v in (labels or {}).items()},
        "errors": grid_errors,
        "bins": {},
        "unitsUrl": "/inventory/docs/sku-units/",
    }
    return TemplateResponse(
        request,
        "web/inventory/document_form.html",
        {
            "screen": screen,
            "form": bound,
            "obj": None,
            "title": title,
            "grid_state": state,
            "grid_all_errors": grid_errors.get("all", []),
            "line_hint": hint,
            "list_url": screen.url("list"),
            "cancel_url": cancel_url,
        },
        status=400 if request.method == "POST" else 200,
    )
