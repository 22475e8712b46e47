from django.urls import path

from apps.onboarding import apis

urlpatterns = [
    path("onboarding/starter-templates/", apis.StarterTemplateListApi.as_view(), name="onboarding_starter_templates"),
    path(
        "onboarding/starter-templates/<slug:template_key>/apply/",
        apis.StarterTemplateApplyApi.as_view(),
        name="onboarding_starter_template_apply",
    ),
]
