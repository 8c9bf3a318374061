"""Personal API tokens through the API. Split from ``jxc.api.core``: the operation ids stay
``jxc_api_core_<function>``."""

import datetime as dt

from ninja import Field, Schema

from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.permissions import open_to_users
from jxc.core import accounts
from jxc.core.errors import PermissionDenied
from jxc.core.models import ApiToken

router = Router(tags=["core"], moved=(__name__, "jxc.api.core"))


# --- personal API tokens -------------------------------------------------------------------


class ApiTokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=60, examples=["ERP"])


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ApiTokenCreatedOut(ApiTokenOut):
    token: str | None = Field(
        None,
        description="The token: shown in this answer only (null when an Idempotency-Key "
        "replays it). Send it as 'Authorization: Bearer <token>'.",
    )


@router.get("/api-tokens", response=list[ApiTokenOut])
@open_to_users
def list_api_tokens(request):
    """Your own personal API tokens (revoked ones included, with the time of revocation)."""
    return list(ApiToken.objects.filter(user=request.user).order_by("-id"))


@router.post("/api-tokens", response={201: ApiTokenCreatedOut})
@creates(ApiTokenCreatedOut, perm="apitoken.create", secret_fields=("token",))
def create_api_token(request, payload: ApiTokenIn):
    """A new personal token carrying your permissions. Made from a login session only:
    a token cannot mint further tokens."""
    if getattr(request, "jxc_token_auth", False):
        raise PermissionDenied(perm="apitoken.create")
    token, plain = accounts.create_api_token(user=request.user, name=payload.name)
    return {**ApiTokenOut.from_orm(token).model_dump(), "token": plain}


@router.post("/api-tokens/{id}/revoke", response=ApiTokenOut)
@open_to_users
def revoke_api_token(request, id: int):
    """Revoke one of your tokens: it stops working at once (401)."""
    return accounts.revoke_api_token(token_id=id, user=request.user)
