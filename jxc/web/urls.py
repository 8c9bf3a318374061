"""The browser UI's URLs. Each module of views exports ``urlpatterns`` built by its screens."""

from django.urls import path

from jxc.web.generic import sku_lookup
from jxc.web.views import (
    account,
    approval_settings,
    approvals,
    audit_log,
    auth,
    catalog,
    catalog_product_detail,
    catalog_products,
    catalog_skus,
    finance,
    home,
    inventory,
    loans,
    partners,
    purchasing,
    sales,
    settings_access,
    stock_alerts,
    stock_assembly,
    stock_counts,
    stock_documents,
    stock_move,
    stock_recost,
    stock_reports,
    stock_summary,
    stock_transfers,
)
from jxc.web.views import settings as settings_views

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    *account.urlpatterns,
    *approvals.urlpatterns,
    *approval_settings.urlpatterns,
    *catalog_products.urlpatterns,
    *catalog_product_detail.urlpatterns,
    *catalog_skus.urlpatterns,
    *catalog.urlpatterns,
    *inventory.urlpatterns,
    *stock_documents.urlpatterns,
    *sku_lookup.urlpatterns,
    *stock_transfers.urlpatterns,
    *loans.urlpatterns,
    *purchasing.urlpatterns,
    *sales.urlpatterns,
    *stock_counts.urlpatterns,
    *stock_assembly.urlpatterns,
    *partners.urlpatterns,
    *finance.urlpatterns,
    *settings_views.urlpatterns,
    *settings_access.urlpatterns,
    *audit_log.urlpatterns,
    *stock_reports.urlpatterns,
    *stock_move.urlpatterns,
    *stock_alerts.urlpatterns,
    *stock_summary.urlpatterns,
    *stock_recost.urlpatterns,
]
