"""采购订单 e-mailed to the supplier: the PDF attached, through a real SMTP server (aiosmtpd, on
this machine), the sending in the order's change history; refused before approval, for a wrong
address, when the server is down (nothing recorded), and for a user without the prices."""

import email
import io
import socket
from decimal import Decimal as D
from email.header import decode_header, make_header

import pytest
from pypdf import PdfReader

from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.core.models import AuditLog
from jxc.partners.services import create_contact
from jxc.purchasing import services
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    got: list = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            got.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
            return "250 OK"

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield got
    controller.stop()


@pytest.fixture
def order(shop):  # noqa: F811
    create_contact(user=shop.user, partner=shop.supplier, name="王经理", email="wang@supplier.cn")
    po = services.create_purchase_order(
        user=shop.user,
        supplier=shop.supplier,
        warehouse=shop.warehouse,
        date=DAY,
        lines=[LineInput(sku=shop.cola.pk, qty=D(3), price=D("11.30"))],
    )
    return po


def test_an_approved_order_goes_to_the_supplier_with_its_pdf(client_for, shop, order, smtp):  # noqa: F811
    client = client_for(shop.user)
    assert (
        'data-testid="email-form"'
        not in client.get(f"/purchasing/orders/{order.pk}/").content.decode()
    )
    refused = client.post(f"/purchasing/orders/{order.pk}/email/", {"to": "wang@supplier.cn"})
    assert refused.status_code == 302 and not smtp  # a draft is not sent
    order = services.approve_purchase_order(actions.submit(order, user=shop.user), user=shop.user)
    detail = client.get(f"/purchasing/orders/{order.pk}/").content.decode()
    assert 'data-testid="email-form"' in detail and "wang@supplier.cn" in detail
    client.post(f"/purchasing/orders/{order.pk}/email/", {"to": "wang@supplier.cn", "message": ""})
    [(to, mail)] = smtp
    assert to == ["wang@supplier.cn"]
    assert order.number in str(make_header(decode_header(mail["Subject"])))
    [attachment] = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    assert attachment.get_filename() == f"{order.number}.pdf"
    text = PdfReader(io.BytesIO(attachment.get_payload(decode=True))).pages[0].extract_text()
    assert order.number in text and "叁拾叁元玖角整" in text and "11.3" in text, text
    entry = AuditLog.objects.get(action="email", object_id=str(order.pk))
    assert entry.changes["to"] == "wang@supplier.cn" and entry.user == shop.user
    history = client.get(f"/purchasing/orders/{order.pk}/").content.decode()
    assert "wang@supplier.cn" in history


def test_a_wrong_address_or_a_server_down_records_nothing(client_for, shop, order, settings):  # noqa: F811
    order = services.approve_purchase_order(actions.submit(order, user=shop.user), user=shop.user)
    client = client_for(shop.user)
    page = client.post(
        f"/purchasing/orders/{order.pk}/email/", {"to": "not-an-address"}, follow=True
    )
    assert "请输入有效的电子邮件地址" in page.content.decode() or "邮件" in page.content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    page = client.post(f"/purchasing/orders/{order.pk}/email/", {"to": "a@b.cn"}, follow=True)
    assert "邮件发送失败" in page.content.decode()
    assert not AuditLog.objects.filter(action="email").exists()


def test_a_keeper_cannot_mail_an_order(client_for, shop, order, user_factory):  # noqa: F811
    order = services.approve_purchase_order(actions.submit(order, user=shop.user), user=shop.user)
    keeper = client_for(user_factory(roles=["keeper"]))
    assert keeper.post(f"/purchasing/orders/{order.pk}/email/", {"to": "a@b.cn"}).status_code == 403
