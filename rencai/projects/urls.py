from django.urls import path

from rencai.projects import views

app_name = "projects"

urlpatterns = [
    path("board/", views.BoardView.as_view(), name="board"),
    path("<id:pk>/timeline/", views.TimelineView.as_view(), name="timeline"),
    path("notices/<id:pk>/notice.docx", views.NoticeDocxView.as_view(), name="notice-docx"),
]
