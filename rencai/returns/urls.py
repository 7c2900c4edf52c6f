from django.urls import path

from rencai.returns import views

app_name = "returns"

urlpatterns = [
    path("submissions/<int:pk>/", views.FillView.as_view(), name="fill"),
    path("submissions/<int:pk>/template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("periods/<int:pk>/board/", views.BoardView.as_view(), name="board"),
    path("periods/<int:pk>/aggregate/", views.AggregateView.as_view(), name="aggregate"),
]
