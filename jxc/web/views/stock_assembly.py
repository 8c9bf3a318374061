"""组装单 / 拆卸单 screens and the kit definitions (组装件 BOM) they use.

URLs: /inventory/assemblies/ (+ new/, <pk>/, <pk>/edit/, <pk>/print/),
/inventory/kits/ (+ new/, <pk>/edit/)
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.models import Sku
from jxc.catalog.selectors import codes_found
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.assembly_models import Assembly, Kit
from jxc.inventory.documents.filters import AssemblyFilterSet
from jxc.web.generic import Column
from jxc.web.generic.grid_form import GridFormScreen
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
        # A kit SKU has an active definition.
        return {"kit_sku": Sku.objects.filter(kit__is_active=True).order_by("code")}

    def form_initial(self, obj) -> dict[str, Any]:
        initial = super().form_initial(obj)
        return {"qty": 1, **initial} if obj is None else initial


# --- 组装件定义 (BOM) -------------------------------------------------------------------------


class KitForm(forms.Form):
    sku_code = forms.CharField(label=gettext_lazy("kit SKU"), max_length=64)
    memo = forms.CharField(label=gettext_lazy("memo"), max_length=200, required=False)

    def clean_sku_code(self):
        code = self.cleaned_data["sku_code"].strip()
        found = codes_found([code]).get(code)
        if found is None:
            raise forms.ValidationError(_("Unknown SKU code or barcode."))
        self.cleaned_data["sku"] = found[0]
        return code


class KitScreen(GridFormScreen):
    """组装件定义: the kit SKU and what one kit is made of (a grid of components)."""

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
    grid_form = KitForm
    grid_lines_key = "components"
    grid_title = gettext_lazy("Kit definition")
    grid_hint = gettext_lazy("The components of one kit (base unit).")
    grid_labels = {"qty": gettext_lazy("quantity per kit")}

    def grid_initial(self, kit):
        return {"sku_code": kit.sku.code, "memo": kit.memo}

    def grid_lines(self, kit):
        return kit.components.select_related("sku")

    def grid_save(self, request, data, lines):
        components = [(x.sku, x.qty) for x in lines]
        return docs.set_kit(
            user=request.user, sku=data["sku"], components=components, memo=data["memo"]
        )


SCREENS = [AssemblyScreen(), KitScreen()]
urlpatterns = [u for s in SCREENS for u in s.urls()]
