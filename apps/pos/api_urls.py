from django.urls import path

from apps.pos import apis

urlpatterns = [
    path("point-of-service/links/", apis.OpenLinkListApi.as_view(), name="pos_link_list"),
    path("point-of-service/links/<int:link_id>/", apis.OpenLinkDetailApi.as_view(), name="pos_link_detail"),
    path("point-of-service/links/<int:link_id>/poster/", apis.OpenLinkPosterApi.as_view(), name="pos_link_poster"),
    path("point-of-service/links/<int:link_id>/figures/", apis.OpenLinkFiguresApi.as_view(), name="pos_link_figures"),
    path("point-of-service/kiosks/", apis.KioskListApi.as_view(), name="pos_kiosk_list"),
    path("point-of-service/kiosks/<int:kiosk_id>/", apis.KioskDetailApi.as_view(), name="pos_kiosk_detail"),
    path("point-of-service/kiosks/<int:kiosk_id>/pairing/", apis.KioskPairingApi.as_view(), name="pos_kiosk_pairing"),
    path("point-of-service/kiosks/<int:kiosk_id>/figures/", apis.KioskFiguresApi.as_view(), name="pos_kiosk_figures"),
]
