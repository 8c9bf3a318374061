"""The document flow's shortcuts give what the long way gave (issue 10 §2): the future-date
guard asks the time zone only for a date it could refuse, and a new draft's header is made
without ``Model.__init__`` but holds what ``Model(**header)`` held."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from jxc.core.documents import actions
from jxc.core.documents.actions import BookCalendar, ensure_document_date
from jxc.core.documents.rows import new_row
from jxc.core.errors import ValidationFailed


def _calendar(days_ahead: int) -> BookCalendar:
    return BookCalendar(closed_until=None, days_ahead=days_ahead, prefixes={})


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def test_a_date_well_inside_the_limit_does_not_ask_the_time_zone(monkeypatch):
    def asked():
        raise AssertionError("the time zone was asked")

    monkeypatch.setattr(actions.timezone, "localdate", asked)
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
        monkeypatch.setattr(actions, "time", SimpleNamespace(time=at.timestamp))
        local = at.astimezone(ZoneInfo(zone)).date()
        monkeypatch.setattr(actions.timezone, "localdate", lambda local=local: local)
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
