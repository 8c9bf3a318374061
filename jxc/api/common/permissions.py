"""Permission checks (``requires``, ``open_to_users``) and lookups that hide rows out of a
user's scope (``get_or_404``, ``ref``)."""

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja.operation import Operation

from jxc.core.errors import NotFound, PermissionDenied, ValidationFailed


def check_perm(request: HttpRequest, perm: str) -> None:
    user = request.user
    if not (user.is_authenticated and user.has_jxc_perm(perm)):
        raise PermissionDenied(perm=perm)


def requires(*perms: str) -> Callable:
    """The endpoint needs every listed ``<resource>.<action>`` permission (else 403)."""

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            for perm in perms:
                check_perm(request, perm)
            return func(request, *args, **kwargs)

        wrapper.jxc_perms = perms  # type: ignore[attr-defined]
        wrapper.__doc__ = with_perms(func.__doc__, perms)
        return wrapper

    return decorate


def open_to_users(func: Callable) -> Callable:
    """Marks an endpoint every logged-in user may call (their own data: me, own tokens)."""
    func.jxc_perms = ()  # type: ignore[attr-defined]
    return func


def with_perms(doc: str | None, perms: tuple[str, ...]) -> str:
    text = inspect.cleandoc(doc or "")
    return f"{text}\n\nPermission: `{'`, `'.join(perms)}`".strip()


def get_or_404(qs: QuerySet, pk: Any) -> Any:
    """One row of a (scoped) queryset, or 404: rows out of a user's scope do not exist."""
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def ref(qs: QuerySet, pk: int | None, field: str) -> Any:
    """The row a payload refers to by id, or a 422 on that field."""
    if pk is None:
        return None
    found = qs.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed({field: [gettext("Select a valid choice.")]})
    return found


class PermissionFirst(Operation):
    """An operation that checks its declared permissions (``requires`` / ``creates``) right
    after authentication, before ninja reads the body: a user without the right gets 403,
    not a 422 that tells them what the body should have been."""

    def _run_checks(self, request: HttpRequest) -> HttpResponse | None:
        error = super()._run_checks(request)
        if error is not None:
            return error
        for perm in getattr(self.view_func, "jxc_perms", ()) or ():
            try:
                check_perm(request, perm)
            except PermissionDenied as exc:
                return self.api.on_exception(request, exc)
        return None
