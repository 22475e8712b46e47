from django.urls import path

from apps.dashboards import apis

urlpatterns = [
    path("comments/", apis.CommentListApi.as_view(), name="comments"),
]
