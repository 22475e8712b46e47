from django.urls import path

from apps.audit_log import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditLogView.as_view(), name="log"),
    path("export/", views.AuditLogExportView.as_view(), name="export"),
]
