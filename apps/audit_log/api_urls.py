from django.urls import path

from apps.audit_log import apis

urlpatterns = [
    path("audit-log/", apis.AuditLogListApi.as_view(), name="audit_log"),
]
