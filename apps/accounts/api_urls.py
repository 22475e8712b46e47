from django.urls import path

from apps.accounts import apis

urlpatterns = [
    path("auth/token/", apis.TokenObtainApi.as_view(), name="token_obtain"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("me/tokens/", apis.MyTokenListApi.as_view(), name="my_token_list"),
    path("me/tokens/<int:token_id>/", apis.MyTokenDetailApi.as_view(), name="my_token_detail"),
    path("users/", apis.UserListApi.as_view(), name="user_list"),
    path("users/<int:user_id>/", apis.UserDetailApi.as_view(), name="user_detail"),
    path("teams/", apis.TeamListApi.as_view(), name="team_list"),
    path("teams/<int:team_id>/", apis.TeamDetailApi.as_view(), name="team_detail"),
]
