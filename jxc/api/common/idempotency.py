"""Idempotent creation: ``creates(Out, perm=…)`` answers 201 and honours the
``Idempotency-Key`` header."""

import inspect
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.utils.translation import gettext
from ninja import Header, Schema

from jxc.api.common.permissions import check_perm, with_perms
from jxc.api.common.rendering import json_response, plain
from jxc.core.errors import ValidationFailed
from jxc.core.idempotency import IDEMPOTENCY_KEY_MAX, run_idempotent


def _canonical(body: bytes) -> bytes:
    """Same JSON, same digest: key order and whitespace do not make a different request."""
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return body
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def to_data(schema: type[Schema], obj: Any) -> Any:
    return plain(schema.from_orm(obj).model_dump())


def creates(
    out: type[Schema],
    *,
    perm: str,
    status: int = 201,
    secret_fields: tuple[str, ...] = (),
) -> Callable:
    """A POST that creates something: checks ``perm``, renders ``out`` with ``status`` and
    honours the ``Idempotency-Key`` header through ``run_idempotent``: a retry with the same
    key and body gets the first answer (same status and body, nothing created twice); the
    same key with another body is 422 ``idempotency_conflict``; a retry racing the first
    request waits briefly for its answer, else gets 409 ``idempotency_in_progress``.

    ``secret_fields`` are left out of what is remembered (a token is shown once only), so a
    replay returns them as null.

    The view returns the created object (or a dict already shaped like ``out``).
    """

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request, *args, idempotency_key: str | None = None, **kwargs):
            check_perm(request, perm)

            def create() -> tuple[int, Any]:
                result = func(request, *args, **kwargs)
                data = plain(result) if isinstance(result, dict) else to_data(out, result)
                create.answer = data  # type: ignore[attr-defined]
                kept = {k: (None if k in secret_fields else v) for k, v in data.items()}
                return status, kept

            key = (idempotency_key or "").strip()
            if not key:
                create()
                return json_response(request, create.answer, status=status)  # type: ignore[attr-defined]
            if len(key) > IDEMPOTENCY_KEY_MAX:
                raise ValidationFailed(
                    {
                        "Idempotency-Key": [
                            gettext("At most %(n)s characters.") % {"n": IDEMPOTENCY_KEY_MAX}
                        ]
                    }
                )
            body = _canonical(request.body)
            code, data = run_idempotent(
                user=request.user, key=key, path=request.path, body=body, create=create
            )
            # The answer of this request's own create (secrets included), else the replay.
            fresh = getattr(create, "answer", None)
            return json_response(request, fresh if fresh is not None else data, status=code)

        signature = inspect.signature(func)
        idem = inspect.Parameter(
            "idempotency_key",
            inspect.Parameter.KEYWORD_ONLY,
            default=Header(
                None,
                alias="Idempotency-Key",
                description=(
                    "Optional. A retry with the same key and body returns the first answer "
                    "and creates nothing; the same key with another body is refused (422)."
                ),
            ),
            annotation=str | None,
        )
        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), idem]
        )
        wrapper.jxc_perms = (perm,)  # type: ignore[attr-defined]
        wrapper.jxc_creates = True  # type: ignore[attr-defined]
        wrapper.__doc__ = with_perms(func.__doc__, (perm,))
        return wrapper

    return decorate
