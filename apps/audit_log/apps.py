from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditLogConfig(AppConfig):
    """The audit log as people read it: the company's page, its CSV export, the API and the admin.

    The recorder (apps.audit) sits below accounts so that every app, accounts included, can write
    to it; reading the log asks the capability kernel who may, so it lives here, above accounts."""

    name = "apps.audit_log"
    verbose_name = _("Audit log")
