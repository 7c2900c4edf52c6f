from django.urls import path

from rencai.core.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportJobListView.as_view(), name="list"),
    path("<slug:slug>/new/", views.ImportUploadView.as_view(), name="upload"),
    path("<slug:slug>/template/", views.ImportTemplateView.as_view(), name="template"),
    path("job/<int:pk>/", views.ImportJobView.as_view(), name="job"),
    path("job/<int:pk>/progress/", views.ImportProgressView.as_view(), name="progress"),
    path("job/<int:pk>/commit/", views.ImportCommitView.as_view(), name="commit"),
    path("job/<int:pk>/cancel/", views.ImportCancelView.as_view(), name="cancel"),
    path("job/<int:pk>/errors.xlsx", views.ImportErrorCopyView.as_view(), name="error-copy"),
]
