from django.urls import path

from rencai.core.imports import api

urlpatterns = [
    path("", api.ImportUploadAPI.as_view(), name="api-import-upload"),
    path("<int:pk>/", api.ImportJobAPI.as_view(), name="api-import-job"),
    path("<int:pk>/report/", api.ImportReportAPI.as_view(), name="api-import-report"),
    path("<int:pk>/commit/", api.ImportCommitAPI.as_view(), name="api-import-commit"),
    path("<int:pk>/cancel/", api.ImportCancelAPI.as_view(), name="api-import-cancel"),
]
