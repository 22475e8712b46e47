from django.urls import path

from apps.cases import apis

urlpatterns = [
    path("cases/", apis.CaseListApi.as_view(), name="case_list"),
    path("cases/<int:case_id>/", apis.CaseDetailApi.as_view(), name="case_detail"),
    path("cases/<int:case_id>/transition/", apis.CaseTransitionApi.as_view(), name="case_transition"),
    path("cases/<int:case_id>/reassign/", apis.CaseReassignApi.as_view(), name="case_reassign"),
]
