"""The customer form: the credit terms are shown to a salesperson, not changed by one."""

from decimal import Decimal

import pytest

from jxc.partners import services
from jxc.web.views.partners import CustomerForm

pytestmark = pytest.mark.django_db


def _input(page: str, name: str) -> str:
    """The <input> tag of field ``name``."""
    at = page.index(f'name="{name}"')
    return page[page.rindex("<input", 0, at) : page.index(">", at)]


def test_a_salesperson_sees_the_credit_terms_read_only(owner, user_factory, client_for):
    customer = services.create_customer(
        user=owner, code="KH9", name="客户九", credit_limit=Decimal("5000")
    )
    client = client_for(user_factory(roles=["sales"]))
    url = f"/partners/customers/{customer.pk}/edit/"
    page = client.get(url).content.decode()
    assert "disabled" in _input(page, "credit_limit") and "disabled" in _input(
        page, "allow_backorder"
    )
    form = CustomerForm(instance=customer)
    data = {
        k: v
        for k, v in form.initial.items()
        if k in form.fields and v is not None and v is not False
    }
    response = client.post(url, {**data, "name": "客户九改", "credit_limit": "999999"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "客户九改" and customer.credit_limit == Decimal("5000")
    # the owner changes them on the same form
    boss = client_for(owner)
    assert "disabled" not in _input(boss.get(url).content.decode(), "credit_limit")
