"""One append-only log of who did what, in the shape of Zulip's RealmAuditLog.

A row is written by the service that does the action, in the same transaction, so
an action and its entry commit or roll back together. It holds ids, event types
and changed field names, never personal data: erasing a customer leaves the log
as it is, and the log can be kept longer than what it speaks about.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.TextChoices):
    # Accounts
    LOGIN = "user.login", _("Signed in")
    LOGIN_FAILED = "user.login_failed", _("Failed sign-in")
    LOGOUT = "user.logout", _("Signed out")
    USER_INVITED = "user.invited", _("User invited")
    USER_ROLE_CHANGED = "user.role_changed", _("Role changed")
    USER_CHANGED = "user.changed", _("User details changed")
    USER_DEACTIVATED = "user.deactivated", _("User deactivated")
    USER_REACTIVATED = "user.reactivated", _("User reactivated")
    API_TOKEN_CREATED = "api_token.created", _("API token created")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    # Personal data
    CUSTOMERS_EXPORTED = "customers.exported", _("Customers exported")
    CUSTOMERS_IMPORTED = "customers.imported", _("Customers imported")
    COMMENTS_EXPORTED = "comments.exported", _("Comments exported")
    CUSTOMER_DATA_EXPORTED = "customer.data_exported", _("Customer's data exported")
    CUSTOMER_DATA_DOWNLOADED = "customer.data_downloaded", _("Customer's data downloaded")
    CUSTOMER_ERASED = "customer.erased", _("Customer erased")
    RETENTION_RUN = "retention.run", _("Retention run")
    # Settings and ownership
    SETTINGS_CHANGED = "settings.changed", _("Settings changed")
    OWNER_CHANGED = "owner.changed", _("Owner changed")
    LOCATION_SCOPE_CHANGED = "user.location_scope_changed", _("Manager's scope changed")
    ALERT_REPLAYED = "alert.replayed", _("Alert sent again")
    DIGEST_SENT_NOW = "digest.sent_now", _("Weekly digest sent by hand")
    SHARE_LINK_CREATED = "share_link.created", _("Dashboard link shared")
    SHARE_LINK_REVOKED = "share_link.revoked", _("Shared dashboard link revoked")
    # The log itself
    AUDIT_LOG_EXPORTED = "audit_log.exported", _("Audit log exported")


class AuditSource(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    COMMAND = "command", _("Command")
    TASK = "task", _("Background job")


class AuditLogEntry(models.Model):
    event_time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    event_type = models.CharField(_("event"), max_length=48, choices=AuditEvent.choices, db_index=True)
    source = models.CharField(_("source"), max_length=16, choices=AuditSource.choices, default=AuditSource.WEB)
    # No database constraint and no cascade: the entry keeps the user's id as it was,
    # and removing a user never rewrites the log.
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    modified_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user concerned"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the action was done to: a model label ("customers.customer") and its id.
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    # Changed field names, counts and ids; never names, emails, phones or free text.
    extra_data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-event_time", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.event_time:%Y-%m-%d %H:%M} {self.event_type}"
