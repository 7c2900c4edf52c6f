from django.urls import path

from rencai.training import views

app_name = "training"

urlpatterns = [
    path("sessions/<id:pk>/qr/", views.QrView.as_view(), name="qr"),
    path("checkin/<id:session>/<int:step>/<str:token>/", views.CheckInView.as_view(), name="checkin"),
    path("videos/<id:pk>/watch/", views.WatchView.as_view(), name="watch"),
    path("videos/<id:pk>/stream/", views.StreamView.as_view(), name="stream"),
    path("videos/<id:pk>/progress/", views.ProgressView.as_view(), name="progress"),
    path("enrollments/<id:pk>/certificate.docx", views.CertificateView.as_view(), name="certificate"),
    path("certificates/<str:number>/", views.CertificateVerifyView.as_view(), name="certificate-verify"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
]
