from django.urls import path

from apps.dashboards import digest_views, sharing_views

app_name = "digest"

urlpatterns = [
    path("", digest_views.DigestSettingsView.as_view(), name="settings"),
    path("preview/", digest_views.DigestPreviewView.as_view(), name="preview"),
    path("send/", digest_views.DigestSendNowView.as_view(), name="send_now"),
    path("recipients/", digest_views.DigestRecipientsView.as_view(), name="recipients"),
    path("recipients/send/", digest_views.DigestListSendView.as_view(), name="list_send"),
    path("recipients/send/preview/", digest_views.DigestListPreviewView.as_view(), name="list_preview"),
    path(
        "recipients/<int:recipient_id>/remove/",
        digest_views.DigestRecipientRemoveView.as_view(),
        name="recipient_remove",
    ),
    path("share/", sharing_views.ShareLinkCreateView.as_view(), name="share"),
    path("share/<int:link_id>/revoke/", sharing_views.ShareLinkRevokeView.as_view(), name="share_revoke"),
]
