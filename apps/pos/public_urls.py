from django.contrib.auth.decorators import login_not_required
from django.urls import path

from apps.pos import public_views

app_name = "pos_public"

# Public: a customer opens these from a poster, and a kiosk with its own device key; no account.
urlpatterns = [
    path("q/<str:code>/", login_not_required(public_views.OpenSurveyView.as_view()), name="open"),
    path("q/<str:code>/thanks/", login_not_required(public_views.OpenSurveyThanksView.as_view()), name="open_thanks"),
    path("kiosk/", login_not_required(public_views.KioskView.as_view()), name="kiosk"),
    path("kiosk/pair/<str:token>/", login_not_required(public_views.KioskPairView.as_view()), name="kiosk_pair"),
]
