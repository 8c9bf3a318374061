"""备份与恢复 (issue 16 §6), on the database the suite runs on (SQLite or PostgreSQL):
``jxc backup`` writes a copy, ``--verify`` restores it into a scratch database with the same
rows and sums and a passing ``jxc check``; a damaged backup fails the verification; ``jxc
restore`` brings back what was there when the backup was taken."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.cli import backup
from jxc.cli.commands import backup_cmd, restore_cmd
from jxc.inventory.models import StockBalance
from jxc.inventory.testing import LedgerKit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stocked(owner):
    kit = LedgerKit(user=owner)
    a = kit.sku("A", price="10")
    zc = kit.warehouse("ZC")
    kit.receive(a, zc, "10", "12.50", day=dt.date(2026, 1, 2))
    kit.issue(a, zc, "3", day=dt.date(2026, 1, 5))
    return {"kit": kit, "a": a, "zc": zc}


def test_backup_verify_restores_a_scratch_copy_with_the_same_figures(stocked, tmp_path, capsys):
    path = tmp_path / "jxc.backup"
    assert backup_cmd([str(path), "--verify"]) == 0
    out = capsys.readouterr().out
    assert "verify: ok" in out and path.stat().st_size > 0


def test_figures_cover_rows_and_numeric_sums(stocked, tmp_path):
    figures = backup.backup(tmp_path / "jxc.backup")
    table = StockBalance._meta.db_table
    rows, sums = figures[table]
    assert rows == 1
    assert any("7" in v for v in sums.values())  # on hand 10 − 3


def test_a_backup_that_differs_fails_the_verification(stocked, tmp_path):
    path = tmp_path / "jxc.backup"
    figures = backup.backup(path)
    table = StockBalance._meta.db_table
    rows, sums = figures[table]
    changed = {**figures, table: (rows + 1, sums)}
    problems = backup.verify(path, changed)
    assert problems and table in problems[0]


def test_verify_runs_the_ledger_check_on_the_restored_copy(stocked, tmp_path, capsys):
    """Rows and sums alike are not enough: a database whose balances no longer equal its moves
    backs up faithfully, and --verify says the copy fails ``jxc check`` (stock ledger)."""
    a, zc = stocked["a"], stocked["zc"]
    StockBalance.objects.filter(sku=a, warehouse=zc).update(on_hand=D(8))  # the moves say 7
    path = tmp_path / "jxc.backup"
    figures = backup.backup(path)
    problems = backup.verify(path, figures)
    assert len(problems) == 1  # the copy is the database: only the check fails
    assert "jxc check on the restored copy failed" in problems[0]
    assert "stock ledger" in problems[0]
    assert backup_cmd([str(tmp_path / "again.backup"), "--verify"]) == 1
    assert "jxc check on the restored copy failed" in capsys.readouterr().err


def test_verify_compares_the_sums_of_numeric_columns(stocked, tmp_path):
    """The same number of rows with another value in a column is a difference."""
    path = tmp_path / "jxc.backup"
    figures = backup.backup(path)
    table = StockBalance._meta.db_table
    rows, sums = figures[table]
    column = next(c for c in sums if c == "on_hand")
    changed = {**figures, table: (rows, {**sums, column: "123"})}
    problems = backup.verify(path, changed)
    assert any(f"{table}.{column}: sum 123" in p for p in problems)


def test_restore_brings_back_the_backed_up_data(stocked, tmp_path, capsys):
    path = tmp_path / "jxc.backup"
    assert backup_cmd([str(path)]) == 0
    kit, a, zc = stocked["kit"], stocked["a"], stocked["zc"]
    kit.issue(a, zc, "5", day=dt.date(2026, 1, 6))
    assert StockBalance.objects.get(sku=a, warehouse=zc).on_hand == D(2)
    assert restore_cmd([str(path), "--yes"]) == 0
    assert StockBalance.objects.get(sku=a, warehouse=zc).on_hand == D(7)
    assert backup.differences(backup.backup(tmp_path / "again.backup"), backup.backup(path)) == []


def test_restore_refuses_a_file_that_is_no_backup(stocked, tmp_path, capsys):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all" * 100)
    assert restore_cmd([str(junk), "--yes"]) == 1
    assert "restore failed" in capsys.readouterr().err
    assert StockBalance.objects.get(sku=stocked["a"]).on_hand == D(7)  # untouched


def test_pg_tools_are_found_like_the_cluster_script_finds_them():
    if not backup.is_postgres():
        pytest.skip("PostgreSQL only")
    assert backup.pg_tool("pg_dump").endswith("pg_dump")
