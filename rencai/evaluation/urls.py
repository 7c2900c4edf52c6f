from django.urls import path

from rencai.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("sheets/<id:pk>/score/", views.ScoreView.as_view(), name="score"),
    path("reviews/<id:pk>/ranking/", views.RankingView.as_view(), name="ranking"),
    path("draws/<id:pk>/verify/", views.DrawVerifyView.as_view(), name="draw-verify"),
]
