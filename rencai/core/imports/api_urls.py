from django.urls import path

from rencai.core.imports import api

urlpatterns = [
    path("", api.ImportUploadAPI.as_view(), name="api-import-upload"),
    path("<id:pk>/", api.ImportJobAPI.as_view(), name="api-import-job"),
    path("<id:pk>/report/", api.ImportReportAPI.as_view(), name="api-import-report"),
    path("<id:pk>/commit/", api.ImportCommitAPI.as_view(), name="api-import-commit"),
    path("<id:pk>/cancel/", api.ImportCancelAPI.as_view(), name="api-import-cancel"),
]
