"""A URLconf for the workflow-button tests: the real site plus a document screen declared
the way a later issue declares one (其他入库, with its workflow services)."""

from django.urls import include, path

from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import OtherReceipt
from jxc.web import urls as web_urls
from jxc.web.generic import Column, Screen


class OtherReceiptScreen(Screen):
    model = OtherReceipt
    resource = "other_receipt"
    name = "test_other_receipt"
    path = "test/other-receipts"
    warehouse_scope = "warehouse"
    columns = [
        Column("number", link=True),
        Column("date"),
        Column("warehouse", order_by="warehouse__code"),
        Column("status", kind="tag"),
    ]
    select_related = ("warehouse",)
    search_fields = ("number",)
    transition_services = {
        "submit": docs.submit_document,
        "approve": docs.approve_document,
        "void": docs.void_document,
    }


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(([*web_urls.urlpatterns, *OtherReceiptScreen().urls()], "web"))),
]
