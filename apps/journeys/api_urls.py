from django.urls import path

from apps.journeys import apis

urlpatterns = [
    path("paths/", apis.PathListApi.as_view(), name="path_list"),
    path("paths/<int:path_id>/", apis.PathDetailApi.as_view(), name="path_detail"),
    path("paths/<int:path_id>/archive/", apis.PathArchiveApi.as_view(), name="path_archive"),
    path("paths/<int:path_id>/restore/", apis.PathRestoreApi.as_view(), name="path_restore"),
    path("stages/", apis.StageListApi.as_view(), name="stage_list"),
    path("stages/<int:stage_id>/", apis.StageDetailApi.as_view(), name="stage_detail"),
    path("stages/<int:stage_id>/move/", apis.StageMoveApi.as_view(), name="stage_move"),
    path("touchpoints/", apis.TouchpointListApi.as_view(), name="touchpoint_list"),
    path("touchpoints/<int:touchpoint_id>/", apis.TouchpointDetailApi.as_view(), name="touchpoint_detail"),
    path("touchpoints/<int:touchpoint_id>/move/", apis.TouchpointMoveApi.as_view(), name="touchpoint_move"),
    path("touchpoints/<int:touchpoint_id>/owner/", apis.TouchpointOwnerApi.as_view(), name="touchpoint_owner"),
    path("ownership-changes/", apis.OwnershipChangeListApi.as_view(), name="ownership_change_list"),
]
