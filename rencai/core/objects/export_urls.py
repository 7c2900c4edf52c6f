from django.urls import path

from rencai.core.objects import export_views

app_name = "exports"

urlpatterns = [
    path("", export_views.ExportJobListView.as_view(), name="list"),
    path("<id:pk>/", export_views.ExportJobView.as_view(), name="job"),
    path("<id:pk>/progress/", export_views.ExportProgressView.as_view(), name="progress"),
    path("<id:pk>/download/", export_views.ExportDownloadView.as_view(), name="download"),
]
