"""Company admins see every outgoing email's state in the admin, and send a dead one again.

Bodies are not shown: an invitation or a password reset carries a sign-in link.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core.exceptions import DomainError
from apps.outbox.kinds import outbox_kind, outbox_kind_choices
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.services import outbound_email_requeue


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return outbox_kind_choices()

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind_label",
        "channel",
        "recipient",
        "subject",
        "status",
        "delivery_status",
        "attempts",
        "due_at",
        "sent_at",
    ]
    list_filter = ["status", KindFilter]
    search_fields = ["recipient", "subject", "message_id"]
    fields = [
        "kind_label",
        "channel",
        "status",
        "recipient",
        "from_email",
        "subject",
        "message_id",
        "created_at",
        "due_at",
        "attempts",
        "last_error",
        "sent_at",
        "provider_ref",
        "delivery_status",
        "delivery_detail",
        "delivered_at",
    ]
    readonly_fields = fields
    actions = ["send_again"]
    date_hierarchy = "created_at"

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, outbound: OutboundEmail) -> str:
        return str(outbox_kind(outbound.kind).label)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboundEmail | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboundEmail | None = None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed emails again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        requeued = 0
        for outbound in queryset.filter(status=OutboundStatus.FAILED):
            try:
                outbound_email_requeue(outbound=outbound)
            except DomainError:
                continue
            requeued += 1
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", requeued) % {"count": requeued},
            messages.SUCCESS if requeued else messages.WARNING,
        )
