"""待办: the inbox lists what waits for me with the document's summary, one tap approves
(and posts), the top bar counts it, the document shows the timeline."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jxc.approvals.models import Notification
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.tests.conftest import stock_world  # noqa: F401
from tests.approvals.conftest import TODAY, issue, rule, world  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_inbox_approves_and_posts_in_one_tap_and_the_badge_counts(
    world,  # noqa: F811
    client_for,
    django_capture_on_commit_callbacks,
):
    w = world
    rule(w, amount_over=D("100"), steps=[(None, [w.owner], "any")])
    with django_capture_on_commit_callbacks(execute=True):
        doc = docs.submit_document(issue(w, "20"), user=w.keeper)
    boss = client_for(w.owner)
    page = boss.get("/todo/").content.decode()
    assert 'data-testid="todo-count">1<' in page
    assert doc.number in page and "可口可乐" in page and "200.00" in page
    keeper = client_for(w.keeper)
    assert 'data-testid="todo-count">0<' in keeper.get("/todo/").content.decode()
    # the keeper (who holds other_issue.approve) sees no 审核 button on the document
    detail = keeper.get(f"/inventory/other-issues/{doc.pk}/").content.decode()
    assert 'data-testid="btn-approve"' not in detail
    assert 'data-testid="btn-unapprove"' in detail  # 撤回, the submitter's
    with django_capture_on_commit_callbacks(execute=True):
        r = boss.post(f"/todo/{_req(doc)}/approve/", {"step": "1"})
    assert r.status_code == 302
    doc.refresh_from_db()
    assert doc.status == "posted"
    detail = keeper.get(f"/inventory/other-issues/{doc.pk}/").content.decode()
    assert 'data-testid="approval-timeline"' in detail
    assert 'data-testid="todo-count">0<' in boss.get("/todo/").content.decode()


def test_a_stale_tap_is_refused_with_a_message(world, client_for):  # noqa: F811
    w = world
    rule(w, steps=[(None, [w.owner, w.sup1], "any")])
    doc = docs.submit_document(issue(w, "2"), user=w.keeper)
    pk = _req(doc)
    assert client_for(w.sup1).post(f"/todo/{pk}/approve/", {"step": "1"}).status_code == 302
    r = client_for(w.owner).post(f"/todo/{pk}/approve/", {"step": "1"}, follow=True)
    assert "sup1" in r.content.decode()  # "already decided by sup1"


def test_reject_from_the_inbox_needs_a_reason(world, client_for):  # noqa: F811
    w = world
    rule(w, steps=[(None, [w.owner], "any")])
    doc = docs.submit_document(issue(w, "2"), user=w.keeper)
    boss = client_for(w.owner)
    boss.post(f"/todo/{_req(doc)}/reject/", {"step": "1", "comment": ""})
    doc.refresh_from_db()
    assert doc.status == "submitted"
    boss.post(f"/todo/{_req(doc)}/reject/", {"step": "1", "comment": "太多"})
    doc.refresh_from_db()
    assert doc.status == "draft" and doc.status_reason == "太多"


def _req(doc) -> int:
    from jxc.approvals.models import ApprovalRequest

    return ApprovalRequest.objects.filter(doc_id=doc.pk).latest("round").pk


def test_notifications_tab_shows_and_marks_read(world, client_for):  # noqa: F811
    w = world
    Notification.objects.create(user=w.keeper, event="approved", title="审核通过: QTCK-1")
    page = client_for(w.keeper).get("/todo/?tab=notices").content.decode()
    assert "QTCK-1" in page
    assert not Notification.objects.filter(user=w.keeper, read_at__isnull=True).exists()


def test_save_and_post_follows_the_rules(world, client_for):  # noqa: F811
    """保存并过账 asks the approval policy: below the rule's amount the document posts in one
    go; above it the button is not a way around the approver: the new document is saved and
    submitted, and waits for the approver (已提交), unposted."""
    from jxc.inventory.documents.models import OtherIssue
    from jxc.web.tests.test_stock_documents_web import grid

    w = world
    rule(w, amount_over=D("100"), steps=[(None, [w.sup1], "any")])
    client = client_for(w.owner)

    def save_and_post(qty):
        client.post(
            "/inventory/other-issues/new/",
            {
                "date": TODAY.isoformat(),
                "warehouse": w.zc.pk,
                "reason": "internal_use",
                "and_post": "1",
                **grid({"sku": w.sku_a.pk, "qty": qty, "unit": w.pcs.pk}),
            },
        )
        return OtherIssue.objects.latest("id")

    assert save_and_post("10").status == "posted"  # 100.00: not above
    waiting = save_and_post("11")  # 110.00: waits for sup1
    assert waiting.status == "submitted" and waiting.posted_at is None


def test_each_user_chooses_channels_per_event(world, client_for):  # noqa: F811
    from jxc.approvals import notify

    w = world
    client = client_for(w.keeper)
    page = client.get("/todo/settings/").content.decode()
    assert "待我审批" in page and "电子邮件" in page
    r = client.post("/todo/settings/", {"approved:email": "1", "rejected:inapp": "1"})
    assert r.status_code == 302
    assert notify.channels_of([w.keeper.pk], "approved")[w.keeper.pk] == {"email"}
    assert notify.channels_of([w.keeper.pk], "rejected")[w.keeper.pk] == {"inapp"}
    assert notify.channels_of([w.keeper.pk], "posted")[w.keeper.pk] == set()


def test_a_step_approver_without_the_permission_approves_on_the_document_page(
    world,  # noqa: F811
    client_for,
):
    w = world
    rule(w, steps=[(w.supervisor_role, [], "any")])  # 仓库主管: only other*.view
    doc = docs.submit_document(issue(w, "2"), user=w.keeper)
    sup = client_for(w.sup1)
    page = sup.get(f"/inventory/other-issues/{doc.pk}/").content.decode()
    assert 'data-testid="btn-approve"' in page and 'data-testid="btn-reject"' in page
    r = sup.post(f"/inventory/other-issues/{doc.pk}/do/approve/")
    assert r.status_code == 302
    doc.refresh_from_db()
    assert doc.status == "approved"
    # and someone neither in the step nor holding the permission still gets a 403
    assert client_for(w.sup2).post(f"/inventory/other-issues/{doc.pk}/do/post/").status_code == 403
