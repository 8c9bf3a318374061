"""Cost and blind-count marks on the stock and catalog models, and rows (操作记录 changes)
redacted by them (jxc.core.visibility)."""

import pytest

from jxc.catalog.models import Sku, SkuUnit
from jxc.core.visibility import BOOK, COST, MASK, field_marks, redact_record
from jxc.inventory.documents.models import StockCountLine
from jxc.inventory.models import StockMove


def test_marks_are_declared_on_model_fields():
    assert field_marks(SkuUnit, "purchase_price") == {COST}
    assert field_marks(SkuUnit, "retail_price") == set()
    assert field_marks(StockMove, "sku__units") == set()
    assert field_marks(StockMove, "value") == {COST}
    assert field_marks(StockCountLine, "book_qty") == {BOOK}
    assert field_marks(StockMove, "no_such_field") == set()


@pytest.mark.django_db
def test_model_rows_are_redacted_by_their_fields_marks(sales_user, owner):
    changes = {
        "units": [
            [{"unit": 1, "purchase_price": "1.8", "retail_price": "3"}],
            [{"unit": 1, "purchase_price": "2", "retail_price": "3"}],
        ],
        "code": [None, "A"],
    }
    assert redact_record(Sku, changes, owner) is changes
    assert redact_record(Sku, changes, sales_user) == {
        "units": [[{"unit": 1, "retail_price": "3"}], [{"unit": 1, "retail_price": "3"}]],
        "code": [None, "A"],
    }
    pair = {"purchase_price": ["1.8", "2"]}
    assert redact_record(SkuUnit, pair, sales_user, mask=MASK) == {"purchase_price": [MASK, MASK]}
