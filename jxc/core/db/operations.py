"""Migration operations of our own."""

from __future__ import annotations

from django.db.migrations.operations.base import Operation


def _named(state, app_label: str, model_name: str, name: str):
    for constraint in state.models[app_label, model_name].options["constraints"]:
        if constraint.name == name:
            return constraint
    raise LookupError(f"{app_label}.{model_name} has no constraint {name}")


class ReplaceConstraint(Operation):
    """The model's constraint of the same name replaced by ``constraint``: in the migration
    state always; in the database only where the two are written differently there (dropped,
    then added). A constraint that only PostgreSQL writes differently (``ChoicesCheck``,
    ``BoundsCheck`` in ``jxc.core.fields``) then leaves SQLite's table alone — Django's
    RemoveConstraint + AddConstraint rebuild a SQLite table twice, whatever the SQL."""

    reversible = True

    def __init__(self, model_name: str, constraint) -> None:
        self.model_name = model_name
        self.constraint = constraint

    def deconstruct(self):
        return (
            type(self).__name__,
            [],
            {"model_name": self.model_name, "constraint": self.constraint},
        )

    def state_forwards(self, app_label, state):
        model = self.model_name.lower()
        old = _named(state, app_label, model, self.constraint.name)
        state.remove_constraint(app_label, model, old.name)
        state.add_constraint(app_label, model, self.constraint)

    def _swap(self, schema_editor, model, old, new) -> None:
        if old.constraint_sql(model, schema_editor) != new.constraint_sql(model, schema_editor):
            schema_editor.remove_constraint(model, old)
            schema_editor.add_constraint(model, new)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            old = _named(from_state, app_label, self.model_name.lower(), self.constraint.name)
            self._swap(schema_editor, model, old, self.constraint)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            old = _named(to_state, app_label, self.model_name.lower(), self.constraint.name)
            self._swap(schema_editor, model, self.constraint, old)

    def describe(self):
        return f"Replace constraint {self.constraint.name} on {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"replace_{self.constraint.name.lower()}"
