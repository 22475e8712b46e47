from django.urls import path

from apps.themes import views

app_name = "themes"

urlpatterns = [
    path("", views.ThemeListView.as_view(), name="list"),
    path("new/", views.ThemeCreateView.as_view(), name="create"),
    path("suggestions/", views.ThemeSuggestionsView.as_view(), name="suggestions"),
    path("<int:theme_id>/", views.ThemeFiguresView.as_view(), name="figures"),
    path("<int:theme_id>/edit/", views.ThemeUpdateView.as_view(), name="update"),
    path("<int:theme_id>/delete/", views.ThemeDeleteView.as_view(), name="delete"),
]
