from django.urls import path

from apps.dashboards import apis, digest_apis, report_apis

urlpatterns = [
    path("comments/", apis.CommentListApi.as_view(), name="comments"),
    path("dashboard/report.pdf", report_apis.DashboardReportPdfApi.as_view(), name="dashboard_report_pdf"),
    path("share-links/", report_apis.ShareLinkListApi.as_view(), name="share_link_list"),
    path("share-links/<int:link_id>/", report_apis.ShareLinkDetailApi.as_view(), name="share_link_detail"),
    path("digest/", digest_apis.DigestSubscriptionApi.as_view(), name="digest"),
    path("digest/send-now/", digest_apis.DigestSendNowApi.as_view(), name="digest_send_now"),
    path("digest/recipients/", digest_apis.DigestRecipientListApi.as_view(), name="digest_recipient_list"),
    path("digest/recipients/send/", digest_apis.DigestListSendApi.as_view(), name="digest_list_send"),
    path(
        "digest/recipients/<int:recipient_id>/",
        digest_apis.DigestRecipientDetailApi.as_view(),
        name="digest_recipient_detail",
    ),
]
