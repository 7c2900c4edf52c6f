from django.contrib.auth import views as auth_views
from django.urls import path

from rencai.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", views.OTPView.as_view(), name="otp"),
    path("password/", views.PasswordChangeView.as_view(), name="password"),
    path("password/forgot/", views.forgot_password, name="password-forgot"),
    path("messages/", views.MessageListView.as_view(), name="messages"),
    path("messages/<int:pk>/open/", views.MessageOpenView.as_view(), name="message-open"),
    path("messages/settings/", views.NoticeSettingsView.as_view(), name="notice-settings"),
    path("password/done/", views.password_changed, name="password-done"),
    path("role-changes/", views.RoleChangeListView.as_view(), name="role-changes"),
    path(
        "role-changes/<int:pk>/<str:decision>/",
        views.RoleChangeDecideView.as_view(),
        name="role-change-decide",
    ),
    path("enrolment-code/<int:pk>/", views.EnrolmentCodeView.as_view(), name="enrolment-code"),
    path("lockouts/", views.LockoutView.as_view(), name="lockouts"),
]
