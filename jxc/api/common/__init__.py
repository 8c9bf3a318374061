"""The API's shared machinery: authentication, the one error mapping, cost redaction,
permissions, idempotent creation, lists with filters, ordering and pagination.

A router module uses it like this::

    router = Router(tags=["catalog"])

    @router.get("/brands", response=page_of(BrandOut))
    @requires("brand.view")
    def list_brands(request, query: Query[query_of(BrandFilterSet)]):
        return listing(request, Brand.objects.all(), BrandFilterSet, query)

    @router.post("/brands", response={201: BrandOut})
    @creates(BrandOut, perm="brand.create")
    def create_brand(request, payload: BrandIn):
        return services.create_brand(user=request.user, name=payload.name)

The machinery lives in one module per concern: ``auth``, ``rendering``, ``errors``,
``permissions``, ``idempotency``, ``listing``, ``crud``; this package re-exports them.
"""

from jxc.api.common.auth import AUTH, BrowserSession, TokenAuth
from jxc.api.common.crud import Patch, activation_endpoints, crud_endpoints
from jxc.api.common.errors import (
    ERROR_RESPONSES,
    ErrorOut,
    Router,
    error_body,
    install_error_handlers,
)
from jxc.api.common.idempotency import IDEMPOTENCY_KEY_MAX, creates, to_data
from jxc.api.common.listing import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Paging,
    listing,
    page_of,
    query_of,
)
from jxc.api.common.permissions import (
    check_perm,
    get_or_404,
    open_to_users,
    ref,
    requires,
    with_perms,
)
from jxc.api.common.rendering import (
    RENDERER,
    JxcJSONEncoder,
    RedactingRenderer,
    json_response,
    plain,
)

_with_perms = with_perms  # the old private name, for branches written before the split

__all__ = [
    "AUTH",
    "DEFAULT_PAGE_SIZE",
    "ERROR_RESPONSES",
    "IDEMPOTENCY_KEY_MAX",
    "MAX_PAGE_SIZE",
    "RENDERER",
    "BrowserSession",
    "ErrorOut",
    "JxcJSONEncoder",
    "Paging",
    "Patch",
    "RedactingRenderer",
    "Router",
    "TokenAuth",
    "activation_endpoints",
    "check_perm",
    "creates",
    "crud_endpoints",
    "error_body",
    "get_or_404",
    "install_error_handlers",
    "json_response",
    "listing",
    "open_to_users",
    "page_of",
    "plain",
    "query_of",
    "ref",
    "requires",
    "to_data",
    "with_perms",
]
