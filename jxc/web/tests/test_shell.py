"""The shell: login in Chinese, the dashboard's real figures, the permission-filtered menu,
language switch, logout, vendored static files."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from jxc.core.models import AuditLog
from jxc.partners import services as partners

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "登录" in body and "用户名" in body and "密码" in body


def test_pages_need_login(client):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_login_with_the_form_lands_on_home(client, owner):
    from tests.support import TEST_PASSWORD

    response = client.post(
        reverse("web:login"), {"username": "boss", "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("web:home")
    assert "老板" in response.content.decode()


def test_wrong_password_shows_chinese_error(client, owner):
    response = client.post(reverse("web:login"), {"username": "boss", "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_dashboard_counts_come_from_the_database(client_owner, records, owner):
    partners.create_supplier(user=owner, code="S002", name="第二供应商")
    stopped = partners.create_supplier(user=owner, code="S003", name="停用供应商")
    partners.set_active(stopped, active=False, user=owner)
    body = client_owner.get(reverse("web:home")).content.decode()
    assert _stat(body, "suppliers") == "2"  # S001, S002; the inactive one is not counted
    assert _stat(body, "warehouses") == "2"
    assert _stat(body, "customers") == "1"
    assert _stat(body, "skus") == "0"


def _stat(body: str, code: str) -> str:
    start = body.index(f'data-testid="stat-{code}"')
    value = body.index('class="stat-value"', start)
    return body[body.index(">", value) + 1 : body.index("<", value)].strip()


def test_menu_shows_only_what_the_role_may_open(client_for, owner, sales_user):
    owner_body = client_for(owner).get(reverse("web:home")).content.decode()
    sales_body = client_for(sales_user).get(reverse("web:home")).content.decode()
    for url in (reverse("web:supplier_list"), reverse("web:company_settings")):
        assert f'href="{url}"' in owner_body
        assert f'href="{url}"' not in sales_body
    assert f'href="{reverse("web:customer_list")}"' in sales_body
    assert 'data-testid="stat-suppliers"' not in sales_body


def test_menu_marks_the_current_screen(client_owner):
    body = client_owner.get(reverse("web:unit_list")).content.decode()
    assert f'class="menu-item active" href="{reverse("web:unit_list")}"' in body


def test_language_switch_to_english_and_back(client_owner):
    response = client_owner.post(
        reverse("set_language"), {"language": "en", "next": reverse("web:home")}, follow=True
    )
    body = response.content.decode()
    assert "Suppliers" in body and "Log out" in body
    client_owner.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "退出登录" in client_owner.get(reverse("web:home")).content.decode()


def test_logout_by_post(client_owner):
    response = client_owner.post(reverse("web:logout"))
    assert response.status_code == 302
    assert client_owner.get(reverse("web:home")).status_code == 302


def test_todo_badge_and_company_name_in_top_bar(client_owner):
    from jxc.core.services import update_company

    update_company(user=None, name="好运来商贸")
    body = client_owner.get(reverse("web:home")).content.decode()
    assert "好运来商贸" in body
    assert 'data-testid="todo-count">0<' in body


@pytest.mark.parametrize(
    "name",
    [
        "vendor/htmx/htmx.min.js",
        "vendor/alpinejs/alpine.min.js",
        "vendor/echarts/echarts.min.js",
        "vendor/htmx/LICENSE",
        "vendor/alpinejs/LICENSE",
        "vendor/echarts/LICENSE",
        "web/jxc.css",
    ],
)
def test_static_files_are_vendored(name):
    assert finders.find(name), name


def test_base_page_loads_vendored_scripts_not_a_cdn(client_owner):
    body = client_owner.get(reverse("web:home")).content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in body
    assert "/static/vendor/alpinejs/alpine.min.js" in body
    assert "https://" not in body


def test_locked_out_sign_in_is_the_sign_in_page_in_chinese(client, owner):
    """Before: after five wrong passwords the browser showed one bare line of text, with no
    way to switch the language or go back to the form."""
    from django.conf import settings

    url = reverse("web:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": "boss", "password": "wrong"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录失败次数过多" in body
    assert 'name="password"' in body and 'name="language"' in body  # the page, not a line
    assert 'value="boss"' in body
    right = client.post(url, {"username": "boss", "password": "Jxc-test-2026!"})
    assert right.status_code == 429  # still throttled, even with the right password
    assert "_auth_user_id" not in client.session


def test_change_own_password_from_the_user_menu(client_for, user_factory):
    """Before: there was no way to change the printed demo password except the CLI."""
    seller = user_factory(roles=["sales"])
    client = client_for(seller)
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("web:password_change") in home and "修改密码" in home
    url = reverse("web:password_change")
    wrong = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "Brand-new-2026",
            "new_password2": "Brand-new-2026",
        },
    )
    assert "原密码不正确" in wrong.content.decode()
    mismatch = client.post(
        url,
        {"old_password": "Jxc-test-2026!", "new_password1": "Brand-new-2026", "new_password2": "x"},
    )
    assert "两次输入的密码不一致" in mismatch.content.decode()
    weak = client.post(
        url, {"old_password": "Jxc-test-2026!", "new_password1": "123", "new_password2": "123"}
    )
    assert "密码太短" in weak.content.decode()
    seller.refresh_from_db()
    assert seller.check_password("Jxc-test-2026!")
    done = client.post(
        url,
        {
            "old_password": "Jxc-test-2026!",
            "new_password1": "Brand-new-2026",
            "new_password2": "Brand-new-2026",
        },
    )
    assert done.status_code == 302
    seller.refresh_from_db()
    assert seller.check_password("Brand-new-2026")
    assert client.get(reverse("web:home")).status_code == 200  # still signed in
    line = AuditLog.objects.filter(object_type="core.user", action="set_password").get()
    assert line.user == seller and "Brand" not in str(line.changes)
