from django.contrib.auth import views as auth_views
from django.urls import path

from jxc.web.views import catalog_products

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", auth_views.LoginView.as_view(template_name="web/login.html"), name="home"),
    path("catalog/skus/search/", catalog_products.sku_search, name="sku_search"),
]
