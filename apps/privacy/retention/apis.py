from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_manage_retention
from apps.audit.models import AuditSource
from apps.core.access import CapabilityApiMixin
from apps.core.exceptions import DomainError
from apps.privacy.models import RETENTION_MONTHS_MAX, RetentionSettings
from apps.privacy.retention.selectors import RetentionPolicy, retention_settings_get
from apps.privacy.retention.services import RETENTION_FIELDS, retention_due_counts, retention_settings_update


def _months() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=RETENTION_MONTHS_MAX, allow_null=True, required=False)


class RetentionDueSerializer(serializers.Serializer):
    free_text = serializers.IntegerField(help_text="Customers' written comments past their period now.")
    staff_notes = serializers.IntegerField(help_text="Staff notes past their period now.")
    inactive_customers = serializers.IntegerField(help_text="Customers without activity past their period now.")


class RetentionSettingsSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(required=False)
    free_text_months = _months()
    staff_note_months = _months()
    inactive_customer_months = _months()
    due_now = RetentionDueSerializer(read_only=True, help_text="What these periods anonymise now, if retention is on.")
    confirm = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Must be true to switch retention on: first read due_now with these periods.",
    )


def _settings_data(retention: RetentionSettings) -> dict[str, object]:
    policy = RetentionPolicy.of(retention)
    return {
        **{name: getattr(retention, name) for name in RETENTION_FIELDS},
        "due_now": retention_due_counts(policy=policy, now=timezone.now()),
    }


class RetentionSettingsApi(CapabilityApiMixin, APIView):
    """The company's retention periods (months; null keeps until erased), the switch, and what the
    saved periods would anonymise now. Switching retention on needs `confirm: true`."""

    capability = staticmethod(can_manage_retention)

    @extend_schema(responses={200: RetentionSettingsSerializer})
    def get(self, request: Request) -> Response:
        return Response(RetentionSettingsSerializer(_settings_data(retention_settings_get())).data)

    @extend_schema(request=RetentionSettingsSerializer, responses={200: RetentionSettingsSerializer})
    def patch(self, request: Request) -> Response:
        serializer = RetentionSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm", False)
        retention = retention_settings_get()
        values = {name: data.get(name, getattr(retention, name)) for name in RETENTION_FIELDS}
        if values["enabled"] and not retention.enabled and not confirm:
            raise DomainError(
                _("Switched on, retention anonymises everything past its period tonight: read due_now, then confirm."),
                code="confirmation_required",
                fields={"confirm": [_("Send true to switch retention on.")]},
            )
        retention = retention_settings_update(acting_user=request.user, source=AuditSource.API, **values)
        return Response(RetentionSettingsSerializer(_settings_data(retention)).data)
