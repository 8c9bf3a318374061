"""Response bodies: decimals as exact strings, fields the response schema marks hidden
(``jxc.core.visibility``: cost figures …) removed for users who may not see them."""

import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from jxc.core.visibility import redact


class JxcJSONEncoder(NinjaJSONEncoder):
    """Decimals as exact strings without storage padding: ``"24"``, ``"3.5"``, never floats."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            if o.is_finite():
                text = format(o, "f")
                if "." in text:
                    text = text.rstrip("0").rstrip(".")
                return text if text not in ("-0", "") else "0"
            return str(o)
        return super().default(o)


class RedactingRenderer(JSONRenderer):
    """Every response body passes through :func:`jxc.core.visibility.redact` with the
    operation's response schema: the fields its schemas mark ``Cost(…)`` are absent without
    ``cost.view`` (``Router`` tells the request which schema answers which status)."""

    encoder_class = JxcJSONEncoder
    json_dumps_params = {"ensure_ascii": False}

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        # Error bodies ({code, message, params}) are not redacted: a DuplicateCode's taken
        # ``value`` is a code, not a cost. Domain errors never put cost figures in params.
        if response_status < 400:
            schema = getattr(request, "jxc_response_schemas", {}).get(response_status)
            data = redact(data, getattr(request, "user", None), schema)
        return super().render(request, data, response_status=response_status)


RENDERER = RedactingRenderer()


def json_response(request: HttpRequest, data: Any, *, status: int = 200) -> HttpResponse:
    return HttpResponse(
        RENDERER.render(request, data, response_status=status),
        status=status,
        content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}",
    )


def plain(data: Any) -> Any:
    """JSON-ready copy (what the renderer would send, before redaction)."""
    return json.loads(json.dumps(data, cls=JxcJSONEncoder))
