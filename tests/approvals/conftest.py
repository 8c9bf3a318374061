"""Fixtures of the approvals tests: the warehouse world of the document tests, with stock
of A001 at 10 元 in 总仓, and approvers (a 仓库主管 role, a second owner)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jxc.approvals import configuration
from jxc.core.documents.lines import LineInput
from jxc.core.models import Role
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.tests.conftest import TODAY, receive, stock_world  # noqa: F401

D = Decimal


@pytest.fixture
def world(stock_world, user_factory):  # noqa: F811
    w = stock_world
    receive(w, w.sku_a, w.zc, "1000", "10")
    w.supervisor_role = Role.objects.create(
        code="supervisor", name="仓库主管", permissions=["other*.view", "stock*.view"]
    )
    w.boss_role = Role.objects.get(code="owner")
    w.sup1 = user_factory(roles=["supervisor"], username="sup1")
    w.sup2 = user_factory(roles=["supervisor"], username="sup2")
    return w


def issue(w, qty, *, user=None):
    """A draft 其他出库 of ``qty`` A001 from 总仓 (at 10 元 each)."""
    return docs.create_stock_document(
        user=user or w.keeper,
        kind="other_issue",
        warehouse=w.zc,
        date=TODAY,
        reason="internal_use",
        lines=[LineInput(sku=w.sku_a.pk, qty=D(qty))],
    )


def rule(w, *, steps, doc_type="other_issue", **fields):
    """An approval rule through the service; ``steps``: [(role or None, [users], mode)]."""
    return configuration.save_rule(
        user=w.owner,
        fields={"name": fields.pop("name", "rule"), "doc_type": doc_type, **fields},
        steps=[{"role": r, "users": list(u), "mode": m} for r, u, m in steps],
    )
