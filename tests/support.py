"""Constants shared by test modules (import ``tests.support``, never ``conftest``: with
several conftest.py files on the path, ``import conftest`` finds whichever came first)."""

TEST_PASSWORD = "Jxc-test-2026!"


def migrate_to(targets):
    """Migrate the test database to ``targets`` ([(app, migration name)]); the apps of that
    state, for the rows a migration test writes before and reads after."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest_migrations():
    """The leaf migration of every app: where a migration test leaves the database."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.graph.leaf_nodes()
