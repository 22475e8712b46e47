from django.urls import path

from apps.journeys.apis.ownership import OwnershipChangeListApi, TouchpointOwnerApi
from apps.journeys.apis.paths import PathArchiveApi, PathDetailApi, PathListApi, PathRestoreApi
from apps.journeys.apis.stages import StageDetailApi, StageListApi, StageMoveApi
from apps.journeys.apis.touchpoints import TouchpointDetailApi, TouchpointListApi, TouchpointMoveApi

urlpatterns = [
    path("paths/", PathListApi.as_view(), name="path_list"),
    path("paths/<int:path_id>/", PathDetailApi.as_view(), name="path_detail"),
    path("paths/<int:path_id>/archive/", PathArchiveApi.as_view(), name="path_archive"),
    path("paths/<int:path_id>/restore/", PathRestoreApi.as_view(), name="path_restore"),
    path("stages/", StageListApi.as_view(), name="stage_list"),
    path("stages/<int:stage_id>/", StageDetailApi.as_view(), name="stage_detail"),
    path("stages/<int:stage_id>/move/", StageMoveApi.as_view(), name="stage_move"),
    path("touchpoints/", TouchpointListApi.as_view(), name="touchpoint_list"),
    path("touchpoints/<int:touchpoint_id>/", TouchpointDetailApi.as_view(), name="touchpoint_detail"),
    path("touchpoints/<int:touchpoint_id>/move/", TouchpointMoveApi.as_view(), name="touchpoint_move"),
    path("touchpoints/<int:touchpoint_id>/owner/", TouchpointOwnerApi.as_view(), name="touchpoint_owner"),
    path("ownership-changes/", OwnershipChangeListApi.as_view(), name="ownership_change_list"),
]
