"""登录 / 退出."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.utils.translation import gettext as _


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def locked_out(request, credentials=None, *args, **kwargs):
    """Shown by django-axes after too many failed logins."""
    return HttpResponse(
        _("Too many failed logins. Please wait 15 minutes and try again."), status=429
    )
