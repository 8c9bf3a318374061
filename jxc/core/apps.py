from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jxc.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from jxc.core import audit

        # The audit log's append-only triggers ask this on SQLite (migration 0004).
        connection_created.connect(audit.register_sqlite_guard, dispatch_uid="jxc_audit_guard")
