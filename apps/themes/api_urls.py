from django.urls import path

from apps.themes import apis

urlpatterns = [
    path("themes/", apis.ThemeListApi.as_view(), name="theme_list"),
    path("themes/suggestions/", apis.ThemeSuggestionsApi.as_view(), name="theme_suggestions"),
    path("themes/<int:theme_id>/", apis.ThemeDetailApi.as_view(), name="theme_detail"),
    path("themes/<int:theme_id>/figures/", apis.ThemeFiguresApi.as_view(), name="theme_figures"),
]
