"""Notifications after commit from the background worker: in-app, e-mail to a local SMTP
server (aiosmtpd) started here, a webhook to a local HTTP server started here (signature
checked, retried after a 500, on the delivery log), the robot payload shapes, and a failing
channel that blocks nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
from decimal import Decimal
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone

from jxc.approvals import channels, notify
from jxc.approvals.models import ChannelPreference, Delivery, Endpoint, Notification
from jxc.inventory.documents import services as docs
from tests.approvals.conftest import issue, rule

pytestmark = pytest.mark.django_db
D = Decimal


def run_worker() -> None:
    """What `make run`'s worker does (``db_worker``): take the queued tasks and run them; in
    the test's transaction, so without closing its connection between tasks."""
    from unittest import mock

    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """A local HTTP server: answers the statuses given in turn, keeps what it received."""

    def __init__(self, statuses=(200,), answer=b'{"errcode":0}'):
        self.statuses = list(statuses)
        self.received: list[tuple[dict, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = outer.statuses.pop(0) if len(outer.statuses) > 1 else outer.statuses[0]
                self.send_response(status)
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def start(*args, **kwargs):
        r = Receiver(*args, **kwargs)
        made.append(r)
        return r

    yield start
    for r in made:
        r.close()


def test_submit_tells_the_approver_in_the_app_and_by_email_through_smtp(
    world, settings, django_capture_on_commit_callbacks
):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message as MessageHandler

    got = []

    class Keep(MessageHandler):
        def handle_message(self, message):
            got.append(message)

    port = free_port()
    smtp = Controller(Keep(), hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.JXC_SITE_URL = "https://jxc.example.com"
        w = world
        w.sup1.email = "sup1@example.com"
        w.sup1.save()
        ChannelPreference.objects.create(user=w.sup1, event="submitted", channel="email")
        rule(w, steps=[(None, [w.sup1], "any")])
        with django_capture_on_commit_callbacks(execute=True):
            doc = docs.submit_document(issue(w, "3"), user=w.keeper)
        assert not got  # nothing is sent inside the business transaction
        run_worker()
    finally:
        smtp.stop()
    assert len(got) == 1
    mail = got[0]
    assert mail["To"] == "sup1@example.com"
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == f"待您审批：其他出库 {doc.number}"
    text = mail.get_payload(decode=True).decode()
    assert f"https://jxc.example.com/inventory/other-issues/{doc.pk}/" in text
    note = Notification.objects.get(user=w.sup1)
    assert doc.number in note.title and note.url.endswith(f"/other-issues/{doc.pk}/")
    assert Delivery.objects.get(channel="email").status == "sent"


def test_webhook_is_signed_retried_after_a_500_and_logged(
    world, receiver, django_capture_on_commit_callbacks
):
    w = world
    hook = receiver(statuses=[500, 200])
    Endpoint.objects.create(
        name="ERP", kind="webhook", url=hook.url, secret="s3cret", events=["submitted"]
    )
    rule(w, steps=[(None, [w.sup1], "any")])
    with django_capture_on_commit_callbacks(execute=True):
        doc = docs.submit_document(issue(w, "3"), user=w.keeper)
    run_worker()
    d = Delivery.objects.get(channel="webhook")
    assert (d.status, d.attempts, d.response_code) == ("pending", 1, 500)
    assert d.next_attempt_at > timezone.now()  # backoff: a minute later
    assert notify.retry_due(now=timezone.now()) == 0  # not due yet
    assert notify.retry_due(now=d.next_attempt_at + dt.timedelta(seconds=1)) == 1
    d.refresh_from_db()
    assert (d.status, d.attempts, d.response_code, d.last_error) == ("sent", 2, 200, "")
    assert len(hook.received) == 2
    headers, body = hook.received[-1]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers[channels.SIGNATURE_HEADER.lower()] == expected
    assert headers[channels.EVENT_HEADER.lower()] == "submitted"
    data = json.loads(body)
    assert data["event"] == "submitted" and data["data"]["number"] == doc.number
    assert data["data"]["amount"] == "30.00"


def test_backoff_doubles_and_gives_up_after_the_last_attempt(world, receiver):
    hook = receiver(statuses=[503])
    ep = Endpoint.objects.create(name="x", kind="webhook", url=hook.url, events=["alert"])
    msg = channels.Message(event="alert", title="t")
    (d,) = notify.fan_out("alert", msg, [], endpoints=[ep])
    gaps = []
    for _ in range(notify.MAX_ATTEMPTS):
        before = timezone.now()
        d = notify.deliver(d.pk)
        if d.next_attempt_at:
            gaps.append(round((d.next_attempt_at - before).total_seconds() / 60))
    assert gaps == [1, 2, 4, 8]
    assert (d.status, d.attempts) == ("failed", notify.MAX_ATTEMPTS)


def test_a_dead_channel_blocks_nothing(world, django_capture_on_commit_callbacks):
    w = world
    Endpoint.objects.create(
        name="down", kind="wecom", url=f"http://127.0.0.1:{free_port()}/", events=["submitted"]
    )
    rule(w, steps=[(None, [w.sup1], "any")])
    with django_capture_on_commit_callbacks(execute=True):
        doc = docs.submit_document(issue(w, "3"), user=w.keeper)
    run_worker()
    doc.refresh_from_db()
    assert doc.status == "submitted"
    d = Delivery.objects.get()
    assert d.status == "pending" and d.attempts == 1 and "Error" in d.last_error
    assert Notification.objects.filter(user=w.sup1).count() == 1


def test_robot_payload_shapes():
    m = channels.Message(
        event="submitted",
        title="待您审批：其他出库 QTCK-1",
        body="金额：200",
        url="https://jxc.example.com/d/1/",
    )
    wecom = channels.payload_for("wecom", m)
    assert wecom["msgtype"] == "markdown"
    assert (
        "[https://jxc.example.com/d/1/](https://jxc.example.com/d/1/)"
        in wecom["markdown"]["content"]
    )
    ding = channels.payload_for("dingtalk", m)
    assert ding["msgtype"] == "markdown" and ding["markdown"]["title"] == m.title
    assert "**待您审批" in ding["markdown"]["text"]
    feishu = channels.payload_for("feishu", m)
    assert feishu["msg_type"] == "interactive"
    assert feishu["card"]["header"]["title"] == {"tag": "plain_text", "content": m.title}
    assert feishu["card"]["elements"][0]["tag"] == "markdown"
    assert channels.payload_for("webhook", m)["url"] == m.url


def test_a_robot_that_answers_an_error_code_is_a_failure(receiver):
    hook = receiver(statuses=[200], answer=b'{"errcode":93000,"errmsg":"invalid webhook url"}')
    ep = Endpoint.objects.create(name="r", kind="wecom", url=hook.url, events=["alert"])
    (d,) = notify.fan_out("alert", channels.Message(event="alert", title="t"), [], endpoints=[ep])
    d = notify.deliver(d.pk)
    assert d.status == "pending" and "93000" in d.last_error
