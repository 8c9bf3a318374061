"""Domain errors: a stable code, an HTTP status and a translatable message."""

from django.utils import translation

from jxc.core import errors
from jxc.core.errors import (
    DomainError,
    DuplicateCode,
    IdempotencyConflict,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)


def test_as_dict_has_code_message_and_params():
    with translation.override("en"):
        data = DuplicateCode(field="code", value="A001").as_dict()
    assert data == {
        "code": "duplicate_code",
        "message": "“A001” is already used.",
        "params": {"value": "A001", "field": "code"},
    }


def test_params_are_interpolated_and_stringified():
    with translation.override("en"):
        exc = InvalidTransition(source="draft", target="posted")
        assert str(exc) == "This document cannot go from “draft” to “posted”."
    assert exc.as_dict()["params"] == {"source": "draft", "target": "posted"}
    assert DomainError(qty=3).as_dict()["params"] == {"qty": "3"}


def test_custom_message_wins_and_bad_params_do_not_crash():
    assert str(DomainError("Stock of %(sku)s is short", sku="A1")) == "Stock of A1 is short"
    assert str(DomainError("Needs %(missing)s", other=1)) == "Needs %(missing)s"


def test_validation_failed_carries_field_errors():
    exc = ValidationFailed({"code": ["taken", "too long"], "__all__": ["min > max"]})
    data = exc.as_dict()
    assert data["code"] == "validation_failed"
    assert data["params"]["errors"] == {"code": ["taken", "too long"], "__all__": ["min > max"]}
    assert ValidationFailed().errors == {}


def test_codes_are_stable_and_unique():
    classes = [
        c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, DomainError)
    ]
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes))
    assert {
        DomainError: ("domain_error", 422),
        ValidationFailed: ("validation_failed", 422),
        NotFound: ("not_found", 404),
        InvalidTransition: ("invalid_transition", 409),
        DuplicateCode: ("duplicate_code", 409),
        IdempotencyConflict: ("idempotency_conflict", 422),
    } == {
        c: (c.code, c.http_status)
        for c in (
            DomainError,
            ValidationFailed,
            NotFound,
            InvalidTransition,
            DuplicateCode,
            IdempotencyConflict,
        )
    }


def test_messages_are_translatable_to_chinese():
    # Once the zh_Hans catalogue exists the message changes language; until then it must at
    # least render without error in both languages.
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            assert str(NotFound())
