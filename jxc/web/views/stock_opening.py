"""期初库存 import: the opening-stock list's import button and template lead to the import
framework's screens (jxc.web.views.imports), where every import is uploaded, previewed and
confirmed the same way."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def opening_import(request, *, screen):
    """导入期初库存 → the import screen of ``opening-stock``."""
    return redirect("web:import_upload", kind="opening-stock")


@login_required
def opening_template(request):
    """The template of ``opening-stock`` (Chinese headers, 说明, dropdowns, examples)."""
    return redirect("web:import_template", kind="opening-stock")
