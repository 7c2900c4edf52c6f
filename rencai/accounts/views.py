"""Log-in with lock-out and a TOTP second factor (users are declared in ``objects.py``)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from rencai.accounts.forms import LoginForm, OTPTokenForm
from rencai.core import audit
from rencai.core.models import AuditAction


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request, credentials, *args, **kwargs):
    """Called by django-axes when a user name is locked."""
    message = _("连续登录失败次数过多，该账号已被锁定15分钟，请稍后再试或联系系统管理员。")
    return render(request, "accounts/login.html", {"form": LoginForm(request), "lockout": message}, status=429)


def _safe_next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


class OTPView(LoginRequiredMixin, FormView):
    """Enrol (first time) or verify the TOTP second factor of an administrator."""

    template_name = "accounts/otp.html"
    form_class = OTPTokenForm

    def device(self) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=self.request.user).order_by("-confirmed", "pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=self.request.user, name="default", confirmed=False)
        return device

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        device = self.device()
        context["enrolling"] = not device.confirmed
        if not device.confirmed:
            import segno

            context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
            context["secret"] = _base32(device.bin_key)
        context["next"] = _safe_next(self.request)
        return context

    def form_valid(self, form):
        device = self.device()
        if not device.verify_token(form.cleaned_data["token"]):
            form.add_error("token", _("动态验证码不正确或已过期。"))
            return self.form_invalid(form)
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record(
                AuditAction.PERMISSION, obj=self.request.user, changes={"otp": "enrolled"}, request=self.request
            )
        otp_login(self.request, device)
        return redirect(_safe_next(self.request))


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")


def password_changed(request):
    messages.success(request, _("密码已修改。"))
    return redirect("core:home")
