from django.urls import path

from rencai.selections import views

app_name = "selections"

urlpatterns = [
    path("campaigns/<id:pk>/vote/", views.VoteView.as_view(), name="vote"),
    path("campaigns/<id:pk>/results.xlsx", views.ResultsExportView.as_view(), name="results-xlsx"),
    path("campaigns/<id:pk>/documents/<slug:kind>.docx", views.DocumentView.as_view(), name="document"),
    path("materials/<id:pk>/download/", views.MaterialDownloadView.as_view(), name="material-download"),
]
