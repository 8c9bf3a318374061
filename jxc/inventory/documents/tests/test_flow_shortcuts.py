"""The document flow's shortcuts give what the long way gave (issue 10 §2): the future-date
guard asks the time zone only for a date it could refuse, and a new draft's header is made
without ``Model.__init__`` but holds what ``Model(**header)`` held."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from jxc.core.documents import calendar
from jxc.core.documents.calendar import BookCalendar, ensure_document_date
from jxc.core.documents.rows import new_row
from jxc.core.errors import ValidationFailed


def _calendar(days_ahead: int) -> BookCalendar:
    return BookCalendar(closed_until=None, days_ahead=days_ahead, prefixes={})


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def test_a_date_well_inside_the_limit_does_not_ask_the_time_zone(monkeypatch):
    def asked():
        raise AssertionError("the time zone was asked")

    monkeypatch.setattr(calendar.timezone, "localdate", asked)
    utc = _utc_today()
    for days_ahead, day in (
        (7, utc),
        (7, utc + dt.timedelta(days=6)),
        (1, utc),
        (0, utc.replace(year=2001)),
    ):
        ensure_document_date(day, _calendar(days_ahead))


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12", "Asia/Shanghai", "UTC"])
def test_at_the_limit_the_company_time_zone_decides_as_before(monkeypatch, zone):
    """Wherever the company is and whatever the hour, a date passes exactly when it is at
    most ``days_ahead`` after today there (the same answer as ``timezone.localdate``)."""
    utc = _utc_today()
    for hours in range(0, 24, 5):  # the clock at several hours of UTC's day
        at = dt.datetime.combine(utc, dt.time(hours), tzinfo=dt.UTC)
        monkeypatch.setattr(calendar, "time", SimpleNamespace(time=at.timestamp))
        local = at.astimezone(ZoneInfo(zone)).date()
        monkeypatch.setattr(calendar.timezone, "localdate", lambda local=local: local)
        for days_ahead in (0, 1, 7):
            for offset in range(-2, 3):
                day = local + dt.timedelta(days=days_ahead + offset)
                if offset <= 0:
                    ensure_document_date(day, _calendar(days_ahead))
                else:
                    with pytest.raises(ValidationFailed):
                        ensure_document_date(day, _calendar(days_ahead))


def test_the_limit_reads_the_real_clock():
    today = timezone.localdate()
    ensure_document_date(today + dt.timedelta(days=3), _calendar(3))
    with pytest.raises(ValidationFailed):
        ensure_document_date(today + dt.timedelta(days=4), _calendar(3))


@pytest.mark.django_db
def test_a_header_by_relation_name_is_made_as_model_init_makes_it(stock_world):
    from jxc.inventory.documents.models import OtherReceipt

    w = stock_world
    header = {"warehouse": w.zc, "date": dt.date(2026, 3, 1), "reason": "other", "memo": "m"}
    orm = OtherReceipt(**header)
    with pytest.MonkeyPatch.context() as mp:

        def init(*args, **kwargs):
            raise AssertionError("Model.__init__ was run")

        mp.setattr(OtherReceipt, "__init__", init)
        made = new_row(OtherReceipt)(dict(header))
    assert type(made) is OtherReceipt
    assert {k: v for k, v in made.__dict__.items() if k != "_state"} == {
        k: v for k, v in orm.__dict__.items() if k != "_state"
    }
    assert made.warehouse is w.zc and made.warehouse_id == w.zc.pk
    assert (made._state.adding, made._state.db) == (orm._state.adding, orm._state.db)
    with pytest.raises(ValueError, match="must be a"):
        new_row(OtherReceipt)({"warehouse": w.owner})
    with pytest.raises(TypeError):
        new_row(OtherReceipt)({"no_such_field": 1})


@pytest.mark.django_db
def test_rows_read_with_a_plain_cursor_are_what_the_orm_reads(stock_world):
    """The row builder's own decimal and date conversions (SQLite) give the values the ORM's
    converters give — to the last place and exponent — NULLs included."""
    from decimal import Decimal

    from jxc.core.documents.lines import LineInput
    from jxc.core.documents.rows import rows_where
    from jxc.inventory.documents import services as docs
    from jxc.inventory.documents.models import StockDocument, StockDocumentLine

    w = stock_world
    doc = docs.create_stock_document(
        user=w.owner,
        kind="other_receipt",
        warehouse=w.zc,
        date=dt.date(2026, 3, 1),
        reason="other",
        lines=[
            LineInput(sku=w.sku_a.pk, qty=Decimal("3"), price=Decimal("0.1")),
            LineInput(sku=w.sku_a.pk, qty=Decimal("2"), unit=w.box.pk, price=Decimal("12.34")),
            LineInput(sku=w.sku_b.pk, qty=Decimal("7")),
        ],
    )

    def plain(obj):
        return {k: repr(v) for k, v in obj.__dict__.items() if k != "_state"}

    ours = rows_where(StockDocumentLine, "document_id", doc.pk, order=("line_no", "id"))
    orm = list(StockDocumentLine.objects.filter(document=doc).order_by("line_no", "id"))
    assert [plain(x) for x in ours] == [plain(x) for x in orm]
    assert any(x.price is None for x in ours)
    (header,) = rows_where(StockDocument, "id", doc.pk)
    assert plain(header) == plain(StockDocument.objects.get(pk=doc.pk))


def test_lots_and_post_lines_made_without_init_are_the_dataclasses_own(monkeypatch):
    import dataclasses
    from decimal import Decimal

    from jxc.core.documents.lots import Lot, make_lot
    from jxc.inventory.documents.rules import PostLine, post_line

    full = {"qty": Decimal("2.500000"), "bin": 3, "batch": None, "serials": ("S1",)}
    line = {
        "id": 9,
        "sku": 4,
        "qty": Decimal("1"),
        "base_qty": Decimal("12"),
        "unit": 2,
        "price": None,
        "factor": Decimal("12"),
        "value_change": None,
        "lots": (Lot(**full),),
    }
    expected_lots = [Lot(**full), Lot(qty=Decimal(1))]
    expected_line = PostLine(**line)

    def init(*args, **kwargs):
        raise AssertionError("__init__ was run")

    monkeypatch.setattr(Lot, "__init__", init)
    monkeypatch.setattr(PostLine, "__init__", init)
    made = [make_lot(**full), make_lot(Decimal(1))]
    assert made == expected_lots
    assert [hash(x) for x in made] == [hash(x) for x in expected_lots]
    assert post_line(**line) == expected_line
    with pytest.raises(dataclasses.FrozenInstanceError):
        made[0].qty = Decimal(0)  # type: ignore[misc]


def test_stock_lines_made_without_init_are_the_dataclass_own(monkeypatch):
    import dataclasses
    import datetime as dt
    from decimal import Decimal

    from jxc.inventory.ledger.types import StockLine, stock_line

    day = dt.date(2026, 3, 1)
    required = {
        "sku": 4,
        "warehouse": 2,
        "qty": Decimal("-3"),
        "reason": "other_issue",
        "date": day,
    }
    optional = {
        "bin": 7,
        "batch": None,
        "unit_cost": Decimal("1.25"),
        "source_line": 11,
        "serials": ("A",),
        "entered_qty": Decimal("3"),
        "entered_unit": 5,
        "origin_line": 0,
    }
    expected = [StockLine(**required, **optional), StockLine(**required)]

    def init(*args, **kwargs):
        raise AssertionError("__init__ was run")

    monkeypatch.setattr(StockLine, "__init__", init)
    made = [stock_line(**required, **optional), stock_line(**required)]
    assert made == expected
    assert [type(x) for x in made] == [StockLine, StockLine]
    assert [hash(x) for x in made] == [hash(x) for x in expected]
    assert [repr(x) for x in made] == [repr(x) for x in expected]
    assert [list(vars(x).items()) for x in made] == [list(vars(x).items()) for x in expected]
    assert made[0] != stock_line(**{**required, "qty": Decimal("-2")}, **optional)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made[0].qty = Decimal(0)  # type: ignore[misc]
    with pytest.raises(TypeError):
        stock_line(**required, price=Decimal(1))


@pytest.mark.django_db
def test_row_parameters_are_what_the_fields_send(stock_world, monkeypatch):
    """``row_params.row_adapter``'s written code gives, for every field of a header and a
    line, the value ``get_db_prep_save(pre_save(…))`` gives — a status member, None dates and
    times, a date, decimals (and a whole number), a text's subclass, ids — inserting and updating
    (SQLite: a decimal as the text the driver's adapter would bind)."""
    from decimal import Decimal

    from django.db import connection

    from jxc.core.choices import DocumentStatus
    from jxc.core.documents.row_params import row_adapter
    from jxc.core.documents.rows import _insert_head, new_row
    from jxc.inventory.documents.models import OtherReceipt, StockDocumentLine

    w = stock_world
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    header = new_row(OtherReceipt)(
        {"warehouse": w.zc, "date": dt.date(2026, 3, 1), "reason": "other", "memo": "备注"}
    )
    header.number, header.created_by, header.status = "QTRK-1", w.owner, DocumentStatus.DRAFT
    stamped = new_row(OtherReceipt)({"warehouse": w.zc, "date": dt.date(2026, 3, 2)})
    stamped.approved_at, stamped.approved_by, stamped.reversal_date = now, w.owner, dt.date.today()
    line = new_row(StockDocumentLine)(
        {
            "line_no": 1,
            "sku_id": w.sku_a.pk,
            "unit_id": None,
            "factor": Decimal("12"),
            "qty": Decimal("1.5"),
            "base_qty": Decimal("18.0"),
            "price": 3,  # not a Decimal: through the field
            "document_id": 7,
            "production_date": dt.date(2026, 1, 1),
        }
    )

    def bound(values):
        # what the driver binds: SQLite's adapter for Decimal (Django's) is str
        sqlite = connection.vendor == "sqlite"
        return [str(v) if type(v) is Decimal and sqlite else v for v in values]

    def reference(obj, fields, inserting):
        return bound(
            f.get_db_prep_save(
                f.pre_save(obj, True) if inserting else getattr(obj, f.attname), connection
            )
            for f in fields
        )

    for obj in (header, stamped, line):
        model = type(obj)
        fields = _insert_head(model)[0]
        for inserting in (True, False):
            ours = row_adapter(model, fields, inserting=inserting)(obj, obj.__dict__, connection)
            assert bound(ours) == reference(obj, fields, inserting)
            if connection.vendor == "sqlite" and model is StockDocumentLine:
                assert ours[3] == "12"  # a finite Decimal: its text, no adapter lookup
    made = row_adapter(OtherReceipt, _insert_head(OtherReceipt)[0], inserting=True)(
        header, header.__dict__, connection
    )
    assert DocumentStatus.DRAFT in made and type(made[2]) is type(
        reference(header, _insert_head(OtherReceipt)[0], True)[2]
    )


@pytest.mark.django_db
def test_a_relation_set_without_its_descriptor_leaves_the_row_as_the_descriptor_does(
    stock_world,
):
    """``rows.set_relation`` (a step's stamped user, a posting's warehouse) gives the row the
    id and the cached instance ``setattr`` gives it, and leaves to the descriptor what it
    must refuse or route (a row of no database yet, a wrong type, None)."""
    from jxc.core.documents.rows import set_relation
    from jxc.inventory.documents.models import OtherReceipt

    w = stock_world
    doc = docs_receipt(w)

    def state(obj):
        return (
            {k: v for k, v in obj.__dict__.items() if k != "_state"},
            dict(obj._state.fields_cache),
            obj._state.db,
        )

    for name, value in (("approved_by", w.keeper), ("warehouse", w.md), ("posted_by", None)):
        ours, theirs = OtherReceipt.objects.get(pk=doc.pk), OtherReceipt.objects.get(pk=doc.pk)
        ours.approved_by, theirs.approved_by = w.owner, w.owner  # a cached value replaced
        set_relation(ours, name, value)
        setattr(theirs, name, value)
        assert state(ours) == state(theirs)
    new = OtherReceipt(date=doc.date, kind="other_receipt")
    set_relation(new, "warehouse", w.zc)  # no database yet: the descriptor routes it
    assert (new.warehouse_id, new._state.db) == (w.zc.pk, "default")
    with pytest.raises(ValueError, match="must be a"):
        set_relation(new, "warehouse", w.owner)


def docs_receipt(w):
    from decimal import Decimal

    from jxc.core.documents.lines import LineInput
    from jxc.inventory.documents import services as docs

    return docs.create_stock_document(
        user=w.owner,
        kind="other_receipt",
        warehouse=w.zc,
        date=dt.date(2026, 3, 1),
        reason="other",
        lines=[LineInput(sku=w.sku_a.pk, qty=Decimal("1"), price=Decimal("1"))],
    )
