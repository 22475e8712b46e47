import datetime as dt
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.capabilities import can_view_audit_log
from apps.audit.models import AuditEvent, AuditLogEntry
from apps.audit.selectors import audit_log_list
from apps.audit_log.presentation import AuditRow, audit_rows
from apps.core.access import CapabilityApiMixin
from apps.core.pagination import StandardPagination


class AuditLogEntryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_time = serializers.DateTimeField()
    event_type = serializers.ChoiceField(choices=AuditEvent.choices)
    event_label = serializers.CharField(help_text="The event in the caller's language")
    source = serializers.CharField(help_text="web, api, admin, command or task")
    acting_user = serializers.IntegerField(allow_null=True, help_text="Who acted: a user id, or null (the platform)")
    acting_user_name = serializers.CharField(help_text="That user's name today")
    modified_user = serializers.IntegerField(allow_null=True, help_text="The user the action concerned")
    modified_user_name = serializers.CharField()
    target_type = serializers.CharField(help_text="The object's model, e.g. accounts.user")
    target_id = serializers.CharField()
    extra_data = serializers.JSONField(help_text="Changed field names, ids and counts; never personal data")
    details = serializers.CharField(help_text="extra_data written out in the caller's language")


def _output(row: AuditRow) -> dict[str, Any]:
    entry = row.entry
    return {
        "id": entry.pk,
        "event_time": entry.event_time,
        "event_type": entry.event_type,
        "event_label": row.event,
        "source": entry.source,
        "acting_user": entry.acting_user_id,
        "acting_user_name": row.actor,
        "modified_user": entry.modified_user_id,
        "modified_user_name": row.concerned,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "extra_data": entry.extra_data,
        "details": row.details,
    }


class AuditLogListApi(CapabilityApiMixin, generics.ListAPIView):
    """The company's audit log, newest first: who did what, when, through which door (admins only)."""

    capability = staticmethod(can_view_audit_log)
    serializer_class = AuditLogEntryOutputSerializer
    pagination_class = StandardPagination
    paginator: StandardPagination

    class FilterSerializer(serializers.Serializer):
        event_type = serializers.ChoiceField(choices=AuditEvent.choices, required=False)
        user = serializers.IntegerField(required=False, help_text="User id: entries by or about this user.")
        since = serializers.DateTimeField(required=False, help_text="At or after.")
        until = serializers.DateTimeField(required=False, help_text="Before.")
        target_type = serializers.CharField(required=False, max_length=64, help_text="e.g. accounts.user")
        target_id = serializers.CharField(required=False, max_length=64)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            since: dt.datetime | None = attrs.get("since")
            until: dt.datetime | None = attrs.get("until")
            if since and until and until < since:
                raise serializers.ValidationError({"until": ["Must not be before since."]})
            return attrs

    def get_queryset(self) -> QuerySet[AuditLogEntry]:
        if getattr(self, "swagger_fake_view", False):
            return audit_log_list().none()
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return audit_log_list(
            event_type=data.get("event_type"),
            user_id=data.get("user"),
            since=data.get("since"),
            until=data.get("until"),
            target_type=data.get("target_type"),
            target_id=data.get("target_id"),
        )

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginator.page_slice(self.get_queryset(), request)
        rows = [_output(row) for row in audit_rows(page)]
        return self.paginator.get_paginated_response(AuditLogEntryOutputSerializer(rows, many=True).data)
