from django.urls import path

from apps.surveys import apis

urlpatterns = [
    path("surveys/", apis.SurveyListApi.as_view(), name="survey_list"),
    path("surveys/settings/", apis.SurveySettingsApi.as_view(), name="survey_settings"),
    path("surveys/send-outs/", apis.CampaignListApi.as_view(), name="survey_campaign_list"),
    path("surveys/invitations/", apis.InvitationListApi.as_view(), name="survey_invitation_list"),
    path("surveys/responses/", apis.ResponseListApi.as_view(), name="survey_response_list"),
    path("surveys/<int:survey_id>/", apis.SurveyDetailApi.as_view(), name="survey_detail"),
]
