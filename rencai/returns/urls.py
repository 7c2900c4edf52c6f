from django.urls import path

from rencai.returns import views

app_name = "returns"

urlpatterns = [
    path("submissions/<id:pk>/", views.FillView.as_view(), name="fill"),
    path("submissions/<id:pk>/findings/", views.FindingsView.as_view(), name="findings"),
    path("submissions/<id:pk>/template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("periods/<id:pk>/board/", views.BoardView.as_view(), name="board"),
    path("periods/<id:pk>/board/remind/", views.BoardRemindView.as_view(), name="board-remind"),
    path("periods/<id:pk>/aggregate/", views.AggregateView.as_view(), name="aggregate"),
]
