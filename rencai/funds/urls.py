from django.urls import path

from rencai.funds import views

app_name = "funds"

urlpatterns = [
    path("report/", views.ReportView.as_view(), name="report"),
    path("ledger.xlsx", views.LedgerView.as_view(), name="ledger"),
]
