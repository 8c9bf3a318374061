"""Who calls the API: a personal API token (``Authorization: Bearer jxc_…``) or the
browser's login session (unsafe methods need the CSRF token)."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from jxc.core.accounts import user_for_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer jxc_…``: a personal API token acting with its user's rights."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token.strip()) if token else None
        if user is not None:
            request.user = user
            request.jxc_token_auth = True  # type: ignore[attr-defined]
        return user


class BrowserSession(SessionAuth):
    """The browser's login session; unsafe methods need the CSRF token (as ninja checks it).

    Without a logged-in session nothing is checked, so an anonymous call gets 401, not a
    CSRF 403."""

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


AUTH = [TokenAuth(), BrowserSession()]
