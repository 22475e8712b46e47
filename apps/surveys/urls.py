from django.urls import path

from apps.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.SurveyHomeView.as_view(), name="home"),
    path("new/", views.SurveyCreateView.as_view(), name="create"),
    path("settings/", views.SurveySettingsView.as_view(), name="settings"),
    path("send-outs/", views.CampaignListView.as_view(), name="campaign_list"),
    path("send-outs/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("send-outs/<int:campaign_id>/toggle/", views.CampaignToggleView.as_view(), name="campaign_toggle"),
    path("invitations/", views.InvitationListView.as_view(), name="invitation_list"),
    path("<int:survey_id>/", views.SurveyDetailView.as_view(), name="detail"),
    path("<int:survey_id>/edit/", views.SurveyUpdateView.as_view(), name="update"),
    path("<int:survey_id>/touchpoints/", views.SurveyTouchpointsView.as_view(), name="touchpoints"),
    path("<int:survey_id>/answers.csv", views.SurveyAnswerExportView.as_view(), name="answers_export"),
    path("<int:survey_id>/preview/<str:language>/", views.SurveyPreviewView.as_view(), name="preview"),
]
