"""设置 › 用户 / 角色: users (roles, warehouses, password) and roles (the permission grid)."""

import re

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core import accounts
from jxc.core import services as core
from jxc.core.errors import ValidationFailed
from jxc.core.models import Role, User
from jxc.core.permissions import ACTIONS, DEFAULT_ROLES, RESOURCES, all_permissions, matches
from jxc.core.validators import phone_validator
from jxc.inventory import selectors as inventory_selectors
from jxc.inventory import services as inventory_services
from jxc.web.generic import Column, Screen, Section, ServiceForm
from jxc.web.generic.forms import set_queryset

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
    create_service = accounts.create_user
    update_service = accounts.update_user

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
        target = accounts.create_user(
            username=data["username"].strip(),
            password=data["password"],
            roles=[r.code for r in data["roles"]],
            first_name=data["first_name"],
            created_by=request.user,
        )
        if data["phone"]:
            accounts.update_user(target, user=request.user, phone=data["phone"])
        self._scope(request, target, data)
        return target

    @transaction.atomic
    def update(self, request, obj, form):
        data = form.cleaned_data
        accounts.update_user(
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
        label=gettext_lazy("Wildcard patterns (advanced)"),
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

    def main_fields(self) -> list:
        """The fields above the grid (the wildcard patterns go below it, folded away)."""
        return [self[name] for name in self.fields if name != "patterns"]

    def grid(self) -> list[dict]:
        """Rows of the matrix: each cell (permission, ticked, granted by a wildcard pattern
        such as ``stock*.view``: shown ticked and greyed, not a box to tick)."""
        wildcards = [p for p in self._patterns_now() if not _in_grid(p)]
        return [
            {
                "label": label,
                "code": code,
                "cells": [
                    (
                        f"{code}.{a}",
                        f"{code}.{a}" in self.ticked,
                        matches(wildcards, f"{code}.{a}"),
                        action_label,
                    )
                    for a, action_label in ACTIONS.items()
                ],
            }
            for code, label in RESOURCES.items()
        ]

    def _patterns_now(self) -> list[str]:
        if self.is_bound:
            text = self.data.get("patterns") or ""
            return [p.strip() for p in re.split(r"[\s,，]+", text) if p.strip()]
        return list(self.instance.permissions or []) if self.instance.pk else []

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
    ``user.*``); saved through accounts.create_role / accounts.update_role."""

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
            value=lambda r, _u: permission_summary(r.permissions),
            order_by=False,
        ),
    ]
    detail_fields = ["name", "code"]
    search_fields = ("name", "code")
    ordering = ("id",)
    form_class = RoleForm
    form_template = "web/settings/role_form.html"
    create_service = accounts.create_role
    update_service = accounts.update_role

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
                context={
                    "actions": list(ACTIONS.values()),
                    "rows": rows,
                    "role": obj,
                    "everything": "*" in obj.permissions,
                },
                id="permissions",
            )
        ]


def permission_summary(patterns: list[str]) -> str:
    """A role's permissions in words, from the resource × action matrix they grant:
    ``供应商（全部）、商品（查看、新增、修改、导出）`` — never the raw patterns."""
    if "*" in patterns:
        return str(_("Every permission"))
    parts = []
    for code, label in RESOURCES.items():
        granted = [str(lbl) for a, lbl in ACTIONS.items() if matches(patterns, f"{code}.{a}")]
        if len(granted) == len(ACTIONS):
            parts.append(str(_("%(resource)s (all)") % {"resource": label}))
        elif granted:
            parts.append(
                str(
                    _("%(resource)s (%(actions)s)")
                    % {"resource": label, "actions": "、".join(granted)}
                )
            )
    return "；".join(parts) or str(_("None"))


urlpatterns = [*UserScreen().urls(), *RoleScreen().urls()]
