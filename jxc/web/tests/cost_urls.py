"""A URLconf for the cost-masking tests: the real site plus one screen with cost columns
(a SKU's units with their reference purchase price), declared the way any screen is."""

from django.urls import include, path

from jxc.catalog.models import SkuUnit
from jxc.web import urls as web_urls
from jxc.web.generic import Column, Screen


class SkuUnitPriceScreen(Screen):
    model = SkuUnit
    resource = "product"
    name = "test_skuunit"
    path = "test/sku-units"
    columns = [
        Column("sku__code", link=True),
        Column("unit"),
        Column("purchase_price"),
        Column("retail_price"),
    ]
    select_related = ("sku", "unit")
    search_fields = ("sku__code",)


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(([*web_urls.urlpatterns, *SkuUnitPriceScreen().urls()], "web"))),
]
