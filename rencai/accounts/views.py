"""Log-in with lock-out; the second-factor and administrator pages are in security_views."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rencai.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request, credentials, *args, **kwargs):
    """Called by django-axes when a user name is locked."""
    message = _("连续登录失败次数过多，该账号已被锁定15分钟，请稍后再试或联系安全管理员解锁。")
    return render(request, "accounts/login.html", {"form": LoginForm(request), "lockout": message}, status=429)


def password_changed(request):
    messages.success(request, _("密码已修改。"))
    return redirect("core:home")
