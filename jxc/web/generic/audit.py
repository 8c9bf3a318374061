"""操作记录 on a detail page: audit lines as readable rows (labels, related names, masked
cost figures), shared by the generic screens and the settings pages."""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from jxc.core.selectors import audit_trail

AUDIT_ACTIONS = {
    "create": pgettext_lazy("audit action", "Created"),
    "update": pgettext_lazy("audit action", "Changed"),
    "activate": pgettext_lazy("audit action", "Activated"),
    "deactivate": pgettext_lazy("audit action", "Deactivated"),
    "revoke": pgettext_lazy("audit action", "Revoked"),
    "set_password": pgettext_lazy("audit action", "Password changed"),
    "count": pgettext_lazy("audit action", "Counts entered"),
    "import": pgettext_lazy("audit action", "Imported"),
    "close_period": pgettext_lazy("audit action", "Month closed"),
    "reopen_period": pgettext_lazy("audit action", "Month reopened"),
}


def audit_action_label(code: str) -> str:
    """What an audit line's action is called on screen: its own name above, else the
    permission action of the same code (提交, 审核, 过账, 红冲, 调入, 结案, 归还 …), never the
    code itself unless nothing names it."""
    from jxc.core.permissions import ACTIONS

    label = AUDIT_ACTIONS.get(code) or ACTIONS.get(code)
    return str(label) if label is not None else code


# Audit keys that name no field: what they are called on screen (``lines``: how many lines
# a document was saved with, kept also by a type whose rows are not called ``lines``: 销项发票).
AUDIT_KEYS = {
    "stock_limit": pgettext_lazy("audit", "Stock limits"),
    "lines": pgettext_lazy("audit", "Number of lines"),
    # a multi-level approval moving on (jxc.approvals.services): from step n to n + 1
    "approval_step": pgettext_lazy("audit", "Approval step"),
}


def audit_rows(obj, user, *, readable: bool = False) -> list[dict[str, Any]]:
    """操作记录 of one object, newest first (see ``audit_entry_rows``)."""
    return audit_entry_rows(audit_trail(obj), user, model=type(obj), readable=readable)


def audit_entry_rows(entries, user, *, model=None, readable: bool = False) -> list[dict[str, Any]]:
    """Audit lines with field labels, and cost figures masked for users without cost.view.

    ``readable``: also name what is not a field of the model (a supplier's ``contacts``, a
    user's ``warehouses``) and show lists of codes as the names of their rows (角色 仓管、销售
    instead of ``['keeper', 'sales']``). Screens that post-process the raw keys and lists
    themselves leave it off.
    """
    from django.apps import apps

    from jxc.web.generic.columns import mask_value, model_field

    out = []
    for entry in entries:
        entry_model = model
        if entry_model is None:
            try:
                entry_model = apps.get_model(entry.object_type)
            except (LookupError, ValueError):
                entry_model = None
        changes = []
        for name, pair in (entry.changes or {}).items():
            field = model_field(entry_model, name) if entry_model else None
            label = getattr(field, "verbose_name", None) or AUDIT_KEYS.get(name) or name
            before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
            if entry.action == "create" and after in (None, "", False, [], {}):
                continue  # a new record: only the fields that were filled in
            if readable:
                related = _related_model(entry_model, name, field)
                if not getattr(field, "verbose_name", None) and related is not None:
                    label = related._meta.verbose_name_plural
                before, after = (
                    _readable(
                        field, related, mask_value(entry_model, name, v, user), owner=entry_model
                    )
                    for v in (before, after)
                )
                head, _sep, tail = name.partition(":")
                if tail and label == name:  # "stock_limit:ZC" → 库存上下限 ZC
                    label = f"{AUDIT_KEYS.get(head, head)} {tail}"
                label = capfirst(label)
            else:
                before = mask_value(entry_model, name, audit_value(field, before), user)
                after = mask_value(entry_model, name, audit_value(field, after), user)
            changes.append(
                {
                    "label": label,
                    "before": before,
                    "after": after,
                    "created": entry.action == "create",
                }
            )
        out.append(
            {
                "entry": entry,
                "action": audit_action_label(entry.action),
                "changes": changes,
            }
        )
    return out


def _related_model(model, name: str, field):
    """The model a change's values point at: the field's (a foreign key, roles, a reverse
    relation such as a supplier's contacts), else a model named like the key (a user's
    ``warehouses`` data scope is stored under that name)."""
    from django.apps import apps

    related = getattr(field, "related_model", None)
    if related is not None or model is None:
        return related
    candidates = [m for m in apps.get_models() if f"{m._meta.model_name}s" == name]
    same_app = [m for m in candidates if m._meta.app_label == model._meta.app_label]
    found = same_app or candidates
    return found[0] if found else None


def _readable(field, related, value, *, owner=None) -> Any:
    """One side of a change for people: a list of codes or ids becomes the rows' names, rows
    of a sub-table (a SKU's units) read ``计量单位: 箱, 换算率: 24, 零售价: 62.4``."""
    if not isinstance(value, list):
        return audit_value(field, value)
    if not value:
        return None
    if any(isinstance(v, dict | list) for v in value):
        if related is None or not all(isinstance(v, dict) for v in value):
            return value
        return "；".join(_readable_row(related, row, owner=owner) for row in value)
    if related is None:
        return " / ".join(str(v) for v in value)  # e.g. a stock limit's min / max
    names = {}
    if related is not None:
        opts = related._meta
        key = "code" if any(f.name == "code" for f in opts.get_fields()) else "pk"
        wanted = [v for v in value if key == "code" or isinstance(v, int)]
        names = {
            str(getattr(row, key)): str(row)
            for row in related._default_manager.filter(**{f"{key}__in": wanted})
        }
    return "、".join(names.get(str(v), str(v)) for v in value)


def _readable_row(model, row: dict, *, owner=None) -> str:
    from jxc.web.generic.columns import model_field

    parts = []
    for key, raw in row.items():
        field = model_field(model, key)
        if raw in (None, "", False, "0") or (
            owner is not None and getattr(field, "related_model", None) is owner
        ):
            continue  # empty, or the link back to the record the entry is about
        label = getattr(field, "verbose_name", None) or key
        parts.append(f"{label}: {audit_value(field, raw)}")
    return ", ".join(parts)


def audit_value(field, value) -> Any:
    """A stored audit value as a person reads it: labels of choices, names of related rows."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value == "*":
        return _("All")  # a data scope or permission list that covers everything
    if field is None:
        return value
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if getattr(field, "many_to_one", False) and isinstance(value, int | str):
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else value
    return value
