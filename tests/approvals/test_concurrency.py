"""Two approvers tap 同意 (or one 同意, one 驳回) on the same step at the same moment: exactly
one decision counts, the other gets ``step_already_decided``. On PostgreSQL the document row
lock serialises them and the unique constraints are the last line; on SQLite IMMEDIATE
transactions queue them."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from jxc.approvals import services
from jxc.approvals.errors import StepDecided
from jxc.approvals.models import ApprovalDecision, ApprovalRequest
from jxc.core.models import User
from jxc.inventory.documents import services as docs
from tests.approvals.conftest import issue, rule


def _race(req_id: int, deciders: list[tuple[int, bool]]) -> list[object]:
    barrier = threading.Barrier(len(deciders))
    results: list[object] = [None] * len(deciders)

    def work(i: int, user_id: int, approve: bool) -> None:
        try:
            user = User.objects.get(pk=user_id)
            req = ApprovalRequest.objects.get(pk=req_id)
            barrier.wait(timeout=30)
            services.decide(req, user=user, approve=approve, comment="并发", step=1)
            results[i] = "ok"
        except StepDecided as exc:
            results[i] = exc
        except BaseException as exc:  # anything else fails the test
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, u, a)) for i, (u, a) in enumerate(deciders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_approves", [True, False], ids=["both-approve", "approve-reject"])
def test_concurrent_decisions_on_one_step_exactly_one_counts(world, second_approves):
    w = world
    rule(w, steps=[(w.supervisor_role, [], "any"), (None, [w.owner], "any")])
    doc = docs.submit_document(issue(w, "3"), user=w.keeper)
    req = ApprovalRequest.objects.get(doc_id=doc.pk, status="pending")
    for _ in range(3):  # a few rounds: the race must hold every time
        results = _race(req.pk, [(w.sup1.pk, True), (w.sup2.pk, second_approves)])
        assert sorted(type(r).__name__ for r in results) == ["StepDecided", "str"], results
        assert results.count("ok") == 1
        decisions = ApprovalDecision.objects.filter(request__doc_id=doc.pk, step=1)
        latest = ApprovalRequest.objects.filter(doc_id=doc.pk).latest("round")
        assert decisions.filter(request=latest).count() == 1
        doc.refresh_from_db()
        if latest.status == "rejected":
            assert doc.status == "draft"
            doc = docs.submit_document(doc, user=w.keeper)
        else:
            assert (doc.status, latest.step) == ("submitted", 2)
            doc = docs.unapprove_document(doc, user=w.keeper)  # withdraw, submit again
            doc = docs.submit_document(doc, user=w.keeper)
        req = ApprovalRequest.objects.get(doc_id=doc.pk, status="pending")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_database_keeps_one_closing_decision_per_step(world):
    """Even past the row lock: a second decision closing the same step is refused by the
    unique constraint (the last line of defence)."""
    from django.db import IntegrityError, transaction

    w = world
    rule(w, steps=[(w.supervisor_role, [], "any")])
    doc = docs.submit_document(issue(w, "3"), user=w.keeper)
    req = ApprovalRequest.objects.get(doc_id=doc.pk)
    ApprovalDecision.objects.create(
        request=req, step=1, user=w.sup1, decision="approve", closes_step=True
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalDecision.objects.create(
            request=req, step=1, user=w.sup2, decision="approve", closes_step=True
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalDecision.objects.create(request=req, step=1, user=w.sup1, decision="reject")
