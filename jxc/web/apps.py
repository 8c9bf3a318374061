from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "jxc.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self):
        # Approval requests and notifications link to the document's page.
        from jxc.approvals.services import set_link_resolver

        set_link_resolver(document_link)


def document_link(doc_type: str, doc_id: int) -> str:
    from django.urls import get_resolver

    from jxc.web.generic.documents import DOCUMENT_SCREENS

    get_resolver().url_patterns  # noqa: B018 - loading the URLs makes the screens
    screen = DOCUMENT_SCREENS.get(doc_type)
    return screen.url("detail", doc_id) if screen is not None else ""
