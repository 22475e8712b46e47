from django.urls import path

from apps.pos import views

app_name = "pos"

urlpatterns = [
    path("", views.PointOfServiceView.as_view(), name="home"),
    path("links/new/", views.OpenLinkCreateView.as_view(), name="link_create"),
    path("links/<int:link_id>/poster/", views.PosterView.as_view(), name="poster"),
    path("kiosks/new/", views.KioskCreateView.as_view(), name="kiosk_create"),
    path("kiosks/<int:kiosk_id>/pairing/", views.KioskPairingView.as_view(), name="kiosk_pairing"),
    path("kiosks/<int:kiosk_id>/revoke/", views.KioskRevokeView.as_view(), name="kiosk_revoke"),
]
