from django.urls import path

from rencai.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("sheets/<int:pk>/score/", views.ScoreView.as_view(), name="score"),
    path("reviews/<int:pk>/ranking/", views.RankingView.as_view(), name="ranking"),
    path("draws/<int:pk>/verify/", views.DrawVerifyView.as_view(), name="draw-verify"),
]
