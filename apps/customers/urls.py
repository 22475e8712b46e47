from django.urls import path

from apps.customers import views

app_name = "customers"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="list"),
    path("new/", views.CustomerCreateView.as_view(), name="create"),
    path("export.csv", views.CustomerExportView.as_view(), name="export"),
    path("import/", views.CustomerImportView.as_view(), name="import"),
    path("import/<int:import_id>/", views.CustomerImportReportView.as_view(), name="import_report"),
    path("import/<int:import_id>/commit/", views.CustomerImportCommitView.as_view(), name="import_commit"),
    path("import/<int:import_id>/discard/", views.CustomerImportDiscardView.as_view(), name="import_discard"),
    path("import/<int:import_id>/retry/", views.CustomerImportRetryView.as_view(), name="import_retry"),
    path("<int:customer_id>/", views.CustomerDetailView.as_view(), name="detail"),
    path("<int:customer_id>/edit/", views.CustomerUpdateView.as_view(), name="update"),
    path("<int:customer_id>/unsubscribe/", views.CustomerUnsubscribeView.as_view(), name="unsubscribe"),
]
