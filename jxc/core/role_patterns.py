"""Built-in roles of an existing database brought up to what the default roles
(jxc.core.permissions.DEFAULT_ROLES) declare since it was made: a data migration names the
patterns added per role code, ``ADDED = {"finance": ["sales_delivery.view"]}``, and runs
``add, remove = adders(ADDED)``. A role renamed or edited keeps what it has; a pattern already
there is not added twice; the reverse takes the named patterns back."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

Step = Callable[[Any, Any], None]


def adders(added: Mapping[str, Sequence[str]]) -> tuple[Step, Step]:
    """(add, remove): the forward and reverse steps of a ``RunPython``."""

    def add(apps, schema_editor) -> None:
        Role = apps.get_model("core", "Role")
        for code, patterns in added.items():
            for role in Role.objects.filter(code=code):
                have = list(role.permissions or [])
                role.permissions = have + [p for p in patterns if p not in have]
                role.save(update_fields=["permissions"])

    def remove(apps, schema_editor) -> None:
        Role = apps.get_model("core", "Role")
        for code, patterns in added.items():
            for role in Role.objects.filter(code=code):
                role.permissions = [p for p in role.permissions or [] if p not in patterns]
                role.save(update_fields=["permissions"])

    return add, remove
