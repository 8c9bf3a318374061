"""操作记录: every master-data change is appended with who, what and which fields from → to."""

import pytest

from jxc.core.errors import DuplicateCode, ValidationFailed
from jxc.core.models import AuditLog, Role
from jxc.core.selectors import audit_trail, company
from jxc.core.services import record_audit, save_audited, set_active, update_company


@pytest.mark.django_db
def test_create_is_audited_with_its_fields(owner):
    role = save_audited(Role(code="qa-clerk", name="Clerk"), user=owner, unique_fields=("code",))
    entry = audit_trail(role)[0]
    assert (entry.action, entry.user, entry.object_type) == ("create", owner, "core.role")
    assert entry.object_id == str(role.pk)
    assert entry.changes["code"] == [None, "qa-clerk"]
    assert entry.changes["name"] == [None, "Clerk"]


@pytest.mark.django_db
def test_update_records_exactly_the_changed_fields(owner):
    role = save_audited(Role(code="qa-clerk", name="Clerk"), user=owner)
    role.name = "Senior clerk"
    save_audited(role, user=owner)
    latest = audit_trail(role)[0]
    assert latest.action == "update"
    assert latest.changes == {"name": ["Clerk", "Senior clerk"]}


@pytest.mark.django_db
def test_saving_without_changes_writes_nothing(owner):
    role = save_audited(Role(code="qa-clerk", name="Clerk"), user=owner)
    save_audited(role, user=owner)
    assert len(audit_trail(role)) == 1


@pytest.mark.django_db
def test_company_settings_changes_are_audited(owner):
    update_company(user=owner, name="文具批发", qty_decimals=3)
    entry = audit_trail(company())[0]
    assert entry.changes["name"][1] == "文具批发"
    assert entry.changes["qty_decimals"] == [2, 3]


@pytest.mark.django_db
def test_invalid_input_raises_and_saves_nothing(owner):
    with pytest.raises(ValidationFailed) as exc:
        save_audited(Role(code="not a slug!", name=""), user=owner)
    assert {"code", "name"} <= set(exc.value.errors)
    assert not Role.objects.filter(code="not a slug!").exists()
    assert not AuditLog.objects.filter(object_type="core.role", action="create").exists()


@pytest.mark.django_db
def test_duplicate_code_is_a_domain_error(owner):
    save_audited(Role(code="qa-clerk", name="Clerk"), user=owner, unique_fields=("code",))
    with pytest.raises(DuplicateCode) as exc:
        save_audited(Role(code="qa-clerk", name="Other"), user=owner, unique_fields=("code",))
    assert (exc.value.field, exc.value.params) == ("code", {"value": "qa-clerk"})
    assert Role.objects.filter(code="qa-clerk").count() == 1


@pytest.mark.django_db
def test_a_company_change_is_seen_at_once_and_not_after_a_rollback(owner):
    """No cached copy of the settings: a rolled-back change is gone, a committed one is seen."""
    from django.db import transaction

    before = company().qty_decimals
    with pytest.raises(RuntimeError), transaction.atomic():
        update_company(user=owner, qty_decimals=before + 1)
        assert company().qty_decimals == before + 1
        raise RuntimeError("roll back")
    assert company().qty_decimals == before


@pytest.mark.django_db
def test_set_active_records_deactivation_with_reason(owner, sales_user):
    set_active(sales_user, active=False, user=owner, reason="left the company")
    sales_user.refresh_from_db()
    assert sales_user.is_active is False
    entry = audit_trail(sales_user)[0]
    assert (entry.action, entry.reason) == ("deactivate", "left the company")
    assert entry.changes == {"is_active": [True, False]}
    # Deactivating again changes nothing and writes nothing.
    set_active(sales_user, active=False, user=owner)
    assert audit_trail(sales_user)[0].pk == entry.pk


@pytest.mark.django_db
def test_audit_log_is_append_only(owner):
    entry = record_audit(user=owner, obj=owner, action="approve", changes={"x": [1, 2]})
    entry.action = "tampered"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert AuditLog.objects.get(pk=entry.pk).action == "approve"


@pytest.mark.django_db
def test_audit_trail_is_newest_first_and_per_object(owner, sales_user):
    for action in ("submit", "approve", "post"):
        record_audit(user=owner, obj=owner, action=action)
    record_audit(user=owner, obj=sales_user, action="other")
    assert [e.action for e in audit_trail(owner)][:3] == ["post", "approve", "submit"]
    assert "other" not in [e.action for e in audit_trail(owner)]
    assert len(audit_trail(owner, limit=2)) == 2


def test_entry_text_is_the_same_without_the_json_round_trip_and_strftime():
    """The hashed content of a status step (TextChoices members, a str subclass) and its time
    read as before the shortcuts: json round trip for non-plain changes, strftime for time."""
    import datetime as dt
    import json

    from django.db import models

    from jxc.core import audit

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    def old_content(at, changes):
        plain = json.loads(json.dumps(changes, default=str))
        text = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
        return json.dumps(
            [text, 7, "submit", "t.doc", "1", "r", plain, ""],
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )

    shanghai = dt.timezone(dt.timedelta(hours=8))
    times = [
        dt.datetime(2026, 12, 7, 4, 8, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 1, 7, 0, 0, 123456, tzinfo=shanghai),
        dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(999, 5, 6, 1, 2, 3, 4, tzinfo=dt.UTC),
    ]
    changes = [
        {"status": [Status.DRAFT, Status.SUBMITTED]},
        {"status": ["draft", "submitted"], "lines": [None, 5]},
        {"名称": ["旧", "新"]},
    ]
    assert audit._is_plain(changes[0])
    for at in times:
        for c in changes:
            new = audit.entry_content(
                at=at,
                user_id=7,
                action="submit",
                object_type="t.doc",
                object_id="1",
                object_repr="r",
                changes=c,
                reason="",
            )
            assert new == old_content(at, c)


@pytest.mark.django_db
def test_sqlite_entry_parameters_are_the_fields_own_and_the_hashed_text_the_same():
    """On SQLite an entry's parameters are made with the time written out once and the hashed
    content put together from its parts (the changes' texts kept per step): the same values
    the fields send and the same text ``entry_content`` hashes, for the entries the shortcut
    takes and for those it leaves (a time not in UTC, a number that is not whole)."""
    import datetime as dt
    import json

    from django.db import connection, models

    from jxc.core import audit
    from jxc.core.models import AuditLog

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite parameters")

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        POSTED = "posted", "Posted"

    shanghai = dt.timezone(dt.timedelta(hours=8))
    times = [
        dt.datetime(2026, 12, 7, 4, 8, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 7, 4, 8, 9, 120, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 1, 7, 0, 0, 123456, tzinfo=shanghai),
    ]
    changes = [
        {"status": [Status.DRAFT, Status.POSTED]},
        {"status": ["draft", "posted"]},
        {"lines": [None, 5]},
        {"lines": [None, True]},
        {"lines": [None, "5"]},
        {"qty": [1.5, None]},
        {"名称": ['旧 "引号"\n', "新\u2028"]},
        {"a": [1, 2], "b": [None, 3]},
        {},
        None,
    ]
    field = AuditLog._meta.get_field("at")
    for _round in range(2):  # the second time from the kept texts
        for at in times:
            for user_id in (None, 7):
                for c in changes:
                    entry = dict(
                        at=at,
                        user_id=user_id,
                        action="post",
                        object_type="inventory.stockdocument",
                        object_id="12",
                        object_repr='QTRK-0001 "其他入库"',
                        changes=c,
                        reason="因为\t",
                    )
                    params = audit._params(connection, **entry)
                    assert params == [
                        field.get_db_prep_save(at, connection),
                        user_id,
                        "post",
                        "inventory.stockdocument",
                        "12",
                        'QTRK-0001 "其他入库"',
                        json.dumps(c),
                        "因为\t",
                        audit.entry_content(**entry),
                    ]
    assert audit._sqlite_params(connection, times[2], None, "a", "b", "c", "d", {}, "") is None
    assert audit._sqlite_params(connection, times[1], None, "a", "b", "c", "d", {}, "") is not None
