"""The header form of a declared document type, made from its declaration and model fields
(``jxc.core.documents.header``): labels, types and what is required come from the model; a
link is a choice among the rows the user may pick (a warehouse: the user's warehouses; a bin:
one of theirs; any table with ``is_active``: the active rows plus the one the draft holds). The form only parses:
the type's service checks and saves."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet

from jxc.core.documents.header import header_model_fields, is_optional, is_ref
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.models import Bin, Warehouse
from jxc.web.generic.forms import offer_active, set_queryset
from jxc.web.generic.line_grid import date_input

# name → the rows this user may pick, or the (value, label) pairs of a choice (a type
# narrows the defaults with its own).
Choices = Callable[[Any], Mapping[str, Any]]


def default_choices(field: Any, user) -> QuerySet:
    """What a header link offers unless the type says otherwise."""
    related = field.related_model
    if related is Warehouse:
        return stock_selectors.document_warehouses(user)  # never a lent-out location
    if related is Bin:  # of the user's warehouses
        scope = stock_selectors.warehouses_for(user)
        return Bin.objects.filter(warehouse__in=scope).select_related("warehouse")
    return related._default_manager.all()


def _form_field(field: Any) -> forms.Field:
    required = not is_optional(field)
    if is_ref(field):
        return forms.ModelChoiceField(
            queryset=field.related_model._default_manager.none(),
            label=field.verbose_name,
            required=required,
        )
    if isinstance(field, models.DateField):
        return forms.DateField(label=field.verbose_name, widget=date_input(), required=required)
    made = field.formfield(label=field.verbose_name)
    assert made is not None, field
    return made


def header_form_for(model: type[models.Model], *, choices: Choices | None = None) -> type:
    """A form class for the header of ``model``'s declared type; it takes ``user=`` (and
    ``kind=``, unused) like every document header form."""

    def __init__(self, *args, user, kind: str = "", **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        narrowed = choices(user) if choices is not None else {}
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                if isinstance(field, forms.ChoiceField) and name in narrowed:
                    # A choice this type narrows (a reason per direction) must be made, by
                    # the user: nothing is preselected (a 赠品 went out unnoticed).
                    offered = [c for c in narrowed[name] if c[0] != ""]
                    field.choices = [("", "---------"), *offered]
                    field.required = True
                continue
            model_field = model._meta.get_field(name)
            qs = narrowed.get(name)
            if qs is None:
                qs = default_choices(model_field, user)
            related: Any = model_field.related_model
            if any(f.name == "is_active" for f in related._meta.get_fields()):
                offer_active(self, name, qs)
            else:
                set_queryset(self, name, qs)

    attrs: dict[str, Any] = {f.name: _form_field(f) for f in header_model_fields(model)}
    attrs["__init__"] = __init__
    attrs["__module__"] = __name__
    return type(f"{model.__name__}HeaderForm", (forms.Form,), attrs)
