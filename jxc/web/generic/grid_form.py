"""A form with a line grid for what is not a document (组装件定义: a kit and its components):
the header form, the grid's rows, the save, and the errors put back where they belong.

A screen declares it (``GridFormScreen``: the new and edit pages come with it):

    class KitScreen(GridFormScreen):
        grid_form = KitForm; grid_columns = ["qty"]; grid_lines_key = "components"
        grid_title = _("Kit definition"); grid_hint = _("The components of one kit (base unit).")
        def grid_initial(self, kit): return {"sku_code": kit.sku.code, "memo": kit.memo}
        def grid_lines(self, kit): return kit.components.select_related("sku")
        def grid_save(self, request, data, lines): return services.set_kit(...)

or a view calls the page itself:

    return grid_form_page(
        request, screen=screen, form=KitForm, columns=["qty"], rows=rows_of_the_kit,
        initial={...}, save=lambda data, lines: services.set_kit(...), lines_key="components",
        title=_("Kit definition"), hint=_("The components of one kit (base unit)."),
        labels={"qty": _("quantity per kit")}, cancel_url=...,
    )
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from jxc.core.errors import DomainError, ValidationFailed
from jxc.web.generic.line_grid import parse_lines, row_errors, rows_of
from jxc.web.generic.screen import Screen


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


class GridFormScreen(Screen, ABC):
    """A screen whose rows are made and changed on a form with a line grid: ``<path>/new/``
    and ``<path>/<pk>/edit/`` (URL names ``<name>_create`` / ``_edit``, permission
    ``<resource>.edit``) from ``grid_form`` (a form that only parses), ``grid_columns``, the
    row's ``grid_initial`` and ``grid_lines`` (each with ``sku``), and ``grid_save``.

    ``grid_save`` is an abstract hook: a screen that does not declare it cannot be made — the
    module that makes it (its ``SCREENS``) fails on import, and mypy refuses the
    instantiation ("Cannot instantiate abstract class")."""

    grid_form: ClassVar[Callable[..., Any]]
    grid_columns: ClassVar[list[str]] = ["qty"]
    grid_lines_key: ClassVar[str] = "lines"  # where the save's errors name the lines
    grid_title: ClassVar[Any] = ""
    grid_hint: ClassVar[Any] = ""
    grid_labels: ClassVar[dict[str, Any]] = {}

    def grid_initial(self, obj) -> dict[str, Any]:
        return {}

    def grid_lines(self, obj) -> Any:
        return []

    @abstractmethod
    def grid_save(self, request, data: dict[str, Any], lines: list[Any]) -> Any:
        """Save the form's cleaned ``data`` and the grid's parsed ``lines``; the saved row
        (its page follows), or a ``ValidationFailed`` naming ``<grid_lines_key>.<i>.<field>``."""

    def urls(self) -> list[URLPattern]:
        p, n = self.url_path, self.url_name
        return [
            path(f"{p}/new/", grid_form_view, {"screen": self}, name=f"{n}_create"),
            path(f"{p}/<int:pk>/edit/", grid_form_view, {"screen": self}, name=f"{n}_edit"),
            *super().urls(),
        ]


@login_required
def grid_form_view(request, pk: int | None = None, *, screen: GridFormScreen):
    """新建 / 修改 a row of a ``GridFormScreen``: its form and its lines in the grid."""
    if not screen.can(request.user, "edit"):
        raise PermissionDenied
    obj = screen.object_for(request, pk, "edit") if pk else None
    return grid_form_page(
        request,
        screen=screen,
        form=screen.grid_form,
        columns=screen.grid_columns,
        rows=rows_of(screen.grid_lines(obj), sku_units={}) if obj else [],
        initial=screen.grid_initial(obj) if obj else {},
        save=lambda data, lines: screen.grid_save(request, data, lines),
        lines_key=screen.grid_lines_key,
        title=screen.grid_title,
        hint=screen.grid_hint,
        labels=screen.grid_labels,
        cancel_url=screen.url("detail", obj.pk) if obj else screen.url("list"),
    )
