"""设置: company settings and personal API tokens (users and roles: ``settings_access``; the
audit log: ``audit_log``)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jxc.core import accounts
from jxc.core import selectors as core_selectors
from jxc.core import services as core
from jxc.core.errors import DomainError
from jxc.core.models import ApiToken, Company
from jxc.core.selectors import company
from jxc.web.generic import ServiceForm, apply_domain_error
from jxc.web.generic.audit import audit_rows

# --- company settings ---------------------------------------------------------------------


# Left empty, these keep what they are (they have defaults).
OPTIONAL_SETTINGS = (
    "count_variance_value",
    "count_variance_percent",
    "invoice_match_tolerance",
    "invoice_match_tolerance_percent",
    "qc_reject_alert_percent",
)


class CompanyForm(ServiceForm):
    class Meta:
        model = Company
        fields = [
            "name",
            "tax_number",
            "qty_decimals",
            "price_decimals",
            "costing_method",
            "cost_scope",
            "allow_negative_stock",
            "days_ahead",
            "purchase_prices_include_tax",
            "default_tax_rate",
            "over_receipt_tolerance",
            "invoice_match_tolerance",
            "invoice_match_tolerance_percent",
            "qc_reject_alert_percent",
            "count_variance_value",
            "count_variance_percent",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, a count variance limit keeps what it is (it has a default).
        for name in OPTIONAL_SETTINGS:
            self.fields[name].required = False
        prefixes = (self.instance.document_prefixes or {}) if self.instance else {}
        # One input per registered document type (purchase order, receipt …).
        for doc_type, default in core.DEFAULT_PREFIXES.items():
            self.fields[f"prefix_{doc_type}"] = forms.CharField(
                label=_("Prefix of %(type)s")
                % {"type": core.DOCUMENT_TYPE_LABELS.get(doc_type, doc_type)},
                required=False,
                max_length=10,
                initial=prefixes.get(doc_type, ""),
                help_text=_("Default: %(prefix)s") % {"prefix": default},
            )

    def service_data(self):
        data = dict(self.cleaned_data)
        for name in OPTIONAL_SETTINGS:
            if data.get(name) is None:
                data.pop(name, None)
        prefixes = {}
        for name in [n for n in data if n.startswith("prefix_")]:
            value = data.pop(name).strip()
            if value:
                prefixes[name.removeprefix("prefix_")] = value
        if core.DEFAULT_PREFIXES:
            data["document_prefixes"] = prefixes
        return data


@login_required
def company_settings(request):
    """公司设置: one form; saved through ``core.services.update_company``."""
    user = request.user
    if not user.has_jxc_perm("company.view"):
        raise PermissionDenied
    can_edit = user.has_jxc_perm("company.edit")
    current = company()
    form = CompanyForm(data=request.POST if request.method == "POST" else None, instance=current)
    if core_selectors.anything_posted():
        for name in core.COSTING_FIELDS:
            form.fields[name].help_text = _(
                "Fixed: stock has been posted under this setting (docs/adr/0003)."
            )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                core.update_company(user=user, **form.service_data())
            except DomainError as exc:
                apply_domain_error(form, exc, request)
            else:
                messages.success(request, _("Saved."))
                return redirect("web:company_settings")
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "web/settings/company.html",
        {"form": form, "can_edit": can_edit, "audit": audit_rows(current, user, readable=True)},
    )


# --- personal API tokens ------------------------------------------------------------------


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)


@login_required
def api_tokens(request):
    """个人 API 令牌: create (the token is shown once, here) and revoke."""
    user = request.user
    if not user.has_jxc_perm("apitoken.view"):
        raise PermissionDenied
    form = TokenForm(data=request.POST if request.method == "POST" else None)
    plain = None
    if request.method == "POST":
        if not user.has_jxc_perm("apitoken.create"):
            raise PermissionDenied
        if form.is_valid():
            try:
                _token, plain = accounts.create_api_token(user=user, name=form.cleaned_data["name"])
            except DomainError as exc:
                apply_domain_error(form, exc, request)
            else:
                form = TokenForm()
    tokens = ApiToken.objects.filter(user=user).order_by("-id")
    return render(
        request,
        "web/settings/api_tokens.html",
        {
            "form": form,
            "plain": plain,
            "tokens": tokens,
            "can_create": user.has_jxc_perm("apitoken.create"),
        },
    )


@login_required
@require_POST
def revoke_token(request, pk: int):
    if not request.user.has_jxc_perm("apitoken.view"):
        raise PermissionDenied
    try:
        accounts.revoke_api_token(token_id=pk, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The token is revoked."))
    return redirect("web:apitoken_list")


urlpatterns = [
    path("settings/company/", company_settings, name="company_settings"),
    path("settings/tokens/", api_tokens, name="apitoken_list"),
    path("settings/tokens/<int:pk>/revoke/", revoke_token, name="apitoken_revoke"),
]
