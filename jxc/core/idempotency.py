"""Idempotent creation: a retried request with the same Idempotency-Key gets the first
answer back."""

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from jxc.core.models import User

IDEMPOTENCY_KEY_MAX = 200  # the key's column (IdempotencyRecord.key): API and counter alike
IDEMPOTENCY_WAIT_SECONDS = 2.0  # a racing retry waits this long for the first answer
IDEMPOTENCY_PENDING_TIMEOUT = dt.timedelta(minutes=10)  # a claim older than this was abandoned


def run_idempotent(
    *, user: User, key: str, path: str, body: bytes, create: Callable[[], tuple[int, Any]]
) -> tuple[int, Any]:
    """Run ``create`` once per (user, key, path): a retry with the same body gets the first
    answer back; the same key with another body is refused (422 idempotency_conflict).

    The key is claimed first, in a transaction of its own that commits at once, so callers
    racing with one key see the claim: they wait up to ``IDEMPOTENCY_WAIT_SECONDS`` for the
    first answer, then get 409 ``idempotency_in_progress``. The work and the answer commit
    together; a failed create releases the claim (a retry may try again). No caller is ever
    told about a resource that was rolled back."""
    import time

    from jxc.core.errors import IdempotencyConflict, IdempotencyInProgress
    from jxc.core.models import IdempotencyRecord

    digest = hashlib.sha256(body).hexdigest()
    who = {"user": user, "key": key, "path": path}
    deadline = time.monotonic() + IDEMPOTENCY_WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                claim = IdempotencyRecord.objects.create(**who, body_digest=digest)
            break
        except IntegrityError:
            pass
        found = IdempotencyRecord.objects.filter(**who).first()
        if found is None:
            continue  # the first caller failed and released the key: claim it again
        if found.body_digest != digest:
            raise IdempotencyConflict() from None
        if found.status_code is not None:
            return found.status_code, found.response
        if found.created_at < timezone.now() - IDEMPOTENCY_PENDING_TIMEOUT:
            # Abandoned (its process died mid-request): release it and claim afresh.
            IdempotencyRecord.objects.filter(pk=found.pk, status_code__isnull=True).delete()
            continue
        if time.monotonic() >= deadline:
            raise IdempotencyInProgress() from None
        time.sleep(0.05)
    try:
        with transaction.atomic():
            status, payload = create()
            if 200 <= status < 300:
                IdempotencyRecord.objects.filter(pk=claim.pk).update(
                    status_code=status, response=payload
                )
            else:
                IdempotencyRecord.objects.filter(pk=claim.pk).delete()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=claim.pk, status_code__isnull=True).delete()
        raise
    return status, payload
