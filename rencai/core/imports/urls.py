from django.urls import path

from rencai.core.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportJobListView.as_view(), name="list"),
    path("<slug:slug>/new/", views.ImportUploadView.as_view(), name="upload"),
    path("<slug:slug>/template/", views.ImportTemplateView.as_view(), name="template"),
    path("job/<id:pk>/", views.ImportJobView.as_view(), name="job"),
    path("job/<id:pk>/progress/", views.ImportProgressView.as_view(), name="progress"),
    path("job/<id:pk>/commit/", views.ImportCommitView.as_view(), name="commit"),
    path("job/<id:pk>/cancel/", views.ImportCancelView.as_view(), name="cancel"),
    path("job/<id:pk>/errors.xlsx", views.ImportErrorCopyView.as_view(), name="error-copy"),
]
