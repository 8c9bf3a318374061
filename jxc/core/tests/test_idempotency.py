"""Idempotency-Key: same key + same body → the first answer; another body → conflict."""

import pytest

from jxc.core.errors import IdempotencyConflict
from jxc.core.idempotency import run_idempotent
from jxc.core.models import IdempotencyRecord


class Creator:
    def __init__(self, status=201):
        self.calls = 0
        self.status = status

    def __call__(self):
        self.calls += 1
        return self.status, {"id": self.calls, "code": "A001"}


@pytest.mark.django_db
def test_retry_with_the_same_body_gets_the_first_answer(owner):
    create = Creator()
    first = run_idempotent(
        user=owner, key="k1", path="/api/v1/products", body=b'{"a":1}', create=create
    )
    again = run_idempotent(
        user=owner, key="k1", path="/api/v1/products", body=b'{"a":1}', create=create
    )
    assert first == again == (201, {"id": 1, "code": "A001"})
    assert create.calls == 1


@pytest.mark.django_db
def test_same_key_with_another_body_is_refused(owner):
    create = Creator()
    run_idempotent(user=owner, key="k1", path="/p", body=b'{"a":1}', create=create)
    with pytest.raises(IdempotencyConflict) as exc:
        run_idempotent(user=owner, key="k1", path="/p", body=b'{"a":2}', create=create)
    assert exc.value.code == "idempotency_conflict" and exc.value.http_status == 422
    assert create.calls == 1


@pytest.mark.django_db
def test_key_is_scoped_by_user_and_path(owner, sales_user):
    create = Creator()
    run_idempotent(user=owner, key="k1", path="/p", body=b"x", create=create)
    run_idempotent(user=sales_user, key="k1", path="/p", body=b"x", create=create)
    run_idempotent(user=owner, key="k1", path="/q", body=b"x", create=create)
    assert create.calls == 3
    assert IdempotencyRecord.objects.count() == 3


@pytest.mark.django_db
def test_failures_are_not_remembered(owner):
    failing = Creator(status=409)
    assert run_idempotent(user=owner, key="k1", path="/p", body=b"x", create=failing)[0] == 409
    assert not IdempotencyRecord.objects.exists()
    ok = Creator()
    assert run_idempotent(user=owner, key="k1", path="/p", body=b"x", create=ok)[0] == 201
