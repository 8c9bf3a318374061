"""期初库存 import page: upload a spreadsheet, every bad row listed with its number, nothing
saved unless all rows are good; and the import template."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core.errors import DomainError, ImportRowsInvalid
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.opening import template_header
from jxc.web.generic.export import text_cell
from jxc.web.generic.line_grid import date_input


def _check(screen, request, action: str) -> None:
    if not screen.can(request.user, action):
        raise PermissionDenied


class OpeningImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx)"))
    date = forms.DateField(label=gettext_lazy("business date"), widget=date_input())
    post = forms.BooleanField(label=gettext_lazy("Post at once"), required=False)


@login_required
def opening_import(request, *, screen):
    """导入期初库存: every bad row listed with its number; nothing saved unless all are good."""
    _check(screen, request, "create")
    problems: list[dict[str, Any]] = []
    if request.method == "POST":
        form = OpeningImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                made = docs.import_opening_stock(
                    user=request.user,
                    file=form.cleaned_data["file"].read(),
                    date=form.cleaned_data["date"],
                    post=form.cleaned_data["post"],
                )
            except ImportRowsInvalid as exc:
                problems = exc.rows
                form.add_error(None, str(exc))
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("%(count)s opening-stock documents made.") % {"count": len(made)}
                )
                return redirect(screen.url("list"))
    else:
        form = OpeningImportForm(initial={"date": timezone.localdate()})
    return TemplateResponse(
        request,
        "web/inventory/opening_import.html",
        {
            "screen": screen,
            "form": form,
            "problems": problems,
            "columns": template_header(),
            "title": _("Import opening stock"),
        },
        status=422 if problems else 200,
    )


@login_required
def opening_template(request):
    """The import template: the header row in the user's language and one example row."""
    from openpyxl import Workbook

    if not request.user.has_jxc_perm("opening_stock.create"):
        raise PermissionDenied
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([text_cell(sheet, str(label)) for label in template_header()])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="opening-stock.xlsx"'
    return response
