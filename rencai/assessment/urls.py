from django.urls import path

from rencai.assessment import views

app_name = "assessment"

urlpatterns = [
    path("<id:pk>/card/", views.CardView.as_view(), name="card"),
    path("rounds/<id:pk>/ranking/", views.RankingView.as_view(), name="ranking"),
    path("rounds/<id:pk>/results.docx", views.ResultsDocxView.as_view(), name="results-docx"),
    path("evidence/<id:pk>/download/", views.EvidenceDownloadView.as_view(), name="evidence-download"),
]
