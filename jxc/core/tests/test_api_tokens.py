"""Personal API tokens: stored hashed, shown once, revocable, carrying the user's rights."""

import hashlib

import pytest

from jxc.core.accounts import create_api_token, revoke_api_token, user_for_token
from jxc.core.errors import NotFound, ValidationFailed
from jxc.core.models import ApiToken


@pytest.mark.django_db
def test_token_is_shown_once_and_stored_hashed(sales_user):
    token, plain = create_api_token(user=sales_user, name=" 手机 ")
    assert plain.startswith("jxc_") and len(plain) > 30
    row = ApiToken.objects.get(pk=token.pk)
    assert row.name == "手机"
    assert row.digest == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in {row.digest, row.prefix, row.name}
    assert row.prefix == plain[:12]


@pytest.mark.django_db
def test_token_identifies_its_user_and_their_permissions(sales_user):
    _token, plain = create_api_token(user=sales_user, name="erp")
    user = user_for_token(plain)
    assert user is not None and user == sales_user
    assert user.has_jxc_perm("customer.view") and not user.can_view_cost
    assert user_for_token(plain + "x") is None
    assert user_for_token("") is None


@pytest.mark.django_db
def test_use_is_recorded(sales_user):
    token, plain = create_api_token(user=sales_user, name="erp")
    assert token.last_used_at is None
    user_for_token(plain)
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_revoked_token_no_longer_works(sales_user):
    token, plain = create_api_token(user=sales_user, name="erp")
    revoke_api_token(token_id=token.pk, user=sales_user)
    assert user_for_token(plain) is None
    with pytest.raises(NotFound):  # revoking twice
        revoke_api_token(token_id=token.pk, user=sales_user)


@pytest.mark.django_db
def test_only_the_owner_revokes_a_token(sales_user, owner):
    token, plain = create_api_token(user=sales_user, name="erp")
    with pytest.raises(NotFound):
        revoke_api_token(token_id=token.pk, user=owner)
    assert user_for_token(plain) == sales_user


@pytest.mark.django_db
def test_deactivated_user_token_stops_working(sales_user):
    _token, plain = create_api_token(user=sales_user, name="erp")
    sales_user.is_active = False
    sales_user.save()
    assert user_for_token(plain) is None


@pytest.mark.django_db
def test_token_needs_a_name(sales_user):
    with pytest.raises(ValidationFailed) as exc:
        create_api_token(user=sales_user, name="  ")
    assert "name" in exc.value.errors
    assert not ApiToken.objects.exists()
