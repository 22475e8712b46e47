from django.urls import path

from apps.onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("", views.StarterTemplateListView.as_view(), name="template_list"),
    path("skip/", views.StarterOfferSkipView.as_view(), name="offer_skip"),
    path("<slug:template_key>/", views.StarterTemplateDetailView.as_view(), name="template_detail"),
    path("<slug:template_key>/take/", views.StarterTemplateTakeView.as_view(), name="template_take"),
]
