from django.urls import path

from rencai.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.LeaderView.as_view(), name="leader"),
    path("documents/generate/", views.GenerateView.as_view(), name="generate"),
    path("documents/<id:pk>/download/", views.DownloadView.as_view(), name="download"),
]
