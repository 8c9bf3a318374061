"""Choice and bound checks written short on PostgreSQL (``jxc.core.fields.ChoicesCheck``,
``BoundsCheck``; docs/ledger.md "Twelfth pass"): PostgreSQL reads a table's CHECK
expressions back from their stored text at every statement that writes the table, so an
``OR`` of eight comparisons cost every status change. Written as one comparison with an
array, and ``GREATEST(abs(…)) < bound``, the same rows must pass; SQLite keeps Django's own
text (its tables are not rebuilt)."""

from decimal import Decimal as D

import pytest
from django.apps import apps
from django.db import connection, models

from jxc.core.fields import BoundsCheck, ChoicesCheck
from tests.support import latest_migrations, migrate_to


def _short_checks() -> list[tuple[type[models.Model], models.CheckConstraint]]:
    return [
        (model, c)
        for model in apps.get_models()
        for c in model._meta.constraints
        if isinstance(c, ChoicesCheck | BoundsCheck)
    ]


def _as_django_writes_it(model, check, editor) -> str:
    plain = models.CheckConstraint(condition=check.condition, name=check.name)
    return plain._get_check_sql(model, editor)


def test_every_choice_and_bound_check_is_a_short_one():
    names = {c.name for _m, c in _short_checks()}
    assert {"stockdoc_status_valid", "move_in_bounds", "move_reason_valid"} <= names
    assert len(names) > 40


@pytest.mark.django_db
def test_sqlite_keeps_djangos_own_text():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's text")
    editor = connection.schema_editor()  # only to write SQL: not entered
    for model, check in _short_checks():
        assert check._get_check_sql(model, editor) == _as_django_writes_it(model, check, editor)


def _samples(check: models.CheckConstraint, model) -> tuple[list[str], list[list[str]]]:
    """(columns, rows of SQL values) probing ``check`` at its edges."""
    if isinstance(check, ChoicesCheck):
        column = model._meta.get_field(check.field).column
        values = [*check.values, "", "bogus", check.values[0].upper(), check.values[0] + " "]
        quoted = ["'" + v.replace("'", "''") + "'" for v in values]
        return [column], [[f"CAST({v} AS varchar)"] for v in quoted] + [["CAST(NULL AS varchar)"]]
    columns = [model._meta.get_field(c).column for c in [*check.qty, *check.money]]
    edges = ["0", "NULL", "'NaN'", "'Infinity'", "'-Infinity'"]
    for bound in ("1000000000", "10000000000000"):
        b = D(bound)
        edges += [f"'{x}'" for x in (b, -b, b - D("0.000001"), -b + D("0.01"), b + 1, -b - 1)]
    rows = []
    for i in range(len(columns)):
        for edge in edges:
            for rest in ("0", "NULL"):
                row = [rest] * len(columns)
                row[i] = edge
                rows.append(row)
    return columns, [[f"CAST({v} AS numeric)" for v in row] for row in rows]


@pytest.mark.django_db
@pytest.mark.postgres_only
def test_the_short_text_passes_the_same_rows_as_djangos():
    tried = 0
    editor = connection.schema_editor()  # only to write SQL: not entered
    with connection.cursor() as cur:
        for model, check in _short_checks():
            short = check._get_check_sql(model, editor)
            plain = _as_django_writes_it(model, check, editor)
            assert short != plain
            columns, rows = _samples(check, model)
            names = ", ".join(editor.quote_name(c) for c in columns)
            values = ", ".join("(" + ", ".join(r) + ")" for r in rows)
            cur.execute(
                f"SELECT ({short}) IS NOT FALSE, ({plain}) IS NOT FALSE "
                f"FROM (VALUES {values}) AS t({names})"
            )
            got = cur.fetchall()
            assert [a for a, _b in got] == [b for _a, b in got], check.name
            assert {a for a, _b in got} == {True, False}, check.name  # it refuses something
            tried += len(got)
    assert tried > 1000


def _definition(name: str) -> str:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT sql FROM sqlite_master WHERE name = 'inventory_stockdocument'")
        else:
            cur.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [name]
            )
        return cur.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_migration_writes_them_short_and_back():
    before = _definition("stockdoc_status_valid")
    migrate_to([("inventory", "0024_document_status_unindexed")])
    try:
        back = _definition("stockdoc_status_valid")
    finally:
        migrate_to(latest_migrations())
    assert _definition("stockdoc_status_valid") == before
    if connection.vendor == "sqlite":
        assert back == before  # not rebuilt
    else:
        assert "= ANY ('{draft,submitted," in before and " OR " not in before
        assert back.count(" OR ") == 7
