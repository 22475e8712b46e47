from django.contrib.auth.decorators import login_not_required
from django.urls import path

from apps.surveys import public_views

app_name = "surveys_public"

# Public: a customer opens these from an email, without an account; the link's token is the key.
urlpatterns = [
    path("<str:token>/", login_not_required(public_views.SurveyAnswerView.as_view()), name="answer"),
    path("<str:token>/thanks/", login_not_required(public_views.SurveyThanksView.as_view()), name="thanks"),
    path(
        "<str:token>/unsubscribe/",
        login_not_required(public_views.SurveyUnsubscribeView.as_view()),
        name="unsubscribe",
    ),
]
