"""登录 / 退出."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext as _


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def locked_out(request, credentials=None, *args, **kwargs):
    """Shown by django-axes after too many failed logins: the sign-in page itself (with its
    language switch), the message where a wrong password's message goes, status 429."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return render(
        request,
        "web/login.html",
        {
            "locked": _("Too many failed logins. Please wait 15 minutes and try again."),
            "username": username,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=429,
    )
