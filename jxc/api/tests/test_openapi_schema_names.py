"""Every schema of the OpenAPI document has a name of its own: two classes with one name
would be one entry in ``components.schemas``, and the second silently replaces the first
(an approvals ``AlertOut`` once hid the stock summary's from the document)."""

from collections import defaultdict

from pydantic import BaseModel

from jxc.api.urls import api


def _models(annotation, seen: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for info in annotation.model_fields.values():
            _models(info.annotation, seen)
        return
    for arg in getattr(annotation, "__args__", ()) or ():
        _models(arg, seen)


def _all_models() -> set:
    seen: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                for model in op.models:
                    _models(model, seen)
                for response in op.response_models.values():
                    _models(response, seen)
    return seen


def test_no_two_schemas_share_a_name_in_the_openapi_document():
    by_name: dict[str, set[str]] = defaultdict(set)
    models = _all_models()
    for model in models:
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert len(models) > 100
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not clashes, clashes


def test_every_operation_has_an_id_of_its_own():
    """Endpoints made in a loop (付款单 and 收款单 share one maker) once shared their ids:
    clients generated from the document would have had one method for both books."""
    ids: dict[str, list[str]] = defaultdict(list)
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, op in operations.items():
            ids[op["operationId"]].append(f"{method.upper()} {path}")
    assert len(ids) > 300
    shared = {op_id: where for op_id, where in ids.items() if len(where) > 1}
    assert not shared, shared


def test_the_endpoints_moved_out_of_api_core_keep_their_operation_ids():
    """``jxc/api/core.py`` was split by what it does (users, company, API tokens, audit log):
    the operation ids clients generate their names from stay ``jxc_api_core_<function>``."""
    ids = {
        op["operationId"]
        for methods in api.get_openapi_schema()["paths"].values()
        for op in methods.values()
    }
    moved = {"me", "list_users", "list_roles", "get_company", "create_api_token", "audit_log"}
    assert {f"jxc_api_core_{name}" for name in moved} <= ids
    assert not any(i.startswith(("jxc_api_users_", "jxc_api_company_")) for i in ids)
