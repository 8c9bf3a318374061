"""Allowed state changes as data: one function enforces them, the UI asks the same table."""

import pytest

from jxc.core.errors import InvalidTransition
from jxc.core.transitions import Transition, Workflow, ensure_transition

ORDER = Workflow(
    [
        Transition("draft", "submitted", "submit", label="Submit"),
        Transition("submitted", "approved", "approve", label="Approve"),
        Transition("submitted", "draft", "reject", label="Reject", needs_reason=True),
        Transition("approved", "submitted", "unapprove", label="Unapprove"),
        Transition("approved", "voided", "void", label="Void", needs_reason=True),
    ]
)


def test_declared_transition_is_returned():
    t = ensure_transition(ORDER, "draft", action="submit")
    assert (t.source, t.target, t.action) == ("draft", "submitted", "submit")
    assert ensure_transition(ORDER, "submitted", target="draft").needs_reason is True


def test_undeclared_transition_raises_invalid_transition():
    with pytest.raises(InvalidTransition) as exc:
        ensure_transition(ORDER, "draft", action="approve")
    assert exc.value.code == "invalid_transition"
    assert exc.value.http_status == 409
    assert exc.value.params == {"source": "draft", "target": "approve"}


def test_action_and_target_must_both_match():
    with pytest.raises(InvalidTransition):
        ensure_transition(ORDER, "submitted", action="approve", target="draft")
    with pytest.raises(InvalidTransition):
        ensure_transition(ORDER, "voided", target="draft")


def test_actions_from_without_user_lists_all():
    assert [t.action for t in ORDER.actions_from("submitted")] == ["approve", "reject"]
    assert ORDER.actions_from("voided") == []


@pytest.mark.django_db
def test_actions_from_keeps_only_what_the_user_may_do(user_factory, owner, sales_user):
    purchaser = user_factory(roles=["purchaser"])
    keeper = user_factory(roles=["keeper"])
    # sales: "sales*.*" covers salesorder.*; purchaser and keeper have nothing on it.
    assert [
        t.action for t in ORDER.actions_from("approved", user=sales_user, resource="salesorder")
    ] == ["unapprove", "void"]
    assert ORDER.actions_from("approved", user=purchaser, resource="salesorder") == []
    assert ORDER.actions_from("approved", user=keeper, resource="salesorder") == []
    assert len(ORDER.actions_from("approved", user=owner, resource="salesorder")) == 2
    assert len(ORDER.actions_from("submitted", user=purchaser, resource="purchaseorder")) == 2


@pytest.mark.django_db
def test_inactive_user_gets_no_actions(owner):
    owner.is_active = False
    assert ORDER.actions_from("draft", user=owner, resource="salesorder") == []
