"""组装单 / 拆卸单 screens and the kit definitions (组装件 BOM) they use.

URLs: /inventory/assemblies/ (+ new/, <pk>/, <pk>/edit/, <pk>/print/),
/inventory/kits/ (+ new/, <pk>/edit/)
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.models import Sku
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.filters import AssemblyFilterSet
from jxc.inventory.documents.models import Assembly, Kit
from jxc.inventory.models import Bin
from jxc.web.generic import Column, Screen
from jxc.web.generic.grid_form import grid_form_page
from jxc.web.views.stock_documents import WarehouseDocumentScreen


class AssemblyScreen(WarehouseDocumentScreen):
    """From the declaration (header form, detail, print); one list for both kinds."""

    model = Assembly
    path = "inventory/assemblies"
    filterset_class = AssemblyFilterSet
    create_service = docs.create_assembly
    update_service = docs.update_assembly
    line_hint = gettext_lazy(
        "Leave the lines empty to take the components from the kit definition × the number of "
        "kits. Assembly: components out at cost, the kit in at their sum; disassembly: the reverse."
    )
    columns = [
        Column("number", link=True),
        Column("kind"),
        Column("date"),
        Column("warehouse", order_by="warehouse__code"),
        Column("kit_sku", order_by="kit_sku__code"),
        Column("qty"),
        Column("status", kind="tag"),
    ]

    def header_choices(self, user):
        # A kit SKU has an active definition; the kit's bin is one of the user's warehouses'.
        return {
            "kit_sku": Sku.objects.filter(kit__is_active=True).order_by("code"),
            "kit_bin": Bin.objects.filter(
                warehouse__in=stock_selectors.warehouses_for(user)
            ).select_related("warehouse"),
        }

    def form_initial(self, obj) -> dict[str, Any]:
        initial = super().form_initial(obj)
        return {"qty": 1, **initial} if obj is None else initial


# --- 组装件定义 (BOM) -------------------------------------------------------------------------


class KitScreen(Screen):
    model = Kit
    resource = "assembly"
    name = "kit"
    path = "inventory/kits"
    select_related = ("sku",)
    search_fields = ("sku__code", "sku__name")
    exportable = False
    active_service = None
    columns = [
        Column("sku", link=True, order_by="sku__code"),
        Column("memo", order_by=False),
        Column(
            "components",
            label=gettext_lazy("kit components"),
            value=lambda k, user: ", ".join(
                f"{c.sku.code}×{c.qty.normalize()}" for c in k.components.select_related("sku")
            ),
            order_by=False,
        ),
        Column("is_active"),
    ]
    detail_template = "web/inventory/kit_detail.html"

    def urls(self) -> list[URLPattern]:
        p = self.url_path
        return [
            path(f"{p}/new/", kit_form, {"screen": self}, name="kit_create"),
            path(f"{p}/<int:pk>/edit/", kit_form, {"screen": self}, name="kit_edit"),
            *super().urls(),
        ]


class KitForm(forms.Form):
    sku_code = forms.CharField(label=gettext_lazy("kit SKU"), max_length=64)
    memo = forms.CharField(label=gettext_lazy("memo"), max_length=200, required=False)

    def clean_sku_code(self):
        code = self.cleaned_data["sku_code"].strip()
        sku = Sku.objects.filter(Q(code=code) | Q(barcodes__code=code)).first()
        if sku is None:
            raise forms.ValidationError(_("Unknown SKU code or barcode."))
        self.cleaned_data["sku"] = sku
        return code


@login_required
def kit_form(request, pk: int | None = None, *, screen: KitScreen):
    """组装件定义: the kit SKU and what one kit is made of."""
    if not screen.can(request.user, "edit"):
        raise PermissionDenied
    kit = get_object_or_404(Kit.objects.select_related("sku"), pk=pk) if pk else None
    rows = [
        {
            "sku": str(c.sku_id),
            "sku_label": f"{c.sku.code} {c.sku}",
            "qty": format(c.qty.normalize(), "f"),
        }
        for c in (kit.components.select_related("sku") if kit else ())
    ]
    return grid_form_page(
        request,
        screen=screen,
        form=KitForm,
        columns=["qty"],
        rows=rows,
        initial={"sku_code": kit.sku.code, "memo": kit.memo} if kit else {},
        save=lambda data, lines: docs.set_kit(
            user=request.user,
            sku=data["sku"],
            components=[(x.sku, x.qty) for x in lines],
            memo=data["memo"],
        ),
        lines_key="components",
        title=_("Kit definition"),
        hint=_("The components of one kit (base unit)."),
        labels={"qty": _("quantity per kit")},
        cancel_url=screen.url("detail", kit.pk) if kit else screen.url("list"),
    )


SCREENS = [AssemblyScreen(), KitScreen()]
urlpatterns = [u for s in SCREENS for u in s.urls()]
