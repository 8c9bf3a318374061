"""库存: warehouses with their bins, always within the user's warehouse scope."""

from django.contrib.auth import get_user_model

from jxc.inventory import services
from jxc.inventory.filters import WarehouseFilterSet
from jxc.inventory.models import Bin, Warehouse
from jxc.web.generic import Column, Inline, Screen, ServiceForm


class WarehouseForm(ServiceForm):
    class Meta:
        model = Warehouse
        fields = ["code", "name", "kind", "site", "address", "phone", "keeper", "allow_negative"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_active("keeper", get_user_model().objects.all())


class BinForm(ServiceForm):
    class Meta:
        model = Bin
        fields = ["code", "name"]


class WarehouseScreen(Screen):
    model = Warehouse
    resource = "warehouse"
    path = "inventory/warehouses"
    warehouse_scope = "pk"
    columns = [
        Column("code", link=True),
        Column("name", link=True),
        Column("kind"),
        Column("keeper", order_by="keeper__username"),
        Column("phone"),
        Column("allow_negative"),
        Column("is_active"),
    ]
    detail_fields = [
        "code",
        "name",
        "kind",
        "address",
        "phone",
        "keeper",
        "allow_negative",
        "site",
        "is_active",
    ]
    select_related = ("keeper",)
    filterset_class = WarehouseFilterSet
    form_class = WarehouseForm
    create_service = services.create_warehouse
    update_service = services.update_warehouse

    def get_form(self, request, *, obj=None, data=None):
        form = super().get_form(request, obj=obj, data=data)
        if not request.user.has_jxc_perm(services.WAREHOUSE_POLICY_PERM):
            # 允许负库存 is the company's policy: shown on the page, not offered here.
            for name in services.WAREHOUSE_POLICY_FIELDS:
                form.fields.pop(name, None)
        return form

    inlines = [
        Inline(
            "bins",
            Bin._meta.verbose_name_plural,
            rows=lambda wh: wh.bins.order_by("code"),
            columns=[Column("code"), Column("name"), Column("is_active")],
            form_class=BinForm,
            create=lambda wh, user, data: services.create_bin(user=user, warehouse=wh, **data),
            update=lambda bin_, user, data: services.update_bin(bin_, user=user, **data),
            resource="bin",
            toggle_active=True,
        )
    ]


SCREENS = [WarehouseScreen()]
urlpatterns = [u for s in SCREENS for u in s.urls()]
