from django.urls import path

from rencai.returns import views

app_name = "returns"

urlpatterns = [
    path("submissions/<id:pk>/", views.FillView.as_view(), name="fill"),
    path("submissions/<id:pk>/template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("periods/<id:pk>/board/", views.BoardView.as_view(), name="board"),
    path("periods/<id:pk>/aggregate/", views.AggregateView.as_view(), name="aggregate"),
]
