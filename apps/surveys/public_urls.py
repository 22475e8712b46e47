from django.urls import path

from apps.surveys import public_views

app_name = "surveys_public"

urlpatterns = [
    path("<str:token>/", public_views.SurveyAnswerView.as_view(), name="answer"),
    path("<str:token>/thanks/", public_views.SurveyThanksView.as_view(), name="thanks"),
    path("<str:token>/unsubscribe/", public_views.SurveyUnsubscribeView.as_view(), name="unsubscribe"),
]
