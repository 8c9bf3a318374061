"""操作记录 cannot be rewritten: UPDATE / DELETE are refused by database triggers (SQLite and
PostgreSQL), entries form a hash chain, and `jxc check` names the first broken entry."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from jxc.cli import checks
from jxc.core.audit import chain_problems
from jxc.core.models import AuditLog, Role
from jxc.core.services import record_audit


def _entries(user, n=3):
    role = Role.objects.create(code="r", name="角色")
    return [
        record_audit(user=user, obj=role, action="update", changes={"name": ["a", str(i)]})
        for i in range(n)
    ]


def _drop_triggers():
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("DROP TRIGGER core_auditlog_no_update ON core_auditlog")
        else:
            cur.execute("DROP TRIGGER core_auditlog_no_update")
            cur.execute("DROP TRIGGER core_auditlog_no_delete")


@pytest.mark.django_db
def test_entries_are_chained_by_hash(owner):
    entries = _entries(owner)
    hashes = [e.entry_hash for e in entries]
    assert all(len(h) == 64 for h in hashes) and len(set(hashes)) == len(hashes)
    assert chain_problems() == []
    assert checks.audit_append_only() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    ["UPDATE core_auditlog SET reason = 'x'", "DELETE FROM core_auditlog"],
    ids=["update", "delete"],
)
def test_database_refuses_to_change_or_delete_an_entry(owner, sql):
    _entries(owner, 1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(sql)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.all().update(reason="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.all()._raw_delete(AuditLog.objects.db)
    assert AuditLog.objects.filter(reason="").count() == AuditLog.objects.count() >= 1


@pytest.mark.django_db
def test_check_names_the_first_tampered_entry(owner, capsys):
    first, second, _third = _entries(owner)
    _drop_triggers()
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditlog SET reason = 'nobody saw' WHERE id = %s", [second.pk])
    problems = checks.audit_append_only()
    assert problems and problems[0].startswith(f"audit entry {second.pk} ")
    assert not any(f"audit entry {first.pk} " in p for p in problems)
    assert checks.run_all() == 1
    assert "hash chain" in capsys.readouterr().out


@pytest.mark.django_db
def test_check_finds_a_deleted_entry(owner):
    _first, second, third = _entries(owner)
    _drop_triggers()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditlog WHERE id = %s", [second.pk])
    problems = chain_problems()
    assert problems and problems[0].startswith(f"audit entry {third.pk} ")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(owner):
    """10 threads append at once (PostgreSQL: an advisory lock orders them; SQLite: IMMEDIATE
    transactions do): the chain stays one line."""
    role = Role.objects.create(code="r", name="角色")
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)

    def work(i):
        try:
            barrier.wait(timeout=30)
            for n in range(5):
                with transaction.atomic():
                    record_audit(user=None, obj=role, action="update", changes={"n": [i, n]})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:3]
    assert AuditLog.objects.filter(object_type="core.role").count() == 50
    assert chain_problems() == []


@pytest.mark.django_db
def test_an_append_is_one_statement_hashed_as_the_check_recomputes_it(owner):
    """The database reads the chain's head and takes the SHA-256 (SQLite: jxc_sha256,
    PostgreSQL: sha256) over the text Python hashes: non-ASCII content included."""
    from django.test.utils import CaptureQueriesContext

    from jxc.core.audit import entry_hash

    first = _entries(owner, 1)[0]
    role = Role.objects.create(code="r2", name="仓管员·甲")
    with CaptureQueriesContext(connection) as q:
        entry = record_audit(
            user=owner, obj=role, action="update", changes={"名称": ["旧", "新"]}, reason="改名"
        )
    assert len(q) == 1
    stored = AuditLog.objects.get(pk=entry.pk)
    assert (
        stored.entry_hash
        == entry.entry_hash
        == entry_hash(
            first.entry_hash,
            at=stored.at,
            user_id=owner.pk,
            action="update",
            object_type="core.role",
            object_id=str(role.pk),
            object_repr="仓管员·甲",
            changes={"名称": ["旧", "新"]},
            reason="改名",
        )
    )
    assert chain_problems() == []
