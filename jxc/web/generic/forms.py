"""Forms that only read input: the domain service validates and saves.

A ``ServiceForm`` is a ModelForm for its widgets, labels and type conversion, but it never
builds, validates or saves the model instance (no ``full_clean``, no uniqueness queries):
the view hands ``cleaned_data`` to the service, and a ``DomainError`` the service raises is
put back on the form by :func:`apply_domain_error`, in the user's language.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS

from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.visibility import can_view_cost, field_marks, marks_of, shows


def offer_active(form: forms.BaseForm, name: str, queryset, *, active: str = "is_active") -> None:
    """Limit the choice field ``name`` to the active rows of ``queryset`` plus the rows the
    record holds now (the form's initial value, else its model instance's link).

    Any form can use it (a plain ``Form`` passes the record's values as ``initial``, on GET
    and POST alike); ``active`` is the lookup that means "still offered" (``kit__is_active``).
    """
    from django.db.models import Q

    current = form.initial.get(name)
    instance = getattr(form, "instance", None)
    if current is None and instance is not None and instance.pk:
        current = getattr(instance, f"{name}_id", None)
    if not isinstance(current, list | tuple | set):
        current = [] if current in (None, "") else [current]
    pks = [getattr(v, "pk", v) for v in current]
    set_queryset(form, name, queryset.filter(Q(**{active: True}) | Q(pk__in=pks)))


def set_queryset(form: forms.BaseForm, name: str, queryset) -> None:
    """Offer ``queryset`` in the model choice field ``name`` (scoped per request)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class ServiceForm(forms.ModelForm):
    """Parses input for a service call; nothing here touches the database."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's own validators (phone, tax number, code) run here too, so every
        # field error shows at once; the service checks them again before saving.
        opts = self._meta.model._meta
        for name, field in self.fields.items():
            try:
                model_field = opts.get_field(name)
            except Exception:  # a form-only field
                continue
            extra = [
                v for v in getattr(model_field, "_validators", []) if v not in field.validators
            ]
            field.validators = [*field.validators, *extra]

    def offer_active(self, name: str, queryset, *, active: str = "is_active") -> None:
        """Offer the active rows of ``queryset`` in a choice field, plus whatever the record
        points at now: saving an unrelated change must not silently clear a link to a row
        that was deactivated since (a warehouse's keeper, a category's parent)."""
        offer_active(self, name, queryset, active=active)

    def _post_clean(self) -> None:
        # ModelForm would construct the instance and run model validation here; the
        # service does both, so there is one place that decides what is valid.
        return None

    def service_data(self) -> dict[str, Any]:
        """Keyword arguments for the service (override to rename or drop fields)."""
        return dict(self.cleaned_data)


def drop_cost_fields(form: forms.BaseForm, user) -> None:
    """A user without ``cost.view`` gets no input for a cost figure (it cannot show ***)."""
    if can_view_cost(user):
        return
    model = getattr(getattr(form, "_meta", None), "model", None)
    for name in [
        n for n, f in form.fields.items() if not shows(marks_of(f) | field_marks(model, n), user)
    ]:
        del form.fields[name]


def apply_domain_error(form: forms.BaseForm, exc: DomainError, request=None) -> None:
    """Show a service's refusal on the form: field errors next to their fields (a duplicate
    code on the code field), anything else above the form and as a toast."""
    if isinstance(exc, ValidationFailed) and exc.errors:
        for field, msgs in exc.errors.items():
            target = field if field in form.fields else None
            if target is None and field not in ("", NON_FIELD_ERRORS):
                label = field
                msgs = [f"{label}: {m}" for m in msgs]
            form.add_error(target, list(msgs))
        return
    name = getattr(exc, "field", None)
    if name and name in form.fields:
        form.add_error(name, str(exc))
        return
    form.add_error(None, str(exc))
    if request is not None:
        messages.error(request, str(exc))
