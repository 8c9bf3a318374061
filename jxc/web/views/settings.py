"""设置: company settings, users, roles, personal API tokens and the audit log."""

import re

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jxc.core import selectors as core_selectors
from jxc.core import services as core
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.models import ApiToken, AuditLog, Company, Role, User
from jxc.core.permissions import ACTIONS, DEFAULT_ROLES, RESOURCES, all_permissions, matches
from jxc.core.selectors import company
from jxc.core.validators import phone_validator
from jxc.inventory import selectors as inventory_selectors
from jxc.inventory import services as inventory_services
from jxc.web.generic import Column, Screen, Section, ServiceForm, apply_domain_error
from jxc.web.generic.audit import audit_entry_rows, audit_rows
from jxc.web.generic.forms import set_queryset

# --- company settings ---------------------------------------------------------------------


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
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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


# --- users ----------------------------------------------------------------------------------


def _warehouse_field(request_user) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=gettext_lazy("Warehouses"),
        queryset=inventory_selectors.warehouses_for(request_user, active_only=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Used when “all warehouses” is off."),
    )


class UserEditForm(ServiceForm):
    roles = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Roles"),
        queryset=Role.objects.order_by("id"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        fields = ["first_name", "phone", "roles", "all_warehouses"]
        labels = {"first_name": gettext_lazy("Full name")}

    def __init__(self, *args, request_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouses"] = _warehouse_field(request_user)
        # The service checks it too; here it shows next to the other field errors at once.
        self.fields["phone"].validators.append(phone_validator)
        if self.instance.pk:
            current = list(self.instance.scoped_warehouses.values_list("pk", flat=True))
            self.fields["warehouses"].initial = current
            # A warehouse deactivated since stays ticked, so saving does not drop it.
            set_queryset(
                self,
                "warehouses",
                inventory_selectors.warehouses_for(request_user).filter(
                    Q(is_active=True) | Q(pk__in=current)
                ),
            )


class UserCreateForm(UserEditForm):
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput(render_value=False)
    )

    class Meta(UserEditForm.Meta):
        fields = ["username", "first_name", "phone", "roles", "all_warehouses"]

    field_order = ["username", "password", "first_name", "phone", "roles", "all_warehouses"]


def _role_names(user: User, request_user) -> str:
    return "、".join(str(r.name) for r in user.roles.all())


class UserScreen(Screen):
    model = User
    resource = "user"
    path = "settings/users"
    columns = [
        Column("username", link=True),
        Column("first_name", label=gettext_lazy("Full name")),
        Column("roles", label=gettext_lazy("Roles"), value=_role_names, order_by=False),
        Column("phone"),
        Column("all_warehouses"),
        Column("last_login"),
        Column("is_active"),
    ]
    detail_fields = [
        "username",
        Column("first_name", label=gettext_lazy("Full name")),
        "phone",
        "roles",
        "all_warehouses",
    ]
    search_fields = ("username", "first_name", "phone")
    ordering = ("id",)
    detail_template = "web/settings/user_detail.html"  # + 重置密码
    form_class = UserCreateForm
    edit_form_class = UserEditForm
    create_service = core.create_user
    update_service = core.update_user

    def __init__(self):
        super().__init__()
        self.detail_columns.append(
            Column(
                "scoped_warehouses",
                label=gettext_lazy("Warehouses"),
                value=lambda u, _user: (
                    _("All warehouses")
                    if u.all_warehouses or u.is_superuser
                    else "、".join(w.name for w in u.scoped_warehouses.all()) or "—"
                ),
            ).bind(User)
        )

    def get_queryset(self, request):
        return User.objects.prefetch_related("roles", "scoped_warehouses")

    def get_form(self, request, *, obj=None, data=None):
        form_class = UserEditForm if obj else UserCreateForm
        return form_class(data=data, instance=obj, request_user=request.user)

    def _scope(self, request, target, data) -> None:
        warehouses = None if data["all_warehouses"] else list(data["warehouses"])
        inventory_services.set_user_warehouses(
            user=request.user, target=target, warehouses=warehouses
        )

    @transaction.atomic
    def create(self, request, form):
        data = form.cleaned_data
        target = core.create_user(
            username=data["username"].strip(),
            password=data["password"],
            roles=[r.code for r in data["roles"]],
            first_name=data["first_name"],
            created_by=request.user,
        )
        if data["phone"]:
            core.update_user(target, user=request.user, phone=data["phone"])
        self._scope(request, target, data)
        return target

    @transaction.atomic
    def update(self, request, obj, form):
        data = form.cleaned_data
        core.update_user(
            obj,
            user=request.user,
            first_name=data["first_name"],
            phone=data["phone"],
            roles=[r.code for r in data["roles"]],
        )
        self._scope(request, obj, data)
        return obj

    def set_active(self, request, obj, active):
        if obj.pk == request.user.pk and not active:
            raise ValidationFailed(message=_("You cannot deactivate your own account."))
        return core.set_active(obj, active=active, user=request.user)


# --- roles ----------------------------------------------------------------------------------


def _in_grid(pattern: str) -> bool:
    """A pattern the grid shows as ticks: one known resource with one known action or ``*``
    (``product.view``, ``product.*``). Others (``*``, ``purchase*.*``, ``*.view``) stay text,
    so a wildcard keeps covering resources added later."""
    resource, _dot, action = pattern.partition(".")
    return resource in RESOURCES and (action == "*" or action in ACTIONS)


class RoleForm(ServiceForm):
    """角色: name, code, a resource × action grid of ticks, and the wildcard patterns as text.

    The grid posts ``perm=<resource>.<action>``; a row with every action ticked is kept as
    ``<resource>.*`` so actions added later fall in place, as in the built-in roles."""

    patterns = forms.CharField(
        label=gettext_lazy("Other patterns"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "wide": True}),
        help_text=gettext_lazy("One per line, e.g. purchase*.* or *.view; * is every permission."),
    )

    class Meta:
        model = Role
        fields = ["name", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(self.instance.permissions or []) if self.instance.pk else []
        self.fields["patterns"].initial = "\n".join(p for p in current if not _in_grid(p))
        if self.is_bound:
            self.ticked = set(self.data.getlist("perm"))  # type: ignore[attr-defined]
        else:
            explicit = [p for p in current if _in_grid(p)]
            self.ticked = {p for p in all_permissions() if matches(explicit, p)}
        if self.instance.pk and self.instance.code in DEFAULT_ROLES:
            self.fields["code"].disabled = True  # the built-in roles are found by their code

    def action_labels(self) -> list:
        return list(ACTIONS.values())

    def grid(self) -> list[dict]:
        return [
            {
                "label": label,
                "code": code,
                "cells": [(f"{code}.{a}", f"{code}.{a}" in self.ticked) for a in ACTIONS],
            }
            for code, label in RESOURCES.items()
        ]

    def clean(self):
        data = super().clean()
        known = set(all_permissions())
        wrong = sorted(self.ticked - known)
        if wrong:
            self.add_error(None, _("Unknown permission: %(perms)s") % {"perms": ", ".join(wrong)})
        return data

    def service_data(self):
        permissions: list[str] = []
        for code in RESOURCES:
            ticked = [a for a in ACTIONS if f"{code}.{a}" in self.ticked]
            if len(ticked) == len(ACTIONS):
                permissions.append(f"{code}.*")
            else:
                permissions += [f"{code}.{a}" for a in ticked]
        text = self.cleaned_data.get("patterns") or ""
        permissions += [p.strip() for p in re.split(r"[\s,，]+", text) if p.strip()]
        data = {"name": self.cleaned_data["name"], "permissions": permissions}
        if not self.fields["code"].disabled:
            data["code"] = self.cleaned_data["code"]
        return data


class RoleScreen(Screen):
    """角色: permission sets, shown and edited as a resource × action grid (owner only:
    ``user.*``); saved through core.create_role / core.update_role."""

    model = Role
    resource = "user"
    path = "settings/roles"
    columns = [
        Column("name", link=True),
        Column("code"),
        Column(
            "users",
            label=gettext_lazy("Users"),
            value=lambda r, _u: r.users.filter(is_active=True).count(),
            order_by=False,
        ),
        Column(
            "permissions",
            label=gettext_lazy("Permissions"),
            value=lambda r, _u: " ".join(r.permissions),
            order_by=False,
        ),
    ]
    detail_fields = ["name", "code"]
    search_fields = ("name", "code")
    ordering = ("id",)
    form_class = RoleForm
    form_template = "web/settings/role_form.html"
    create_service = core.create_role
    update_service = core.update_role

    def detail_sections(self, request, obj):
        rows = []
        for code, label in RESOURCES.items():
            cells = [(lbl, matches(obj.permissions, f"{code}.{a}")) for a, lbl in ACTIONS.items()]
            if any(allowed for _lbl, allowed in cells):
                rows.append({"label": label, "code": code, "cells": cells})
        return [
            Section(
                title=_("Permissions"),
                template="web/settings/_role_permissions.html",
                context={"actions": list(ACTIONS.values()), "rows": rows, "role": obj},
                id="permissions",
            )
        ]


# --- audit log ------------------------------------------------------------------------------


def _object_type(entry: AuditLog, user) -> str:
    try:
        return str(apps.get_model(entry.object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return entry.object_type


def _changes(entry: AuditLog, user):
    """The first changes of an entry, read as on the record's own page (labels of choices,
    names instead of codes, empty fields of a new record left out, costs masked)."""
    changes = audit_entry_rows([entry], user, readable=True)[0]["changes"]
    return format_html_join(
        "",
        '<div><span class="muted">{}:</span> {}</div>',
        ((c["label"], "—" if c["after"] is None else c["after"]) for c in changes[:6]),
    ) or format_html("{}", "—")


class AuditLogScreen(Screen):
    """操作记录 of everything: who changed what, when (append-only, read-only here)."""

    model = AuditLog
    resource = "audit"
    path = "settings/audit"
    label_plural = gettext_lazy("Audit log")
    columns = [
        Column("at", link=True),
        Column("user", order_by="user__username"),
        Column(
            "action",
            label=gettext_lazy("Action"),
            value=lambda e, _u: _audit_action(e.action),
        ),
        Column("object_type", label=gettext_lazy("Type"), value=_object_type),
        Column("object_repr"),
        Column("changes", render=_changes, export=False, order_by=False, css="changes"),
        Column("reason"),
    ]
    search_fields = ("object_repr", "user__username", "user__first_name", "object_type", "action")
    select_related = ("user",)
    ordering = ("-at", "-id")
    per_page = 50
    show_audit = False

    def get_queryset(self, request):
        return _audit_in_warehouse_scope(request.user, super().get_queryset(request))

    def title(self, obj) -> str:
        return f"{_object_type(obj, None)} · {obj.object_repr}"

    def detail_sections(self, request, obj):
        return [
            Section(
                title=_("Changes"),
                template="web/settings/_audit_entry.html",
                context={"audit": audit_entry_rows([obj], request.user, readable=True)},
                id="changes",
            )
        ]


def _audit_in_warehouse_scope(user, qs):
    """A user limited to some warehouses does not read, in the log, about warehouses outside
    them, nor about rows that belong only to such warehouses (bins, warehouse documents)."""
    if user.is_superuser or user.all_warehouses:
        return qs
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from jxc.inventory.models import Warehouse

    allowed = inventory_selectors.warehouses_for(user).values("pk")
    for model in apps.get_models():
        if model is Warehouse:
            seen, linked = Q(pk__in=allowed), Q()
        else:
            links = [
                f.name
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is Warehouse
            ]
            if not links:
                continue
            seen, linked = Q(), Q()
            for name in links:
                seen |= Q(**{f"{name}__in": allowed})
                linked |= Q(**{f"{name}__isnull": False})
        hidden = (
            model._default_manager.filter(linked)
            .exclude(seen)
            .annotate(audit_id=Cast("pk", CharField()))
            .values("audit_id")
        )
        qs = qs.exclude(object_type=model._meta.label_lower, object_id__in=hidden)
    return qs


def _audit_action(action: str) -> str:
    from jxc.web.generic.audit import AUDIT_ACTIONS

    return str(AUDIT_ACTIONS.get(action, action))


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
                _token, plain = core.create_api_token(user=user, name=form.cleaned_data["name"])
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
        core.revoke_api_token(token_id=pk, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The token is revoked."))
    return redirect("web:apitoken_list")


SCREENS = [UserScreen(), RoleScreen(), AuditLogScreen()]
urlpatterns = [
    path("settings/company/", company_settings, name="company_settings"),
    path("settings/tokens/", api_tokens, name="apitoken_list"),
    path("settings/tokens/<int:pk>/revoke/", revoke_token, name="apitoken_revoke"),
    *[u for s in SCREENS for u in s.urls()],
]
