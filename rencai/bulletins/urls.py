from django.urls import path

from rencai.bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("issues/<id:pk>/bulletin.docx", views.IssueDocxView.as_view(), name="issue-docx"),
    path("issues/<id:pk>/bulletin.pdf", views.IssuePdfView.as_view(), name="issue-pdf"),
    path("attachments/<id:pk>/download/", views.AttachmentDownloadView.as_view(), name="attachment-download"),
    path("ranking/", views.RankingView.as_view(), name="ranking"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
]
