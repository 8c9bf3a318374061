"""How a message goes out on each channel: e-mail over SMTP, a webhook with a signed JSON body,
and the robot formats of 企业微信, 钉钉 and 飞书 (markdown with a link to the document).

``payload_for(kind, message)`` is pure (the shapes the tests check); ``send(...)`` does the
network call and raises on any failure, which the caller records and retries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from dataclasses import dataclass
from typing import Any

SIGNATURE_HEADER = "X-JXC-Signature"
EVENT_HEADER = "X-JXC-Event"
TIMEOUT = 10  # seconds


@dataclass(frozen=True)
class Message:
    event: str
    title: str
    body: str = ""
    url: str = ""  # absolute when the site's address is known
    data: dict[str, Any] | None = None


def markdown(message: Message) -> str:
    text = f"**{message.title}**"
    if message.body:
        text += f"\n\n{message.body}"
    if message.url:
        text += f"\n\n[{message.url}]({message.url})"
    return text


def payload_for(kind: str, message: Message) -> dict[str, Any]:
    """The JSON body a webhook or robot receives."""
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": markdown(message)}}
    if kind == "dingtalk":
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.title, "text": markdown(message)},
        }
    if kind == "feishu":
        return {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": message.title}},
                "elements": [{"tag": "markdown", "content": markdown(message)}],
            },
        }
    return {
        "event": message.event,
        "title": message.title,
        "body": message.body,
        "url": message.url,
        "data": message.data or {},
    }


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, body): what the receiver recomputes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_json(url: str, payload: dict[str, Any], *, secret: str = "", event: str = "") -> int:
    """POST the payload; the HTTP status, or an exception (network error, status ≥ 300)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "jxc"}
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, body)
    if event:
        headers[EVENT_HEADER] = event
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        status = int(resp.status)
        answer = resp.read(2000)
    if status >= 300:
        raise OSError(f"HTTP {status}")
    _check_robot_answer(answer)
    return status


def _check_robot_answer(answer: bytes) -> None:
    """The robots answer 200 with an error code in the body (errcode / code ≠ 0)."""
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return
    if isinstance(data, dict):
        code = data.get("errcode", data.get("code", 0))
        if code not in (0, None, "0"):
            raise OSError(f"robot error {code}: {data.get('errmsg') or data.get('msg') or ''}")


def send_email(to: str, message: Message) -> None:
    """An e-mail through Django's SMTP backend (EMAIL_* settings from the environment)."""
    from django.conf import settings
    from django.core.mail import send_mail

    text = message.body + (f"\n\n{message.url}" if message.url else "")
    send_mail(
        subject=message.title,
        message=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to],
        fail_silently=False,
    )
