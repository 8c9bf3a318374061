"""The detail page of a draft opens for every registered document screen (a template that
named a URL the screen does not have gave a server error: 出库通知单), and it offers 修改 only
where the screen has the draft's form."""

import itertools

import pytest
from django.db import models
from django.urls import get_resolver

from jxc.inventory.services import create_warehouse
from jxc.partners.services import create_supplier
from jxc.sales.tests.conftest import world  # noqa: F401
from jxc.web.generic.documents import DOCUMENT_SCREENS

pytestmark = pytest.mark.django_db


# what a type's checks want beyond its required fields: a loan names one partner
OPTIONAL_LINKS = {"loan_in": ("customer",), "loan_out": ("customer",)}


def _bare_draft(model, n: int, rows: dict[type, list]):
    """A draft header of ``model`` with every required field given: the first rows of the
    linked tables (one after another, so 调出 and 调入 differ), a choice's first value, a
    header quantity of 1."""
    taken: dict[type, itertools.cycle] = {}
    values: dict = {"number": f"T{n:04d}", "date": rows["today"]}
    if any(f.name == "qty" for f in model._meta.concrete_fields):
        values["qty"] = 1  # a header quantity (组装 kits) is above zero
    for field in model._meta.concrete_fields:
        wanted = field.name in OPTIONAL_LINKS.get(model.DOC_TYPE, ())
        if field.name in values or field.primary_key:
            continue
        if (field.null or field.has_default()) and not wanted:
            continue
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            continue
        if isinstance(field, models.ForeignKey):
            related = field.related_model
            if related not in taken:
                found = rows.get(related) or list(related._default_manager.all()[:3])
                assert found, f"{model.__name__}.{field.name}: no {related.__name__} to link"
                taken[related] = itertools.cycle(found)
            values[field.name] = next(taken[related])
        elif field.choices:
            values[field.name] = field.choices[0][0]
        elif isinstance(field, models.CharField):
            values[field.name] = "x"
    return model._default_manager.create(**values)


def test_a_drafts_detail_page_opens_on_every_document_screen(client_for, world):  # noqa: F811
    w = world
    assert get_resolver().url_patterns  # the screens are registered as the URLs load
    create_supplier(user=w.user, code="GYS1", name="供应商一")
    other = create_warehouse(user=w.user, code="WH2", name="二仓")
    rows = {"today": w.today, type(w.warehouse): [w.warehouse, other]}
    client = client_for(w.user)
    assert {"sales_pick", "stock_count", "sales_order"} <= set(DOCUMENT_SCREENS)
    for n, (code, screen) in enumerate(sorted(DOCUMENT_SCREENS.items())):
        draft = _bare_draft(screen.model, n, rows)
        assert draft.is_editable, code
        response = client.get(screen.url("detail", draft.pk))
        assert response.status_code == 200, (code, response.content.decode()[:2000])
        page = response.content.decode()
        has_form = screen.update_service is not None
        assert ('data-testid="btn-edit-doc"' in page) is has_form, code
        assert (screen.edit_url(draft) != "") is has_form, code
