from django.urls import path

from rencai.cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("participation/", views.ParticipationView.as_view(), name="participation"),
    path("photos/<id:pk>/", views.PhotoView.as_view(), name="photo"),
]
