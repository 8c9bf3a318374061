"""修改密码 (one's own, from the user menu) and 重置密码 (someone else's, from the user's page).

Both go through ``jxc.core.accounts.set_password``: Django's password validators decide, the
audit records who changed whose password, never the password.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core import accounts
from jxc.core.errors import TooManyAttempts, ValidationFailed
from jxc.core.models import User


def _password_field(label, *, autocomplete: str = "new-password", help_text=""):
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class SetPasswordForm(forms.Form):
    new_password1 = _password_field(gettext_lazy("New password"))
    new_password2 = _password_field(gettext_lazy("New password confirmation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rules in the reader's language (built per request, not at import).
        self.fields["new_password1"].help_text = password_validators_help_text_html()

    def clean(self):
        data = super().clean() or {}
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", _("The two password fields didn’t match."))
        return data

    def show_refusal(self, exc: ValidationFailed) -> None:
        """The service's reasons next to the fields they are about."""
        for name, msgs in (exc.errors or {}).items():
            target = "new_password1" if name == "password" else name
            for msg in msgs:
                self.add_error(target if target in self.fields else None, msg)


class ChangePasswordForm(SetPasswordForm):
    old_password = _password_field(gettext_lazy("Old password"), autocomplete="current-password")

    field_order = ["old_password", "new_password1", "new_password2"]


@login_required
def change_password(request):
    """修改密码: the signed-in user's own; they stay signed in afterwards."""
    form = ChangePasswordForm(data=request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            accounts.check_own_password(
                request.user, password=form.cleaned_data["old_password"], request=request
            )
            accounts.set_password(
                request.user, user=request.user, password=form.cleaned_data["new_password1"]
            )
        except ValidationFailed as exc:
            form.show_refusal(exc)
        except TooManyAttempts as exc:
            form.add_error(None, str(exc))
            status = 429
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect("web:home")
    return render(
        request,
        "web/account/password.html",
        {"form": form, "title": _("Change password"), "cancel_url": reverse("web:home")},
        status=status,
    )


@login_required
def reset_password(request, pk: int):
    """重置密码 of another user (needs user.edit); their other sessions end with it."""
    if not request.user.has_jxc_perm("user.edit"):
        raise PermissionDenied
    target = get_object_or_404(User, pk=pk)
    form = SetPasswordForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.set_password(
                target, user=request.user, password=form.cleaned_data["new_password1"]
            )
        except ValidationFailed as exc:
            form.show_refusal(exc)
        else:
            if target.pk == request.user.pk:
                update_session_auth_hash(request, target)
            messages.success(request, _("The password is reset."))
            return redirect("web:user_detail", pk=target.pk)
    detail = reverse("web:user_detail", args=[target.pk])
    return render(
        request,
        "web/account/password.html",
        {
            "form": form,
            "title": _("Reset password of %(user)s") % {"user": target},
            "crumbs": [(reverse("web:user_list"), _("Users")), (detail, str(target))],
            "cancel_url": detail,
        },
    )


urlpatterns = [
    path("account/password/", change_password, name="password_change"),
    path("settings/users/<int:pk>/password/", reset_password, name="user_password"),
]
