"""Users API: the current user (me, own password), users and roles (owner only).
Split from ``jxc.api.core``: the operation ids stay ``jxc_api_core_<function>``."""

from typing import Literal

import django_filters
from django.contrib.auth import SESSION_KEY, update_session_auth_hash
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Schema

from jxc.api.common.crud import Patch, activation_endpoints
from jxc.api.common.errors import ErrorOut, Router
from jxc.api.common.idempotency import creates
from jxc.api.common.listing import listing, page_of, query_of
from jxc.api.common.permissions import get_or_404, open_to_users, ref, requires
from jxc.core import accounts, services
from jxc.core.errors import ValidationFailed
from jxc.core.models import Role, User
from jxc.core.permissions import DEFAULT_ROLES
from jxc.inventory import selectors as inventory_selectors
from jxc.inventory import services as inventory_services

router = Router(tags=["core"], moved=(__name__, "jxc.api.core"))


# --- me ------------------------------------------------------------------------------------


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    language: str
    roles: list[str]
    permissions: list[str] = Field(..., description="Permission patterns, e.g. product.*")
    can_view_cost: bool
    all_warehouses: bool
    warehouse_ids: list[int]

    @staticmethod
    def resolve_roles(obj: User) -> list[str]:
        return sorted(obj.roles.values_list("code", flat=True))

    @staticmethod
    def resolve_permissions(obj: User) -> list[str]:
        return ["*"] if obj.is_superuser else sorted(set(obj.jxc_permission_patterns()))

    @staticmethod
    def resolve_warehouse_ids(obj: User) -> list[int]:
        return sorted(inventory_selectors.warehouses_for(obj).values_list("pk", flat=True))


@router.get("/me", response=MeOut)
@open_to_users
def me(request):
    """The logged-in user (or the token's user), their roles, permissions and warehouses."""
    return request.user


class OwnPasswordIn(Schema):
    old_password: str = Field(..., max_length=128)
    new_password: str = Field(..., min_length=1, max_length=128)


@router.post("/me/password", response={204: None, 429: ErrorOut})
@open_to_users
def change_my_password(request, payload: OwnPasswordIn):
    """修改密码: the caller's own, after checking the old one (422 ``validation_failed`` with
    ``old_password`` or ``password`` errors otherwise). Other sessions of the user end."""
    accounts.check_own_password(request.user, password=payload.old_password, request=request)
    accounts.set_password(request.user, user=request.user, password=payload.new_password)
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) == str(request.user.pk):
        update_session_auth_hash(request, request.user)  # the browser stays signed in
    return 204, None


# --- users (owner only) --------------------------------------------------------------------


class PasswordIn(Schema):
    password: str = Field(..., min_length=1, max_length=128)


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    phone: str
    language: str
    is_active: bool
    is_superuser: bool
    roles: list[str]
    all_warehouses: bool
    warehouse_ids: list[int] = Field(..., description="Assigned warehouses (all_warehouses off)")

    @staticmethod
    def resolve_roles(obj: User) -> list[str]:
        return sorted(r.code for r in obj.roles.all())

    @staticmethod
    def resolve_warehouse_ids(obj: User) -> list[int]:
        return sorted(w.pk for w in obj.scoped_warehouses.all())


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=128)
    first_name: str = Field("", max_length=150)
    roles: list[str] = Field([], examples=[["sales"]])
    warehouse_ids: list[int] | None = Field(
        None, description="null: every warehouse; a list limits the user to those warehouses"
    )


class UserEditIn(Schema):
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)
    language: Literal["zh-hans", "en"] = "zh-hans"
    roles: list[str] = []
    warehouse_ids: list[int] | None = None


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("Search"))
    active = django_filters.BooleanFilter(field_name="is_active", label=gettext_lazy("Active"))
    role = django_filters.CharFilter(field_name="roles__code", label=gettext_lazy("Role"))
    ordering = django_filters.OrderingFilter(
        fields=[(n, n) for n in ("id", "username", "first_name")],
        label=gettext_lazy("Order by"),
    )

    class Meta:
        model = User
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(username__icontains=value) | Q(first_name__icontains=value) | Q(phone=value)
        )


def users_queryset(request=None) -> QuerySet:
    return User.objects.prefetch_related("roles", "scoped_warehouses").order_by("id")


def _check_roles(roles: list[str]) -> None:
    unknown = sorted(set(roles) - set(Role.objects.values_list("code", flat=True)))
    if unknown:
        raise ValidationFailed(
            {"roles": [_("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)}]}
        )


def _set_warehouses(request, target: User, warehouse_ids: list[int] | None) -> None:
    warehouses = None
    if warehouse_ids is not None:
        scope = inventory_selectors.warehouses_for(request.user)
        warehouses = [ref(scope, pk, "warehouse_ids") for pk in warehouse_ids]
    inventory_services.set_user_warehouses(user=request.user, target=target, warehouses=warehouses)


@router.get("/users", response=page_of(UserOut))
@requires("user.view")
def list_users(request, query: Query[query_of(UserFilterSet)]):  # type: ignore[valid-type]
    return listing(request, users_queryset(), UserFilterSet, query)


@router.get("/users/{id}", response=UserOut)
@requires("user.view")
def get_user(request, id: int):
    return get_or_404(users_queryset(), id)


@router.post("/users", response={201: UserOut})
@creates(UserOut, perm="user.create")
def create_user(request, payload: UserIn):
    """New user with roles and, optionally, a warehouse scope."""
    _check_roles(payload.roles)
    with transaction.atomic():
        user = accounts.create_user(
            username=payload.username.strip(),
            password=payload.password,
            roles=payload.roles,
            first_name=payload.first_name,
            created_by=request.user,
        )
        if payload.warehouse_ids is not None:
            _set_warehouses(request, user, payload.warehouse_ids)
    return users_queryset().get(pk=user.pk)


@router.patch("/users/{id}", response=UserOut)
@requires("user.edit")
def update_user(request, id: int, payload: Patch[UserEditIn]):
    """Change a user's name, contact, language, roles or warehouse scope
    (``warehouse_ids``: null = every warehouse)."""
    target = get_or_404(users_queryset(), id)
    data = dict(payload)
    with transaction.atomic():
        if "warehouse_ids" in data:
            _set_warehouses(request, target, data.pop("warehouse_ids"))
        if data.get("roles") is not None:
            _check_roles(data["roles"])
        accounts.update_user(target, user=request.user, **data)
    return users_queryset().get(pk=target.pk)


@router.post("/users/{id}/password", response={204: None})
@requires("user.edit")
def reset_user_password(request, id: int, payload: PasswordIn):
    """重置密码 of a user; Django's password rules apply (422 with ``password`` errors)."""
    target = get_or_404(users_queryset(), id)
    accounts.set_password(target, user=request.user, password=payload.password)
    return 204, None


def _set_user_active(target: User, *, active: bool, user: User) -> User:
    if not active and target.pk == user.pk:
        raise ValidationFailed({"__all__": [_("You cannot deactivate your own account.")]})
    services.set_active(target, active=active, user=user)
    return users_queryset().get(pk=target.pk)


activation_endpoints(
    router,
    "/users",
    queryset=lambda request: users_queryset(),
    out=UserOut,
    perm="user.edit",
    service=_set_user_active,
    name="user",
)


# --- roles (owner only) --------------------------------------------------------------------


class RoleOut(Schema):
    id: int
    code: str
    name: str
    permissions: list[str] = Field(..., description="Permission patterns, e.g. product.*")
    built_in: bool
    user_count: int = Field(..., description="Active users holding the role")

    @staticmethod
    def resolve_built_in(obj: Role) -> bool:
        return obj.code in DEFAULT_ROLES

    @staticmethod
    def resolve_user_count(obj: Role) -> int:
        return obj.users.filter(is_active=True).count()


class RoleIn(Schema):
    code: str = Field(..., min_length=1, max_length=40, examples=["auditor"])
    name: str = Field(..., min_length=1, max_length=60, examples=["审计"])
    permissions: list[str] = Field([], examples=[["audit.view", "report.*"]])


class RoleEditIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=60)
    permissions: list[str] = []


@router.get("/roles", response=list[RoleOut])
@requires("user.view")
def list_roles(request):
    """角色 and their permission patterns (see ``GET /permissions`` for the names)."""
    return list(Role.objects.prefetch_related("users").order_by("id"))


@router.get("/roles/{id}", response=RoleOut)
@requires("user.view")
def get_role(request, id: int):
    return get_or_404(Role.objects.all(), id)


@router.post("/roles", response={201: RoleOut})
@creates(RoleOut, perm="user.create")
def create_role(request, payload: RoleIn):
    """新增角色: code, name and permission patterns (422 ``duplicate_code`` / field errors)."""
    return accounts.create_role(
        user=request.user, code=payload.code, name=payload.name, permissions=payload.permissions
    )


@router.patch("/roles/{id}", response=RoleOut)
@requires("user.edit")
def update_role(request, id: int, payload: Patch[RoleEditIn]):
    """修改角色: name, permissions, and the code of a role that is not built in."""
    role = get_or_404(Role.objects.all(), id)
    return accounts.update_role(role, user=request.user, **dict(payload))
