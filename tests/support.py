"""Constants shared by test modules (import ``tests.support``, never ``conftest``: with
several conftest.py files on the path, ``import conftest`` finds whichever came first)."""

TEST_PASSWORD = "Jxc-test-2026!"
