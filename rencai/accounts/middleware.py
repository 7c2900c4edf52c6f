from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from rencai.core.roles import requires_second_factor

#: What an administrator reaches before the second factor: the log-in, the enrolment /
#: verification page, log-out, static files and the language switch. Not the password
#: page, not the API.
_ALLOWED_PATHS = ("/accounts/login/", "/accounts/logout/", "/accounts/otp/")
_ALLOWED_PREFIXES = ("/static/", "/i18n/")


class RequireSecondFactorMiddleware:
    """The three administrator roles do nothing until their TOTP code is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and requires_second_factor(user)
            and not user.is_verified()
            and request.path not in _ALLOWED_PATHS
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("管理员角色须先完成动态验证码验证。")}, status=403)
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class AddressLockoutMiddleware:
    """Failed log-ins are counted per source address as well as per user name (django-axes
    locks the name): many failures from one address over many names lock the address
    until the cool-off ends or the security administrator unlocks it. The address limit
    is higher than the name limit, because a bank's staff share one NAT address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in ("/accounts/login/", "/api/auth/token/"):
            from rencai.accounts.services import address_locked
            from rencai.core.context import client_ip

            if address_locked(client_ip(request)):
                from rencai.accounts.forms import LoginForm

                minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
                message = _(
                    "该网络地址登录失败次数过多，已暂停从此地址登录%(minutes)s分钟；如属误锁，请联系安全管理员解除。"
                ) % {"minutes": minutes}
                return render(
                    request, "accounts/login.html", {"form": LoginForm(request), "lockout": message}, status=429
                )
        return self.get_response(request)


#: What a user with a one-time password reaches before choosing their own.
_PASSWORD_PATHS = ("/accounts/password/", "/accounts/logout/", "/accounts/login/", "/accounts/otp/")


class ForcePasswordChangeMiddleware:
    """After the system administrator reset a password to a one-time one, every page leads
    to the password change page until the user has chosen their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and request.path not in _PASSWORD_PATHS
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            message = _("您的密码已由系统管理员重置，请先设置新密码。")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            from django.contrib import messages

            messages.warning(request, message)
            return redirect("accounts:password")
        return self.get_response(request)
