from django.urls import path

from rencai.core import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("my/", views.PortalView.as_view(), name="portal"),
    path("m/<slug:key>/", views.PlannedMechanismView.as_view(), name="planned"),
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
    path("audit/export/", views.AuditExportView.as_view(), name="audit-export"),
    path("audit/verify/", views.AuditVerifyView.as_view(), name="audit-verify"),
]
