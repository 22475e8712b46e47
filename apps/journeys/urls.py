from django.urls import path

from apps.journeys.views import editor, ownership, paths

app_name = "journeys"

urlpatterns = [
    path("", paths.PathListView.as_view(), name="path_list"),
    path("<int:path_id>/", paths.PathMapView.as_view(), name="path_map"),
    path("<int:path_id>/edit/", editor.PathEditorView.as_view(), name="path_editor"),
    path("<int:path_id>/settings/", paths.PathSettingsView.as_view(), name="path_settings"),
    path("<int:path_id>/archive/", paths.PathArchiveView.as_view(), name="path_archive"),
    path("<int:path_id>/restore/", paths.PathRestoreView.as_view(), name="path_restore"),
    path("<int:path_id>/history/", paths.PathAuditView.as_view(), name="path_audit"),
    path("<int:path_id>/stages/add/", editor.StageAddView.as_view(), name="stage_add"),
    path("stages/<int:stage_id>/rename/", editor.StageRenameView.as_view(), name="stage_rename"),
    path("stages/<int:stage_id>/move/", editor.StageMoveView.as_view(), name="stage_move"),
    path("stages/<int:stage_id>/delete/", editor.StageDeleteView.as_view(), name="stage_delete"),
    path("stages/<int:stage_id>/touchpoints/add/", editor.TouchpointAddView.as_view(), name="touchpoint_add"),
    path("touchpoints/<int:touchpoint_id>/", editor.TouchpointPanelView.as_view(), name="touchpoint_panel"),
    path("touchpoints/<int:touchpoint_id>/update/", editor.TouchpointUpdateView.as_view(), name="touchpoint_update"),
    path("touchpoints/<int:touchpoint_id>/move/", editor.TouchpointMoveView.as_view(), name="touchpoint_move"),
    path("touchpoints/<int:touchpoint_id>/delete/", editor.TouchpointDeleteView.as_view(), name="touchpoint_delete"),
    path("touchpoints/<int:touchpoint_id>/owner/", editor.TouchpointOwnerView.as_view(), name="touchpoint_owner"),
    path("ownership/", ownership.OwnershipOverviewView.as_view(), name="ownership"),
    path("ownership/people/<int:user_id>/", ownership.OwnershipPersonView.as_view(), name="ownership_person"),
    path("ownership/history/", ownership.OwnershipHistoryView.as_view(), name="ownership_history"),
    path("ownership/users/<int:user_id>/deactivate/", ownership.UserDeactivateView.as_view(), name="user_deactivate"),
]
